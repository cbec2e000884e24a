"""Reading the pages' forms with the API's own schemas, so a form gets exactly the API's validation errors."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask import current_app, request
from flask_babel import gettext as _

from ..errors import Invalid, flatten_fields
from ..inspections.services import complete_waiting
from ..photos import services as photos


def load(schema: type[ma.Schema], data: dict, partial: tuple[str, ...] = ()) -> dict:
    """Validate form data with an API input schema; problems become the API's 422 with dotted field paths."""
    try:
        return schema().load(data, partial=partial or None)
    except ma.ValidationError as error:
        raise Invalid(fields=flatten_fields(error.messages)) from None


def text(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def end_of_local_day(field: str) -> str | None:
    """`2026-12-01` from a date input → the last minute of that day in the display time zone, as ISO 8601."""
    value = text(field)
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise Invalid(fields={field: [_("Not a valid date.")]}) from None
    return (datetime.combine(day, time(23, 59), _zone())).isoformat()


def local_moment(field: str) -> str | None:
    """`2026-11-20T09:30` from a datetime-local input, read in the display time zone, as ISO 8601."""
    value = text(field)
    if not value:
        return None
    try:
        moment = datetime.strptime(value[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise Invalid(fields={field: [_("Not a valid date and time.")]}) from None
    return moment.replace(tzinfo=_zone()).isoformat()


def local_input_value(moment: datetime, days: int = 0) -> str:
    """A value for a date input: the moment (plus some days) as a local date."""
    return (moment.astimezone(_zone()) + timedelta(days=days)).strftime("%Y-%m-%d")


def uploaded_photos(actor, field: str = "photos") -> list[str]:
    """Store the photos of a multipart form through the photo service; their SHA-256s, in order.

    The same checks as `POST /api/v1/photos`: the format read from the bytes, size and pixel limits.
    """
    hashes = []
    for upload in request.files.getlist(field):
        if not upload or not upload.filename:
            continue
        photo, created = photos.upload(actor, upload.read())
        if created:
            complete_waiting(actor, photo.sha256)
        hashes.append(photo.sha256)
    return list(dict.fromkeys(hashes))
