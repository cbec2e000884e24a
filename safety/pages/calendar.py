"""The school calendar (terms and holidays) on a page: an office keeps its region's; a principal reads the one
the school follows (the nearest region up its tree with one). Through the drills service, as `/api/v1/calendars`."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.scope import Capability, may_region, require_school
from ..drills import services as drills
from ..drills.models import CalendarKind
from ..drills.schemas import CalendarPeriodIn
from ..errors import ApiError
from ..extensions import db
from . import forms
from .blueprint import bp
from .figures import home_region
from .session import current_user, login_required, principal_school_id

KIND_NAMES = {CalendarKind.term: _l("Term"), CalendarKind.holiday: _l("Holiday")}


def _page(error: ApiError | None = None, status: int = 200):
    user = current_user()
    # A principal's plain /calendar is their school's: only offices keep a region's calendar.
    if school_id := request.args.get("school", type=int) or principal_school_id(user):
        school = require_school(user, school_id)
        region = drills.effective_calendar_region(school)
        periods = drills.calendar_periods(user, {"school_id": school.id})
        editable = False
    else:
        school = None
        region = home_region(user, request.args.get("region", type=int) or request.form.get("region", type=int))
        periods = drills.calendar_periods(user, {"region_id": region.id})
        editable = may_region(user, Capability.oversee, region.id)
    return render_template("pages/calendar.html", school=school, region=region, periods=periods, editable=editable,
                           kinds=KIND_NAMES, error=error, form=request.form), status


@bp.route("/calendar")
@login_required
def calendar():
    return _page()


@bp.route("/calendar", methods=["POST"])
@login_required
def calendar_change():
    """Add a period to the region's calendar, or remove one (`remove` names it)."""
    user = current_user()
    region = home_region(user, request.form.get("region", type=int))
    try:
        if period_id := request.form.get("remove", type=int):
            drills.delete_period(user, drills.get_period(user, period_id))
        else:
            data = forms.load(CalendarPeriodIn, {
                "region_id": region.id, "kind": forms.text("kind"), "name_zh": forms.text("name_zh"),
                "starts_on": forms.text("starts_on"), "ends_on": forms.text("ends_on")})
            data.pop("region_id")
            drills.create_period(user, region, data)
    except ApiError as error:
        db.session.rollback()
        return _page(error, error.status)
    flash(_("Saved."), "ok")
    return redirect(url_for("pages.calendar", region=region.id), 303)
