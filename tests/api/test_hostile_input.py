"""A hostile walk: every API operation × every class of hostile input → a 4xx in the one error shape, naming the
field it refused, and not one row written.

Operations come from the app's URL map and the arguments each declares (`view.inputs`, recorded by the
project's Blueprint), so a new route or field is walked the day it is added. Each class goes where the operation
reads input: into a field of the matching type in the JSON body, else into a query parameter of that type, else
into a parameter the operation does not take (which must be refused too). Public operations go anonymously.
"""
from __future__ import annotations

import re

import marshmallow as ma
import pytest
from flask import current_app
from sqlalchemy import func, select

from safety.extensions import db

NOT_OPERATIONS = {"/api/v1/docs", "/api/v1/docs/assets/<path:filename>", "/api/v1/openapi.json"}
PATH_VALUES = {"kind": "points", "fmt": "csv"}  # `any(...)` converters: other values do not route
EDGE_MOMENTS = ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00")
EDGE_DAYS = ("9999-12-31", "0001-01-01")
DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000


def _operations(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in NOT_OPERATIONS:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(view.view_class, method.lower()) if hasattr(view, "view_class") else view
            public = getattr(view, "public", False) or getattr(getattr(view, "view_class", None), "public", False)
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: PATH_VALUES.get(m.group(1), "1"), rule.rule)
            yield method, path, getattr(handler, "inputs", {}), public


def _schema(schema):
    return schema if isinstance(schema, ma.Schema) else schema()


def _field(schema, *kinds):
    """The name of a field of one of these types (the first declared), or None."""
    if schema is None:
        return None
    for name, field in _schema(schema).load_fields.items():
        if isinstance(field, kinds):
            return field.data_key or name
    return None


def _any_field(schema):
    names = list(_schema(schema).load_fields) if schema is not None else []
    return names[0] if names else None


STRINGS = (ma.fields.String,)
INTEGERS = (ma.fields.Integer,)
MOMENTS = (ma.fields.DateTime, ma.fields.Date)


def hostile_requests(hostile: str, inputs: dict):
    """(request keyword arguments, the field the error must name or None, allowed statuses) for one class."""
    body = inputs.get("json", inputs.get("json_or_form"))
    query = inputs.get("query")
    if body is not None:
        yield from _in_body(hostile, body)
    elif "files" in inputs:  # multipart operations: JSON is the wrong format, whatever it holds
        yield {"data": DEEP if hostile == "deep_nesting" else '{"file": 2.5}', "content_type": "application/json"}, \
            None, {415}
    else:
        yield from _in_query(hostile, query)


def _in_body(hostile, body):
    if hostile == "deep_nesting":
        yield {"data": DEEP, "content_type": "application/json"}, None, {400}
    elif hostile == "huge_integer":
        name = _field(body, *INTEGERS) or _any_field(body) or "x"
        yield {"data": f'{{"{name}": {HUGE}}}', "content_type": "application/json"}, None, {400}
    elif hostile == "lone_surrogate":
        name = _field(body, *STRINGS) or _any_field(body) or "x"
        yield {"data": f'{{"{name}": "abc\\ud800def"}}', "content_type": "application/json"}, name, {422}
    elif hostile == "nul":
        name = _field(body, *STRINGS) or _any_field(body) or "x"
        yield {"json": {name: "abc\x00def"}}, name, {422}
    elif hostile == "edge_dates":
        if name := _field(body, ma.fields.DateTime):
            for moment in EDGE_MOMENTS:
                yield {"json": {name: moment}}, name, {422}
        if name := _field(body, ma.fields.Date):
            for day in EDGE_DAYS:
                yield {"json": {name: day}}, name, {422}
    elif hostile == "float_for_int" and (name := _field(body, *INTEGERS)):
        yield {"json": {name: 2.5}}, name, {422}


def _in_query(hostile, query):
    values = {
        "deep_nesting": (None, DEEP[99_000:101_000]),  # no URL of 200 kB passes a proxy; nesting is the point
        "huge_integer": (INTEGERS, HUGE),
        "lone_surrogate": (None, "abc%ED%A0%80def"),  # what a URL can carry: invalid UTF-8, read as U+FFFD
        "nul": (STRINGS, "abc%00def"),
        "float_for_int": (INTEGERS, "2.5"),
    }
    if hostile == "edge_dates":
        cases = [((ma.fields.DateTime,), m) for m in EDGE_MOMENTS] + [((ma.fields.Date,), d) for d in EDGE_DAYS]
        cases = [(kinds, value) for kinds, value in cases if _field(query, *kinds)] or [(None, EDGE_MOMENTS[0])]
    else:
        cases = [values[hostile]]
    for kinds, value in cases:
        name = (_field(query, *kinds) if kinds else None) or "not_a_parameter"
        yield {"query_string": f"{name}={value.replace('+', '%2B')}"}, name, {422}


CLASSES = ["deep_nesting", "huge_integer", "lone_surrogate", "nul", "edge_dates", "float_for_int"]


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("hostile", CLASSES)
def test_no_operation_accepts_hostile_input(app, client, world, hostile):
    admin = world.headers("admin")
    before = _row_counts()
    sent = 0
    for method, path, inputs, public in _operations(app):
        for kwargs, field, statuses in hostile_requests(hostile, inputs):
            response = client.open(path, method=method, headers={} if public else admin, **kwargs)
            where = f"{method} {path} {hostile} {str(kwargs)[:120]}"
            assert response.status_code in statuses, f"{where}: {response.status_code} {response.get_data()[:300]}"
            error = response.json["error"]
            assert error["code"] and error["message"], where
            if field is not None:
                assert field in error.get("fields", {}), f"{where}: {error}"
            sent += 1
    db.session.rollback()
    assert _row_counts() == before
    assert sent > 60


def test_the_walk_reaches_every_operation_and_the_public_ones_anonymously(app):
    operations = list(_operations(app))
    assert len(operations) > 90
    public = {path for _, path, _, is_public in operations if is_public}
    assert {"/api/v1/public/reports/1", "/api/v1/public/receipts/1", "/api/v1/auth/login"} <= public
    assert all(type(blp).__module__ == "safety.core.parsing" for blp in current_app.blueprints.values()
               if blp.name not in ("pages", "api-docs"))


def test_nul_in_a_path_segment_is_404(app, client, world):
    """Text path parameters (QR and receipt tokens) never carry NUL to a database that refuses it."""
    checked = 0
    for rule in app.url_map.iter_rules():
        texts = {name for converter, name in re.findall(r"<(?:([^:>]+):)?([^>]+)>", rule.rule)
                 if converter in ("", "string")}
        if not rule.rule.startswith("/api/v1/") or not texts or rule.rule in NOT_OPERATIONS:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, texts=texts: "abc%00def" if m.group(1) in texts else "1",
                      rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, json={}, headers=world.headers("admin"))
            assert response.status_code == 404 and response.json["error"]["code"] == "not_found", path
            checked += 1
    assert checked >= 3


def test_the_parents_page_reads_its_form_with_the_apis_schema(client, world):
    """The anonymous receipt page (`/r/<token>`): NUL or an over-long name is an error on the page, not a 500
    (PostgreSQL) and not a silent truncation."""
    from safety.campaigns.models import ParentReceipt
    from tests.browser.test_parent_receipt_page import _csrf, _letter
    token = _letter(world)
    for child, problem in (("李小明\x00", "无法保存的字符"), ("李" * 65, "长度必须在 1 到 64 之间")):
        page = client.post(f"/r/{token}", data={"child": child, "signer": "李爸爸",
                                                "csrf_token": _csrf(client.get(f"/r/{token}").get_data(as_text=True))})
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and problem in html and "回执已登记" not in html
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 0
