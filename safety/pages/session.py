"""Who is using the pages: the bearer token of the accounts service, kept in the signed session cookie.

The cookie is signed (SECRET_KEY), HttpOnly and SameSite=Lax and lasts as long as the token (a working
period, TOKEN_LIFETIME); the token is checked against the database on every request, so logging out or
disabling the account ends the session at once. Views then call the services with `g.actor`, exactly as
the API does: the scoping is the same.
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, g, has_request_context, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role, User
from ..core.auth import token_user
from ..core.i18n import normalise
from ..errors import Forbidden, Unauthorized
from .blueprint import bp


def init_session(app: Flask) -> None:
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Behind HTTPS (PUBLIC_BASE_URL), the cookie is only ever sent over HTTPS.
    if app.config["PUBLIC_BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["TOKEN_LIFETIME"]
    # The token's expiry is fixed at log-in, so re-sending an unchanged cookie gains nothing and races: a
    # script or photo request sent with the old cookie (flashes not yet shown) could put it back after the
    # page that showed them, and the next page would show them twice.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    babel = app.extensions["babel"]
    babel.locale_selector = _remembered_language(babel.locale_selector)


def _remembered_language(select_locale):
    """On pages, `?lang=` is remembered in the session; otherwise the API's rule (user, Accept-Language)."""
    def select():
        if has_request_context() and not request.path.startswith("/api/"):
            chosen = normalise(request.args.get("lang")) or normalise(session.get("lang"))
            if chosen:
                return chosen
        return select_locale()
    return select


@bp.before_request
def _load_user():
    if chosen := normalise(request.args.get("lang")):
        session["lang"] = "en" if chosen == "en" else "zh"
    g.actor = g.api_token = None
    token = session.get("token")
    if token:
        g.api_token, g.actor = token_user(token)
        if g.actor is None:  # expired, revoked (logged out elsewhere) or the account was disabled
            session.pop("token", None)


def start_session(token: str) -> None:
    """A fresh session for a fresh log-in (a new CSRF token too: nothing carries over)."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session["token"] = token
    if lang:
        session["lang"] = lang


def end_session() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_user() -> User | None:
    return g.get("actor")


def login_required(view):
    """No session: a browser is sent to the log-in page and back; a form post is a 401."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            if request.method == "GET":
                return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
            raise Unauthorized()
        return view(*args, **kwargs)
    return wrapper


def require_office(user: User) -> None:
    """The office's desk, like the API's escalation queue: safety offices and admins."""
    if not user.has_role(Role.admin, Role.safety_office):
        raise Forbidden()


def principal_school_id(user: User) -> int | None:
    return next((a.school_id for a in user.roles if a.role == Role.principal), None)


def home_for(user: User) -> str:
    if user.has_role(Role.admin):
        return url_for("pages.admin_home")
    if user.has_role(Role.safety_office):
        return url_for("pages.office_dashboard")
    if (school_id := principal_school_id(user)) is not None:
        return url_for("pages.school_board", school_id=school_id)
    if user.has_role(Role.class_teacher) and not user.has_role(Role.inspector):
        return url_for("pages.my_classes")
    return url_for("pages.inspect_home")


NAV_DASHBOARD, NAV_QUEUE = _l("Region dashboard"), _l("Escalation queue")
NAV_SCHOOL, NAV_INSPECT = _l("School board"), _l("Inspections")
NAV_USERS, NAV_ADMIN, NAV_IMPORT = _l("Users"), _l("Administration"), _l("Import")
NAV_CALENDAR = _l("School calendar")
NAV_WATERS = _l("Dangerous waters")
NAV_CLASSES, NAV_STAFF, NAV_MY_HAZARDS = _l("My classes"), _l("School staff"), _l("My hazards")
NAV_ROUNDS = _l("Rounds")
NAV_CAMPAIGNS = _l("Campaigns")


def nav_for(user: User) -> list[tuple[str, str]]:
    links = [(url_for("pages.admin_home"), str(NAV_ADMIN))] if user.has_role(Role.admin) else []
    if user.has_role(Role.admin, Role.safety_office):
        links += [(url_for("pages.office_dashboard"), str(NAV_DASHBOARD)),
                  (url_for("pages.office_queue"), str(NAV_QUEUE)), (url_for("pages.users"), str(NAV_USERS)),
                  (url_for("pages.import_page"), str(NAV_IMPORT)), (url_for("pages.calendar"), str(NAV_CALENDAR))]
    if (school_id := principal_school_id(user)) is not None:
        links.append((url_for("pages.school_board", school_id=school_id), str(NAV_SCHOOL)))
        links.append((url_for("pages.school_staff", school_id=school_id), str(NAV_STAFF)))
        links.append((url_for("pages.calendar", school=school_id), str(NAV_CALENDAR)))
    officer_school = next((a.school_id for a in user.roles if a.role == Role.inspector and a.school_id), None)
    if officer_school is not None and school_id is None:  # the school's safety officer reports its campaign work
        links.append((url_for("pages.school_board", school_id=officer_school, _anchor="campaigns"),
                      str(NAV_CAMPAIGNS)))
    if user.has_role(Role.inspector, Role.principal):
        links.append((url_for("pages.inspect_home"), str(NAV_INSPECT)))
        links.append((url_for("pages.my_hazards"), str(NAV_MY_HAZARDS)))
    if user.has_role(Role.class_teacher, Role.principal):
        links.append((url_for("pages.my_classes"), str(NAV_CLASSES)))
    office = user.has_role(Role.admin, Role.safety_office)
    if office or school_id is not None:
        links.append((url_for("pages.waters_map"), str(NAV_WATERS)))
    links.append((url_for("pages.office_rounds" if office else "pages.rounds_today"), str(NAV_ROUNDS)))
    return links
