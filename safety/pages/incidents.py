"""A campaign's incident log on the pages, a restricted area: only the school's principal and the safety offices
over it (the incidents service's own rule; anyone else gets the 404 page, as from the API). Log a suspected
incident, then move it along its clock — investigating, determined, handled (measures as tick boxes), closed;
an appeal and its review are the district office's — with every deadline shown.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..campaigns.incidents import log
from ..campaigns.incidents.schemas import IncidentIn, IncidentStatusIn
from ..campaigns.models import Incident
from ..campaigns.runs import services as campaigns
from ..core.clock import now
from ..errors import ApiError
from ..extensions import db
from ..schools.services import school_classes
from . import campaign_names, forms
from .blueprint import bp
from .session import current_user, login_required

LISTED = 100


def _list_page(school_id: int, campaign_id: int, error: ApiError | None = None, status: int = 200):
    user = current_user()
    school = log.require_readable_school(user, school_id)
    campaign = campaigns.get_campaign(user, campaign_id)
    rules = log.rules_of(campaign, school)
    incidents = db.session.scalars(log.visible_incidents(user, campaign, {"school_id": school.id}).limit(LISTED))
    return render_template(
        "pages/incidents.html", school=school, campaign=campaign, rules=rules, incidents=incidents.all(),
        classes=db.session.scalars(school_classes(school)).all(), names_of=campaign_names, moment=now(),
        today=forms.local_input_value(now()), error=error, form=request.form), status


@bp.route("/school/<int:school_id>/campaigns/<int:campaign_id>/incidents")
@login_required
def school_incidents(school_id, campaign_id):
    return _list_page(school_id, campaign_id)


@bp.route("/school/<int:school_id>/campaigns/<int:campaign_id>/incidents", methods=["POST"])
@login_required
def incident_report(school_id, campaign_id):
    """Log a suspected incident: when, the class if known, an account without pupils' names, how many involved."""
    user = current_user()
    school = log.require_readable_school(user, school_id)
    fields = {"school_id": school.id, "occurred_on": forms.text("occurred_on"), "summary": forms.text("summary"),
              "students_involved": forms.text("students_involved") or 0}
    if forms.text("class_id"):
        fields["class_id"] = forms.text("class_id")
    try:
        incident = log.report_incident(user, campaigns.get_campaign(user, campaign_id),
                                       forms.load(IncidentIn, fields))
    except ApiError as error:
        db.session.rollback()
        return _list_page(school_id, campaign_id, error=error, status=error.status)
    flash(_("The incident is logged."), "ok")
    return redirect(url_for("pages.incident_page", incident_id=incident.id), 303)


def _page(incident: Incident, error: ApiError | None = None, status: int = 200):
    user = current_user()
    return render_template(
        "pages/incident.html", incident=incident, rules=log.rules_of(incident.campaign, incident.school),
        moves=log.next_moves(user, incident), names_of=campaign_names, moment=now(), error=error,
        form=request.form), status


@bp.route("/incidents/<int:incident_id>")
@login_required
def incident_page(incident_id):
    return _page(log.get_incident(current_user(), incident_id))


@bp.route("/incidents/<int:incident_id>/status", methods=["POST"])
@login_required
def incident_move(incident_id):
    """Move the incident on: the status wanted, with a determination, the measures or a note as it needs."""
    user = current_user()
    incident = log.get_incident(user, incident_id)
    fields = {"status": forms.text("status"), "note": forms.text("note")}
    fields |= {name: forms.text(name) for name in ("determination", "handling") if forms.text(name)}
    if request.form.getlist("measures"):
        fields["measures"] = request.form.getlist("measures")
    try:
        data = forms.load(IncidentStatusIn, fields)
        log.change_status(user, incident, data["status"], data)
    except ApiError as error:
        db.session.rollback()
        return _page(log.get_incident(user, incident_id), error=error, status=error.status)
    flash(_("Saved: %(status)s.", status=campaign_names.INCIDENT_STATUS[incident.status]), "ok")
    return redirect(url_for("pages.incident_page", incident_id=incident.id), 303)
