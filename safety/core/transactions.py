"""One commit per request: committed when the response is a success, rolled back otherwise."""
from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..errors import error_response
from ..extensions import db


def _finish(response):
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent request won a unique race the service could not see; nothing half-written remains.
        db.session.rollback()
        return error_response(409, "conflict", _("This conflicts with a change made at the same moment; retry."))
    return response


def init_transactions(app: Flask) -> None:
    app.after_request(_finish)
