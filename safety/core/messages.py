"""marshmallow's and webargs' own field messages, in the request's language.

The libraries raise English text ("Missing data for required field.", "Length must be between 1 and 300.").
Each is listed here once as a template for the catalogue; `translate` recognises a raised message by its
template, fills the translation with the same values, and leaves any other message (already ours) alone.
"""
from __future__ import annotations

import re
from functools import cache

from flask_babel import force_locale
from flask_babel import gettext as _


def _templates() -> tuple[str, ...]:
    return (
        _("Missing data for required field."),
        _("Field may not be null."),
        _("Unknown field."),
        _("Invalid input type."),
        _("Invalid input."),
        _("Invalid type."),
        _("Invalid value."),
        _("Not a valid string."),
        _("Not a valid utf-8 string."),
        _("Not a valid integer."),
        _("Not a valid number."),
        _("Number too large."),
        _("Special numeric values (nan or infinity) are not permitted."),
        _("Not a valid boolean."),
        _("Not a valid list."),
        _("Not a valid tuple."),
        _("Not a valid delimited list."),
        _("Not a valid delimited tuple."),
        _("Not a valid mapping type."),
        _("Not a valid UUID."),
        _("Not a valid URL."),
        _("Not a valid email address."),
        _("Not a valid IP address."),
        _("Not a valid IPv4 address."),
        _("Not a valid IPv6 address."),
        _("Not a valid IP interface."),
        _("Not a valid IPv4 interface."),
        _("Not a valid IPv6 interface."),
        _("Not a valid datetime."),
        _("Not a valid aware datetime."),
        _("Not a valid naive datetime."),
        _("Not a valid date."),
        _("Not a valid time."),
        _("Not a valid period of time."),
        _("Length must be between {min} and {max}."),
        _("Length must be {equal}."),
        _("Shorter than minimum length {min}."),
        _("Longer than maximum length {max}."),
        _("Must be greater than or equal to {min} and less than or equal to {max}."),
        _("Must be greater than {min} and less than or equal to {max}."),
        _("Must be greater than or equal to {min} and less than {max}."),
        _("Must be greater than {min} and less than {max}."),
        _("Must be greater than or equal to {min}."),
        _("Must be greater than {min}."),
        _("Must be less than or equal to {max}."),
        _("Must be less than {max}."),
        _("Must be one of: {choices}."),
        _("Must be equal to {other}."),
        _("One or more of the choices you made was not in: {choices}."),
        _("One or more of the choices you made was in: {values}."),
        _("String does not match expected pattern."),
    )


@cache
def _patterns() -> tuple[re.Pattern, ...]:
    with force_locale("en"):
        english = _templates()
    return tuple(re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(text)) + r"\Z") for text in english)


def translate(message: str) -> str:
    """A library's English message in the request's language, its values (lengths, choices) kept."""
    for pattern, template in zip(_patterns(), _templates(), strict=True):
        if match := pattern.match(message):
            return template.format(**match.groupdict())
    return message
