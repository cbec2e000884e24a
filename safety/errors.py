"""The one error hierarchy and the one JSON error handler.

Every error leaves the service as
``{"error": {"code": "...", "message": "...", "fields": {"dotted.path": ["..."]}}}``.
Services raise the typed errors below; routing, webargs and werkzeug errors are mapped onto the same shape.
"""
from __future__ import annotations

import logging

import marshmallow as ma
from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .core.messages import translate
from .extensions import db

log = logging.getLogger(__name__)


class ErrorDetail(ma.Schema):
    code = ma.fields.String(metadata={"description": "machine-readable, e.g. validation_failed"})
    message = ma.fields.String(metadata={"description": "for people, in the request's language"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "dotted field path → problems"})


class ErrorSchema(ma.Schema):
    """The one error shape (documented in OpenAPI as `Error`)."""

    error = ma.fields.Nested(ErrorDetail)


class ApiError(Exception):
    status = 400
    code = "bad_request"
    default_message = _l("The request could not be understood.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None,
                 headers: dict | None = None):
        super().__init__(str(message or self.default_message))
        self.message = message or self.default_message
        self.code = code or self.code
        self.fields = fields
        self.headers = headers or {}


class BadRequest(ApiError):
    status, code, default_message = 400, "bad_request", _l("The request could not be understood.")


class Unauthorized(ApiError):
    status, code, default_message = 401, "unauthorized", _l("Log in first: the token is missing, wrong or expired.")


class Forbidden(ApiError):
    status, code, default_message = 403, "forbidden", _l("You are not allowed to do this.")


class NotFound(ApiError):
    status, code, default_message = 404, "not_found", _l("Not found.")


class MethodNotAllowed(ApiError):
    status, code, default_message = 405, "method_not_allowed", _l("This method is not allowed here.")


class Conflict(ApiError):
    status, code, default_message = 409, "conflict", _l("This conflicts with the current state.")


class TooLarge(ApiError):
    status, code, default_message = 413, "too_large", _l("The upload is too large.")


class UnsupportedMedia(ApiError):
    status, code, default_message = 415, "unsupported_media", _l("This kind of file is not supported.")


class Invalid(ApiError):
    status, code, default_message = 422, "validation_failed", _l("Some fields are invalid.")


class RateLimited(ApiError):
    status, code, default_message = 429, "rate_limited", _l("Too many requests; try again later.")


# Werkzeug/routing statuses mapped to our codes and translated messages: the error classes' own (named here,
# not found by walking subclasses, so a domain's own error, e.g. a 503 for a missing font, stays its own).
_HTTP_CODES = {error.status: (error.code, error.default_message) for error in (
    BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, Conflict, TooLarge, UnsupportedMedia, Invalid,
    RateLimited)}

_LOCATIONS = {"json", "query", "form", "files", "headers", "cookies", "path", "json_or_form", "view_args"}


def flatten_fields(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into dotted field paths: ``results.2.item_id``, its messages
    in the request's language."""
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": [translate(m) for m in messages]}
    if isinstance(messages, str):
        return {prefix or "_schema": [translate(messages)]}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten_fields(value, path))
    return flat


def _strip_location(messages: dict) -> dict:
    """webargs nests errors under the request location ("json", "query"); clients want field paths."""
    merged: dict = {}
    for key, value in messages.items():
        if key in _LOCATIONS and isinstance(value, dict):
            merged.update(value)
        else:
            merged[key] = value
    return merged


def _wants_html() -> bool:
    """Browsers on page addresses get an HTML error page; the API and everything else get JSON."""
    if request.path.startswith("/api/"):
        return False
    # Browsers send "text/html, …, */*": ask which of the two they prefer, not whether they accept JSON at all.
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def error_response(status: int, code: str, message, fields: dict | None = None, headers: dict | None = None):
    if _wants_html():
        html = render_template("pages/error.html", status=status, code=code, message=str(message))
        return current_app.response_class(html, status=status, headers=headers, mimetype="text/html")
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_api_error(error: ApiError):
    db.session.rollback()
    return error_response(error.status, error.code, error.message, error.fields, error.headers)


def _handle_http_exception(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    code, message = _HTTP_CODES.get(status, ("error", error.description))
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    fields = None
    if messages:
        fields = flatten_fields(_strip_location(messages))
    headers = dict(data.get("headers") or {})
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status >= 500:
        log.error("HTTP %s on %s %s", status, request.method, request.path)
        code, message = "internal_error", _("Something went wrong on our side; it has been logged.")
    return error_response(status, code, message, fields, headers)


def _handle_integrity_error(error: IntegrityError):
    """The database's constraints are the last line: a conflicting write is a 409, never a 500."""
    db.session.rollback()
    log.warning("integrity error on %s %s: %s", request.method, request.path, error.orig)
    return error_response(409, "conflict", _("This conflicts with existing data."))


def _handle_unexpected(error: Exception):
    db.session.rollback()
    if current_app.config.get("PROPAGATE_UNEXPECTED"):
        raise error
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", _("Something went wrong on our side; it has been logged."))


def register_error_handlers(app: Flask) -> None:
    """On the app, not on blueprints, so routing 404/405 get the same shape."""
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    app.register_error_handler(Exception, _handle_unexpected)
