"""The school's anti-bullying committee (学生欺凌治理委员会) on the pages: its members with their roles and seats,
whether its composition is complete, and its meetings (reported as the campaign's committee-meeting activity).

The same services as `/api/v1/schools/{id}/bullying-committee` and the campaigns' activities, with the logged-in
user as actor: anyone who sees the school reads it; its principal (and the offices) change it.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.scope import Capability, may, require_school
from ..campaigns.incidents import committee
from ..campaigns.incidents.schemas import MemberIn
from ..campaigns.kinds.committee_meeting import NAME as COMMITTEE_MEETING
from ..campaigns.runs import services as campaigns
from ..core.clock import now
from ..errors import ApiError, NotFound
from ..extensions import db
from . import campaign_names, forms
from .blueprint import bp
from .campaign_work import COUNT_LABELS, recent_activities, report_forms, report_from_form
from .campaigns import school_campaigns
from .session import current_user, login_required


def _meetings(user, school) -> list[dict]:
    """Per open campaign asking for committee meetings: its form and the meetings reported in it."""
    found = []
    for c in school_campaigns(user, school):
        campaign = c["campaign"]
        keys = [r.key for r in campaign.definition.requirements if r.kind == COMMITTEE_MEETING]
        if keys:
            found.append({"campaign": campaign, "forms": report_forms(user, campaign, school, COMMITTEE_MEETING),
                          "reported": recent_activities(user, campaign, school, keys[0])})
    return found


def _page(school_id: int, error: ApiError | None = None, status: int = 200):
    user = current_user()
    school = require_school(user, school_id)
    check = committee.composition(school)
    return render_template(
        "pages/committee.html", school=school, members=committee.committee(school), composition=check,
        missing=[campaign_names.missing(item) for item in check["missing"]], names_of=campaign_names,
        may_change=may(user, Capability.manage, school.id), meetings=_meetings(user, school),
        count_labels=COUNT_LABELS, today=forms.local_input_value(now()), error=error, form=request.form), status


@bp.route("/school/<int:school_id>/committee")
@login_required
def school_committee(school_id):
    return _page(school_id)


@bp.route("/school/<int:school_id>/committee", methods=["POST"])
@login_required
def committee_add(school_id):
    """A new member with their role and seat (the school's principal or an office)."""
    user = current_user()
    school = require_school(user, school_id)
    try:
        data = forms.load(MemberIn, {"name": forms.text("name"), "role": forms.text("role"),
                                     "seat": forms.text("seat"), "position": forms.text("position")})
        member = committee.add_member(user, school, data)
    except ApiError as error:
        db.session.rollback()
        return _page(school_id, error=error, status=error.status)
    flash(_("Added to the committee: %(name)s.", name=member.name), "ok")
    return redirect(url_for("pages.school_committee", school_id=school.id), 303)


@bp.route("/school/<int:school_id>/committee/<int:member_id>/remove", methods=["POST"])
@login_required
def committee_remove(school_id, member_id):
    """A member leaves the committee (kept on record)."""
    user = current_user()
    school = require_school(user, school_id)
    member = committee.get_member(user, member_id)
    if member.school_id != school.id:
        raise NotFound()
    committee.remove_member(user, member)
    flash(_("Left the committee: %(name)s.", name=member.name), "ok")
    return redirect(url_for("pages.school_committee", school_id=school.id), 303)


@bp.route("/school/<int:school_id>/committee/meetings/<int:campaign_id>", methods=["POST"])
@login_required
def committee_meeting(school_id, campaign_id):
    """A meeting with its minutes and photos, reported as the campaign's committee-meeting activity."""
    user = current_user()
    school = require_school(user, school_id)
    try:
        report_from_form(user, school, campaigns.get_campaign(user, campaign_id))
    except ApiError as error:
        db.session.rollback()
        return _page(school_id, error=error, status=error.status)
    flash(_("The meeting is on record."), "ok")
    return redirect(url_for("pages.school_committee", school_id=school.id) + "#meetings", 303)
