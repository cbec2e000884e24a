"""What the OpenAPI document says about every operation, derived from the code in one place.

An apispec plugin completes each operation flask-smorest documents:

- a stable `operationId`, `<blueprint>_<view>[_<verb>]` from the view class's name (never from the path), so a
  generated client keeps its method names when a URL changes; `@blp.doc(operationId=...)` overrides it;
- every error status the operation can answer, each with the one `Error` shape: 401 unless the view is
  `@public`, 404 with path parameters, 422 everywhere (unknown query parameters), 400/413/415 with a body,
  and whatever typed error (`ApiError` subclass) the view or any function of this package it reaches raises —
  found by reading their bytecode, so a new `raise Conflict()` in a service is documented without anyone typing
  it;
- the media type of downloads (`content_type=` with no schema), a description, and request bodies written as
  parameters (`json_or_form`) moved into `requestBody`.
"""
from __future__ import annotations

import dis
import inspect
import re
from functools import cache
from types import CodeType, FunctionType, ModuleType

import marshmallow as ma
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest.fields import Upload

from ..errors import ApiError

PACKAGE = __name__.split(".", 1)[0]
ERROR_REF = {"$ref": "#/components/schemas/Error"}
# status → (response component, description)
ERROR_RESPONSES = {
    400: ("BadRequest", "Malformed request (e.g. a body that is not JSON)"),
    401: ("Unauthorized", "No valid bearer token"),
    403: ("Forbidden", "Visible, but the caller may not do this"),
    404: ("NotFound", "No such object in the caller's scope"),
    409: ("Conflict", "Conflicts with the current state"),
    413: ("TooLarge", "The body or file is too large"),
    415: ("UnsupportedMedia", "Unsupported media type or file format"),
    422: ("UNPROCESSABLE_ENTITY", "Invalid fields; `fields` maps dotted paths to problems"),
    429: ("RateLimited", "Too many requests; `Retry-After` says when to try again"),
}
PARAMETER_LOCATIONS = {"query", "path", "header", "cookie"}
BODY_STATUSES = {400, 413, 415, 422}  # 415: a body in another format than the one documented
# A value of a free-form detail map (audit details, event data): a scalar, a list of scalars, or an object.
SCALAR = {"anyOf": [*({"type": t} for t in ("string", "number", "boolean", "null")),
                    {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]}},
                    {"type": "object"}]}
_VERBS = {"get": "get", "post": "create", "put": "replace", "patch": "update", "delete": "delete"}
_DETAIL_WORDS = ("detail", "one")


def json_or_multipart(schema: type[ma.Schema], **files: str) -> dict:
    """A request body accepted as JSON, or as a multipart form with the same fields plus optional files."""
    form = type(f"{schema.__name__}Form", (schema,), {
        name: Upload(metadata={"description": description}) for name, description in files.items()})
    # Not `required: true`: openapi-python-client (0.29) then emits an `Unset` it never imports (its issue #1451);
    # the required fields inside still get a 422 when missing.
    return {"content": {"application/json": {"schema": schema}, "multipart/form-data": {"schema": form}}}


# --- operation ids ---------------------------------------------------------------------------------------

def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def operation_id(blueprint: str, view_name: str, method: str, methods: int, lists: bool) -> str:
    """`hazards_rectify`, `hazards_list`, `hazards_get`, `campaigns_activities_create`, …"""
    name = _snake(view_name)
    singular = blueprint.removesuffix("s")
    collection = name == blueprint
    for prefix in (blueprint, singular):
        if name == prefix or name.startswith(prefix + "_"):
            name = name[len(prefix) + 1:]
            break
    words = name.split("_") if name else []
    detail = bool(words and words[-1] in _DETAIL_WORDS) or (not words and not collection)
    if detail:
        words = words[:-1] if words and words[-1] in _DETAIL_WORDS else words
    verb = "list" if method == "get" and lists else _VERBS[method]
    if not words:
        return f"{blueprint}_{verb}"
    if methods == 1 and not detail and method in ("get", "post", "put"):
        return "_".join([blueprint, *words])
    return "_".join([blueprint, *words, verb])


def _lists(operation: dict) -> bool:
    """Does the operation's success answer hold many (an array or a page envelope)?"""
    for status, response in operation.get("responses", {}).items():
        if not str(status).startswith("2") or not isinstance(response, dict):
            continue
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if isinstance(schema, dict) and (schema.get("type") == "array"
                                         or schema.get("$ref", "").endswith("Page")):
            return True
        if isinstance(schema, type | ma.Schema) and (getattr(schema, "many", False)
                                                      or _schema_class(schema).__name__.endswith("PageSchema")):
            return True
    return False


def _schema_class(schema) -> type:
    return schema if isinstance(schema, type) else type(schema)


# --- error statuses derived from the code ----------------------------------------------------------------

def raised_errors(func) -> set[type[Exception]]:
    """Typed errors a function raises, itself or through any function of this package it reaches."""
    found, todo, seen = set(), [inspect.unwrap(func)], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        errors, callees = _direct(current)
        found |= errors
        todo.extend(callees)
    return found


@cache
def _direct(func: FunctionType) -> tuple[frozenset, tuple]:
    """The errors a function names (outside `except` clauses) and the functions of this package it names."""
    errors, callees = set(), []
    codes = [func.__code__]
    while codes:
        code = codes.pop()
        codes.extend(c for c in code.co_consts if isinstance(c, CodeType))  # lambdas, comprehensions
        instructions = list(dis.get_instructions(code))
        current = None
        for index, instruction in enumerate(instructions):
            if instruction.opname == "LOAD_GLOBAL":
                current = func.__globals__.get(instruction.argval)
            elif instruction.opname in ("LOAD_ATTR", "LOAD_METHOD") and current is not None:
                # An object's method is its class's function (a state machine's `fire`); looked up on the class,
                # so no property of the object is evaluated.
                owner = current if isinstance(current, ModuleType | type) else type(current)
                current = getattr(owner, instruction.argval, None)
            else:
                current = None
                continue
            following = instructions[index + 1].opname if index + 1 < len(instructions) else ""
            _classify(current, following, errors, callees)
    return frozenset(errors), tuple(callees)


def _classify(obj, following: str, errors: set, callees: list) -> None:
    if isinstance(obj, type) and issubclass(obj, ApiError | ma.ValidationError):
        if following != "CHECK_EXC_MATCH":  # `except Conflict:` raises nothing
            errors.add(obj)
    elif isinstance(obj, dict):  # a registry of callables (e.g. the escalation actions)
        for value in obj.values():
            _classify(value, "", errors, callees)
    elif isinstance(obj, FunctionType):
        obj = inspect.unwrap(obj)
        if obj.__module__ and obj.__module__.split(".", 1)[0] == PACKAGE:
            callees.append(obj)


def _status_of(error: type[Exception]) -> int:
    if issubclass(error, ma.ValidationError):
        return 422
    return error.status


def error_statuses(view_func, rule, public: bool, operation: dict) -> set[int]:
    statuses = {_status_of(e) for e in raised_errors(view_func)}
    if not public:
        statuses.add(401)
    if rule.arguments:
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= BODY_STATUSES
    statuses.add(422)  # every operation refuses unknown or repeated query parameters (core/parsing.py)
    return statuses


# --- every schema node typed ------------------------------------------------------------------------------

def typed_field(converter, field: ma.fields.Field, ret: dict, **kwargs) -> dict:
    """Run last for every field: enums get their type, nullable ones `[type, "null"]`; a nullable field typed by an
    `anyOf` (its metadata) gets a `null` branch. A field whose class says nothing of its type declares it in
    `metadata={"type": ...}`.
    """
    if isinstance(field, ma.fields.Enum):
        values = [v for v in ret.get("enum", []) if v is not None]
        base = "integer" if values and all(isinstance(v, int) for v in values) else "string"
        ret["type"] = [base, "null"] if field.allow_none else base
    elif field.allow_none and "anyOf" in ret and {"type": "null"} not in ret["anyOf"]:
        ret.pop("type", None)
        ret["anyOf"] = [*ret["anyOf"], {"type": "null"}]
    return {}


# --- the plugin ------------------------------------------------------------------------------------------

def _is_public(view) -> bool:
    return bool(getattr(view, "public", False) or getattr(getattr(view, "view_class", None), "public", False))


class ContractPlugin(BasePlugin):
    """Completes every operation flask-smorest documents (see the module's docstring)."""

    def __init__(self, app):
        self.app = app

    def init_spec(self, spec):
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin):
                plugin.converter.add_attribute_function(typed_field)
        for status, (name, description) in ERROR_RESPONSES.items():
            if status != 422:  # flask-smorest registers that one itself
                spec.components.response(name, {"description": description,
                                                "content": {"application/json": {"schema": ERROR_REF}}})

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        view = self.app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        blueprint, view_name = rule.endpoint.split(".", 1)
        for method, operation in operations.items():
            func = getattr(view_class, method) if view_class else view
            operation.setdefault("operationId", operation_id(
                blueprint, view_name, method, len(operations), _lists(operation)))
            operation.setdefault("description", operation.get("summary", ""))
            _move_body_parameters(operation)
            _document_downloads(operation, func)
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(func, rule, _is_public(view), operation)):
                if status not in responses and str(status) not in responses:
                    responses[status] = ERROR_RESPONSES[status][0]


def _move_body_parameters(operation: dict) -> None:
    """webargs' `json_or_form` is not an OpenAPI location: the view documents that body as `requestBody`."""
    parameters = operation.get("parameters", [])
    body = [p for p in parameters if isinstance(p, dict) and p.get("in") not in PARAMETER_LOCATIONS]
    if not body:
        return
    if "requestBody" not in operation:
        raise RuntimeError(f"{operation.get('summary')}: body fields documented as parameters; "
                           "document them with @blp.doc(requestBody=json_or_multipart(...))")
    operation["parameters"] = [p for p in parameters if p not in body]


def _document_downloads(operation: dict, func) -> None:
    """`@blp.response(200, content_type="application/pdf")` without a schema: the body is that file."""
    declared = getattr(func, "_apidoc", {}).get("response", {}).get("responses", {})
    for status, docs in declared.items():
        responses = operation.get("responses", {})
        response = responses.get(status, responses.get(str(status)))
        if not isinstance(response, dict) or response.get("content"):
            continue
        types = [d["content_type"] for d in docs if d.get("content_type") and d.get("schema") is None]
        if types:
            response["content"] = {t: {"schema": {"type": "string", "format": "binary"}} for t in types}
