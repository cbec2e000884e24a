"""What is waiting for the logged-in person, reachable from the phone's menu: the hazards assigned to them."""
from __future__ import annotations

from flask import render_template
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..hazards import services as hazards
from ..hazards.models import Hazard
from .blueprint import bp
from .session import current_user, login_required

MY_HAZARDS = 200


@bp.route("/my/hazards")
@login_required
def my_hazards():
    """Open hazards assigned to me (overdue first), the way the API's `GET /hazards?mine=true&open=true` lists them."""
    user = current_user()
    found = db.session.scalars(hazards.visible_hazards(user, {"mine": True, "open": True})
                               .options(selectinload(Hazard.point), selectinload(Hazard.school))
                               .limit(MY_HAZARDS)).all()
    return render_template("pages/my_hazards.html", hazards=found, phone=True)
