"""The administrator's landing: where the whole installation's work starts (people, the region tree, the
queue, the API documentation), with how much there is of each."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..errors import Forbidden
from ..extensions import db
from ..points.models import Point
from ..schools.models import Region, School
from .blueprint import bp
from .session import current_user, login_required


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@bp.route("/admin")
@login_required
def admin_home():
    if not current_user().has_role(Role.admin):
        raise Forbidden()
    figures = {"users": _count(User), "regions": _count(Region), "schools": _count(School),
               "points": db.session.scalar(select(func.count(Point.id)).where(Point.retired_at.is_(None))) or 0}
    return render_template("pages/admin_home.html", figures=figures)
