"""What every input schema refuses, whatever its fields declare: the base schema applies these to each field.

Domain schemas keep declaring marshmallow's own fields; `harden` adapts each bound copy, so a new schema or
field cannot forget a rule:
- integers are whole numbers within the database's INTEGER: 2.5 or "2.5" is refused, never truncated;
- dates and date-times lie in a sane calendar range (the edges of Python's calendar overflow on conversion);
- text holds no character a database column cannot store (NUL, an unpaired UTF-16 surrogate), checked over
  the whole raw input — keys, free-form values and nested lists included — by `unstorable_text`.
"""
from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime

import marshmallow as ma
from flask_babel import gettext as _

MAX_INT = 2**31 - 1  # PostgreSQL's INTEGER; SQLite would take more, so the bound is the portable one
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)  # exclusive
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,12}")  # forms and query strings carry numbers as text
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class WholeNumber(ma.fields.Integer):
    """An integer that is one: a fraction (2.5, "2.5", 2.0) is invalid rather than truncated to 2."""

    def _validated(self, value) -> int:
        if isinstance(value, str):
            if not _INTEGER_TEXT.fullmatch(value):
                raise self.make_error("invalid", input=value)
        elif not isinstance(value, numbers.Integral):
            raise self.make_error("invalid", input=value)
        number = super()._validated(value)
        if not -MAX_INT <= number <= MAX_INT:
            raise self.make_error("too_large", input=value)
        return number


def within_calendar(value: date | datetime) -> None:
    """A validator: the moment or day lies in [1900, 2200), so converting or shifting it cannot overflow."""
    try:
        if isinstance(value, datetime):
            moment = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
            inside = EARLIEST.replace(tzinfo=None) <= moment < LATEST.replace(tzinfo=None)
        else:
            inside = EARLIEST.date() <= value < LATEST.date()
    except OverflowError:
        inside = False
    if not inside:
        raise ma.ValidationError(_("Must lie between the years %(first)s and %(last)s.",
                                   first=EARLIEST.year, last=LATEST.year - 1))


def _inner_fields(field: ma.fields.Field):
    yield field
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None),
                  getattr(field, "key_field", None), *getattr(field, "tuple_fields", ())):
        if inner is not None:
            yield from _inner_fields(inner)


def harden(field: ma.fields.Field) -> None:
    """Apply the input rules to one bound field (a per-schema copy) and the fields inside it."""
    for each in _inner_fields(field):
        if type(each) is ma.fields.Integer:
            each.__class__ = WholeNumber  # same state, stricter `_validated`
        if isinstance(each, ma.fields.DateTime | ma.fields.Date):
            each.validators = [*each.validators, within_calendar]  # a new list: the declared field shares it


def unstorable_text(data) -> dict[str, list[str]]:
    """Dotted paths of strings, keys included, holding NUL or an unpaired surrogate (no column stores them)."""
    problems: dict[str, list[str]] = {}
    pending = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                problems[path or "_schema"] = [_("Contains a character that cannot be stored "
                                                 "(NUL or an unpaired surrogate).")]
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    problems[path or "_schema"] = [_("A field name contains a character that cannot be stored.")]
                else:
                    pending.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list | tuple):
            pending.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return problems
