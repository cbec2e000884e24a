"""Every API write × every role on school A's side × school C's objects → 403 or 404, and nothing written.

Generated from the url_map like tests/api/test_no_leaks.py, with request bodies generated from the OpenAPI
document (so the request passes validation and reaches the scope check), so a new write route is covered the
day it is added: a route this test cannot fill, or whose generated body is refused as invalid, fails it.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety.audit.models import AuditEvent
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import HazardEvent
from tests.api.test_no_leaks import _fill, _school_c_records, class_teacher, secret  # noqa: F401 (fixtures, helpers)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ROLES = ["principal_a", "officer_a", "office_a", "district_inspector_a", "principal_b", "class_teacher_a"]
# Writes that name no school's object: the actor's own account, creating shared things (admin only), public
# forms reached by token, logging in and out. Each is covered by its own domain's tests.
NOT_ABOUT_A_SCHOOL = {
    "/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/me", "/api/v1/notifications/read-all",
    "/api/v1/notifications/preferences", "/api/v1/photos", "/api/v1/regions", "/api/v1/schools", "/api/v1/users",
    "/api/v1/checklists", "/api/v1/checklists/<int:template_id>/versions", "/api/v1/campaign-definitions",
    "/api/v1/campaign-definitions/<int:definition_id>", "/api/v1/imports/<any(schools, classes, points):kind>",
    "/api/v1/users/<int:user_id>", "/api/v1/public/receipts/<string:receipt_token>",
    "/api/v1/public/reports/<string:qr_token>", "/api/v1/sync",
}
# Writes that name school C in the body rather than the path.
BODY_NAMES_THE_SCHOOL = {"/api/v1/hazards": "school_id", "/api/v1/inspections": "point_id",
                         "/api/v1/webhooks": "school_id", "/api/v1/calendars": "region_id",
                         "/api/v1/notices": "inspection_id"}
# Field values the generic generator cannot guess (by field name).
FIELD_VALUES = {
    "photos": lambda ids: ["ab" * 32], "action": lambda ids: "acknowledge", "accepted": lambda ids: True,
    "url": lambda ids: "https://robot.example.cn/hook",
    "client_uuid": lambda ids: "6f1c9f4e-8a51-4a7e-9f9a-0c3c1d2e3f40",
    "template_version_id": lambda ids: ids["version_id"], "assignee_id": lambda ids: ids["user_id"],
    "status": lambda ids: "closed", "code": lambda ids: "X-1", "activity": lambda ids: "lesson",
    "results": lambda ids: [{"item_id": 1, "outcome": "pass"}],
    "deadline": lambda ids: (now() + timedelta(days=3)).isoformat(), "count": lambda ids: 1,
    "phone": lambda ids: "13800000000",
}


def _write_rules(app):
    for rule in app.url_map.iter_rules():
        methods = rule.methods & WRITES
        if rule.rule.startswith("/api/v1/") and methods and rule.rule not in NOT_ABOUT_A_SCHOOL:
            for method in sorted(methods):
                yield rule, method


def _resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    if "allOf" in schema:
        merged = {"properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def _value(spec, name, schema, ids):
    if name in FIELD_VALUES:
        return FIELD_VALUES[name](ids)
    schema = _resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        return _body(spec, schema, ids)
    if kind == "array":
        item = _value(spec, name, schema.get("items", {}), ids)
        return [item] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return ids.get(name, max(1, schema.get("minimum", 1)))  # an id of school C's where the name says so
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if fmt == "binary":  # a file field of a multipart body
        return (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "file.pdf")
    if fmt == "date-time":  # something that happened (deadlines are named in FIELD_VALUES)
        return (now() - timedelta(days=1)).isoformat()
    if fmt == "date":
        return (now() - timedelta(days=1)).date().isoformat()
    return "测试" * max(1, schema.get("minLength", 1))


def _body(spec, schema, ids):
    schema = _resolve(spec, schema)
    return {name: _value(spec, name, prop, ids) for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", [])}


def _request_body(spec, rule, method, ids):
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    media = "application/json" if "application/json" in content else "multipart/form-data"
    schema = content.get(media, {}).get("schema")
    body = _body(spec, schema, ids) if schema else None
    if rule.rule in BODY_NAMES_THE_SCHOOL:
        body = {**(body or {}), BODY_NAMES_THE_SCHOOL[rule.rule]: ids[BODY_NAMES_THE_SCHOOL[rule.rule]]}
    return {"json": body} if media == "application/json" or body is None else {"data": body}


@pytest.fixture
def targets(secret):  # noqa: F811
    """School C's objects, plus a term in its district's calendar."""
    from datetime import date

    from safety.drills.models import CalendarKind, CalendarPeriod
    period = CalendarPeriod(region_id=secret["region_id"], kind=CalendarKind.holiday, name_zh="乙区假期",
                            starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 7))
    db.session.add(period)
    db.session.commit()
    return {**secret, "period_id": period.id}


def _footprint(school_id):
    audit = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.school_id == school_id))
    events = db.session.scalar(select(func.count()).select_from(HazardEvent))
    return audit, events


@pytest.mark.usefixtures("class_teacher")
@pytest.mark.parametrize("who", ROLES)
def test_no_write_reaches_another_schools_objects(app, client, world, targets, who):
    spec = client.get("/api/v1/openapi.json").json
    headers = world.headers(who)
    before = _footprint(targets["school_id"])
    checked, wrong = [], []
    for rule, method in _write_rules(app):
        path, body = _fill(rule, targets), _request_body(spec, rule, method, targets)
        response = client.open(path, method=method, headers=headers, **body)
        if response.status_code == 422:
            wrong.append(f"{method} {path}: the generated body {body} was refused ({response.json}); "
                         "add the field to FIELD_VALUES")
        elif response.status_code not in (403, 404):
            wrong.append(f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        checked.append(path)
    assert not wrong, f"{who}:\n" + "\n".join(wrong)
    db.session.expire_all()
    assert _footprint(targets["school_id"]) == before
    assert len(checked) > 20
