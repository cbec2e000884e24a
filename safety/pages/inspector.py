"""The phone side: what a QR code opens, the checklist form, the public report form, the inspector's list.

The form itself is sent by the page's script to the JSON API (`/api/v1/photos`, `/api/v1/sync`) with the
session's bearer token, through a queue on the phone (IndexedDB), so a submission made without signal waits
and is sent exactly once (its client_uuid) when the connection returns.
"""
from __future__ import annotations

from flask import g, render_template, request, session
from sqlalchemy import select

from ..accounts.scope import Capability, may, school_ids
from ..core.clock import now
from ..core.pagination import paginate
from ..errors import NotFound
from ..extensions import db
from ..points.models import Point
from ..points.services import get_point, point_by_token, scan_result, visible_points
from ..schools.models import School
from .blueprint import bp
from .session import current_user, login_required

OFFLINE_CACHE = {"X-Offline-Cache": "yes"}  # the service worker keeps a copy of these pages for offline use
POINTS_PER_PAGE = 30
MAX_SCHOOLS = 500  # a city's inspector picks from its schools; more would need a search of its own


def _live_point(qr_token: str) -> Point:
    point = point_by_token(qr_token)
    if point is None:
        raise NotFound()
    return point


def _phone_auth() -> dict:
    """What the page's script needs to talk to the API for this working period."""
    return {"token": session.get("token"), "username": g.actor.username,
            "expires": g.api_token.expires_at.isoformat()}


def _checklist(point: Point, *, qr_token: str | None = None):
    scan = scan_result(point)
    html = render_template("pages/inspect_form.html", point=point, school=point.school, version=scan["checklist"],
                           open_hazards=scan["open_hazards"], last=scan["last_inspection"], qr_token=qr_token,
                           auth=_phone_auth(), phone=True)
    return html, 200, OFFLINE_CACHE


@bp.route("/q/<string:qr_token>")
def scan_landing(qr_token):
    """The address printed in every QR code. Logged in and allowed: the checklist. Otherwise it says plainly
    what this point is, how to log in, and that anyone may report a problem here."""
    point = _live_point(qr_token)
    user = current_user()
    if user is None:
        return render_template("pages/q_landing.html", point=point, school=point.school, qr_token=qr_token,
                               phone=True)
    if not may(user, Capability.inspect, point.school_id):
        return render_template("pages/q_not_allowed.html", point=point, school=point.school, qr_token=qr_token,
                               phone=True), 403
    return _checklist(point, qr_token=qr_token)


@bp.route("/inspect/points/<int:point_id>")
@login_required
def inspect_point(point_id):
    """The same checklist, opened from the inspector's list (no QR token needed)."""
    point = get_point(current_user(), point_id, Capability.inspect)
    if point.retired:
        raise NotFound()
    return _checklist(point)


@bp.route("/q/<string:qr_token>/report")
def public_report(qr_token):
    """Anyone who scanned the code may report a problem; the page posts to the public report endpoint."""
    point = _live_point(qr_token)
    return render_template("pages/q_report.html", point=point, school=point.school, qr_token=qr_token, phone=True)


@bp.route("/inspect")
@login_required
def inspect_home():
    """The inspector's points, overdue first, searchable and by school, a page at a time; and what is still
    queued on this phone."""
    user = current_user()
    q, school_id = (request.args.get("q") or "").strip()[:64], request.args.get("school", type=int)
    page = max(1, request.args.get("page", 1, type=int))
    schools = db.session.scalars(select(School).where(School.id.in_(school_ids(user, Capability.inspect)))
                                 .order_by(School.name_zh).limit(MAX_SCHOOLS)).all()
    query = visible_points(user, {"q": q or None, "school_id": school_id}) \
        .where(Point.school_id.in_(school_ids(user, Capability.inspect))).order_by(None) \
        .order_by(Point.next_due_at.is_(None), Point.next_due_at, Point.school_id, Point.code)
    found = paginate(query, {"page": page, "per_page": POINTS_PER_PAGE})
    return render_template("pages/inspect_home.html", points=found["items"], total=found["total"], page=page,
                           pages=max(1, -(-found["total"] // POINTS_PER_PAGE)), q=q, school_id=school_id,
                           schools=schools, moment=now(), auth=_phone_auth(), phone=True), 200, OFFLINE_CACHE
