"""Reading requests: every API blueprint is a `Blueprint` from here, so every operation parses the same way.

- A JSON body is read by `parse_json`: malformed, too deep, NaN/Infinity or absurdly long numbers are a 400.
- A body in another format where JSON is expected is a 415 (not a 422 about missing fields).
- Query strings are strict like bodies: an unknown parameter is a 422 (`lang` is everyone's), a parameter
  given twice is a 422 unless it is a list, and a delimited list takes `a,b` and `x=a&x=b` alike.
"""
from __future__ import annotations

import json
import math

import flask_smorest
from flask import current_app, request
from flask_babel import gettext as _
from webargs import core
from webargs.fields import DelimitedList
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from ..errors import BadRequest, Invalid, UnsupportedMedia

MAX_DEPTH = 32  # the deepest legitimate body (an inspection's results and their photos) is under 10
MAX_NUMBER_LENGTH = 100  # characters of one number literal; no count, id or measurement comes close
SHARED_QUERY = {"lang"}  # read by the language selection on every request
QUERY = {"query", "querystring"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _number(kind):
    def parse(text: str):
        if len(text) > MAX_NUMBER_LENGTH or not math.isfinite(number := kind(text)):  # 1e999 reads as inf
            raise ValueError("number literal too long or too large")
        return number
    return parse


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _depth(data) -> int:
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def parse_json(raw: bytes):
    """The body as Python, or ValueError: bad UTF-8 or syntax, NaN/Infinity (also as 1e999), a number of over
    100 characters, or nesting over 32 levels (the parser would otherwise recurse until the interpreter gives up)."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_int=_number(int), parse_float=_number(float),
                          parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if _depth(data) > MAX_DEPTH:
        raise ValueError("nested too deeply")
    return data


def _has_body(req) -> bool:
    return bool(req.content_length) or "chunked" in req.headers.get("Transfer-Encoding", "")


def _wrong_format():
    return UnsupportedMedia(_("Send the body as JSON (Content-Type: application/json)."))


class RequestParser(FlaskParser):
    # None: the schema's own `unknown`, which StrictSchema sets to RAISE (webargs would drop unknown parameters).
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def load_json(self, req, schema):
        if not core.is_json(req.mimetype):
            if _has_body(req):
                raise _wrong_format()
            return core.missing
        raw = req.get_data(cache=True)
        if not raw:
            return core.missing
        try:
            return parse_json(raw)
        except ValueError:
            raise BadRequest(_("The body is not valid JSON."), code="malformed_json") from None

    def load_json_or_form(self, req, schema):
        if req.mimetype in FORM_TYPES:
            return self.load_form(req, schema)
        return self.load_json(req, schema)

    def load_files(self, req, schema):
        if _has_body(req) and req.mimetype != "multipart/form-data":
            raise UnsupportedMedia()
        return super().load_files(req, schema)

    def load_querystring(self, req, schema):
        fields = {field.data_key or name: field for name, field in schema.load_fields.items()}
        args = MultiDict()
        for key, values in req.args.lists():
            field = fields.get(key)
            if key in SHARED_QUERY and field is None:
                continue
            if isinstance(field, DelimitedList):
                values = [field.delimiter.join(values)]
            elif len(values) > 1 and not getattr(field, "is_multiple", False) and field is not None:
                raise Invalid(fields={key: [_("Give this parameter only once.")]})
            args.setlist(key, values)
        return self._makeproxy(args, schema)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with the strict `RequestParser`; an operation without query arguments
    refuses any query parameter, as one with them refuses unknown ones."""

    ARGUMENTS_PARSER = RequestParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(_no_stray_query)

    def arguments(self, schema, *, location="json", **kwargs):
        decorate = super().arguments(schema, location=location, **kwargs)

        def decorator(func):
            view = decorate(func)
            # What the operation reads, by location; functools.wraps copies it out through later decorators.
            view.inputs = {**getattr(func, "inputs", {}), location: schema}
            return view
        return decorator


def _handler():
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    method = "get" if request.method == "HEAD" else request.method.lower()
    return getattr(view_class, method, None) if view_class else view


def _no_stray_query():
    handler = _handler()
    if handler is None or request.method == "OPTIONS" or QUERY & set(getattr(handler, "inputs", ())):
        return  # no such operation (routing answers 405) or a CORS preflight
    stray = [key for key in request.args if key not in SHARED_QUERY]
    if stray:
        raise Invalid(fields={key: [_("Unknown field.")] for key in stray})

