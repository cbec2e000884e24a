"""The pages blueprint, its template helpers and its HTML error pages."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..core.clock import now
from ..errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    TooLarge,
    Unauthorized,
    UnsupportedMedia,
)
from ..extensions import db
from . import names

STATIC = Path(__file__).parent / "static"

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/pages")

_MESSAGES = {error.status: error.default_message for error in (
    BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMedia, Invalid, RateLimited)}


@cache
def asset_version(filename: str) -> str:
    """A short content hash: a changed file gets a new URL, so browsers and the service worker refetch it."""
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:10]


def asset(filename: str) -> str:
    return url_for("pages.static", filename=filename, v=asset_version(filename))


def lang_url(code: str) -> str:
    """This page in another language (the choice is remembered in the session)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return f"{request.path}?{urlencode({**args, 'lang': code})}"


def when(value: datetime | str | None, with_time: bool = True) -> str:
    """A moment in the display time zone, compactly (the same digits in both languages); event data keep moments
    as ISO strings in UTC, so their first ten characters are not the local day."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, "yyyy-MM-dd HH:mm") if with_time else format_date(value, "yyyy-MM-dd")


def last_day(end: datetime | None) -> str:
    """The last local day before an exclusive end (a window ending at midnight after 11-30 shows 11-30)."""
    return "—" if end is None else when(end - timedelta(microseconds=1), False)


def aside(value) -> str:
    """A parenthetical after a label in the page's language: " (3)" in English, "（3）" in Chinese."""
    return _(" (%(text)s)", text=value)


def days_late(deadline: datetime | None) -> int:
    """Whole days past a deadline (0 when not yet due)."""
    if deadline is None or deadline >= now():
        return 0
    return max(1, (now() - deadline).days)


@bp.app_context_processor
def _template_helpers():
    from .security import csrf_token
    return {"asset": asset, "lang_url": lang_url, "csrf_token": csrf_token, "when": when, "last_day": last_day,
            "days_late": days_late, "aside": aside,
            "current_user": lambda: g.get("actor"), "names": names, "nav_links": _nav_links,
            "unread_notifications": _unread_notifications}


def _nav_links() -> list[tuple[str, str]]:
    from .session import nav_for
    user = g.get("actor")
    return nav_for(user) if user is not None and request.blueprint == "pages" else []


def _unread_notifications() -> int:
    from ..notifications.services import unread_count
    user = g.get("actor")
    return unread_count(user) if user is not None else 0


def render_error(status: int, message, headers: dict | None = None):
    html = render_template("pages/error.html", status=status, code="", message=str(message))
    return current_app.response_class(html, status=status, headers=headers, mimetype="text/html")


# Pages answer in HTML whatever the Accept header says (a browser's "*/*" also accepts JSON). Routing errors
# outside the blueprint still go through the app's one handler in safety.errors.
@bp.errorhandler(ApiError)
def _page_api_error(error: ApiError):
    db.session.rollback()
    return render_error(error.status, error.message, error.headers)


@bp.errorhandler(HTTPException)
def _page_http_error(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    # Werkzeug's own descriptions are English developer text: a page says it plainly, in the user's language.
    return render_error(status, _MESSAGES.get(status) or _("This page could not be shown."))
