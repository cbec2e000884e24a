"""Base schemas: strict input (see `inputs`), pagination arguments and page envelopes."""
from __future__ import annotations

from functools import cache

import marshmallow as ma
from flask_babel import get_locale

from .inputs import harden, unstorable_text

MAX_PER_PAGE = 200
MAX_ID = 2**31 - 1  # ids beyond what an INTEGER column holds are "not found", never a database error


def IdField(**kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID), **kwargs)


class StrictSchema(ma.Schema):
    """Input schema: unknown fields are an error, not silently dropped; every field follows `inputs`' rules."""

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        harden(field_obj)

    @ma.pre_load
    def _storable_text(self, data, **kwargs):
        if problems := unstorable_text(data):
            raise ma.ValidationError(problems)
        return data


class PageArgs(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A page envelope `{items, total, page, per_page}` for one item schema (one class per item schema)."""
    return type(f"{item_schema.__name__.removesuffix('Schema')}PageSchema", (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item_schema)),
        "total": ma.fields.Integer(),
        "page": ma.fields.Integer(),
        "per_page": ma.fields.Integer(),
    })


def is_chinese() -> bool:
    return str(get_locale() or "zh").startswith("zh")


def localised(obj, prefix: str = "name"):
    """`obj.<prefix>_zh` or `obj.<prefix>_en`, whichever fits the request's language (falling back)."""
    zh, en = getattr(obj, f"{prefix}_zh"), getattr(obj, f"{prefix}_en")
    return (zh or en) if is_chinese() else (en or zh)


class Localised(ma.fields.String):
    """Dump-only field: the text in the request's language, from `<prefix>_zh` / `<prefix>_en`."""

    def __init__(self, prefix: str = "name", **kwargs):
        self.prefix = prefix
        super().__init__(dump_only=True, **kwargs)

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return localised(obj, self.prefix)
