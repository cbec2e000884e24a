"""A school's campaign on the pages, where the principal and the school's safety officer do its work: report any
activity with photos from one form the kind registry drives (lesson, committee meeting, survey, custom …), and
keep the parent letters of every class (paper slips, one PDF of all the classes' receipt codes).

Every view calls the services the campaigns API calls, with the logged-in user as actor.
"""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..accounts.scope import Capability, may, require_school
from ..campaigns.activities import services as activities
from ..campaigns.kinds import COUNT_NAMES, TEXT_NAMES, kind_spec
from ..campaigns.kinds.committee_meeting import NAME as COMMITTEE_MEETING
from ..campaigns.kinds.incident_log import NAME as INCIDENT_LOG
from ..campaigns.letters import receipts
from ..campaigns.letters.schemas import PaperReceiptsIn
from ..campaigns.models import Campaign, CampaignActivity, TaskUnit
from ..campaigns.runs import services as campaigns
from ..campaigns.schemas import ActivityIn
from ..core.clock import now
from ..core.schemas import localised
from ..errors import ApiError, NotFound
from ..extensions import db
from ..schools.models import School
from ..schools.services import school_classes
from . import forms
from .blueprint import bp
from .campaigns import TASK_STATUS, for_school, name
from .session import current_user, login_required

RECENT_ACTIVITIES = 20
LETTER_TEMPLATE = "parent-letter-receipt"  # qr_templates/: the letter slip with its receipt code
# What each count a kind asks for is called on a form (kinds share the counts: kinds.COUNT_NAMES).
COUNT_LABELS = {"participants": _l("Students taking part"), "letters": _l("Letters handed out"),
                "surveyed": _l("Students surveyed"), "enrolled": _l("Students enrolled"),
                "hours": _l("Class hours")}
TEXT_LABELS = {"trainer": _l("Trainer")}
# Kinds whose work has a page of its own: the committee and its meetings, the restricted incident log.
KIND_PAGES = {
    COMMITTEE_MEETING: (_l("The committee and its meetings"), Capability.view,
                        lambda school, campaign: url_for("pages.school_committee", school_id=school.id)),
    INCIDENT_LOG: (_l("Incident log (restricted)"), Capability.manage,
                   lambda school, campaign: url_for("pages.school_incidents", school_id=school.id,
                                                    campaign_id=campaign.id)),
}


def report_forms(user: User, campaign: Campaign, school: School, kind: str | None = None) -> list[dict]:
    """One form per activity the school reports (or only those of one kind), each field from the kind's spec:
    its counts, minutes, whether a photo is required, and the class for activities owed per class."""
    if not may(user, Capability.inspect, school.id):
        return []
    found, classes = [], None
    for requirement in campaign.definition.requirements:
        spec = kind_spec(requirement.kind)
        if not requirement.has_tasks or spec.recorded_elsewhere is not None or kind not in (None, spec.name):
            continue
        if requirement.unit == TaskUnit.school_class and classes is None:
            classes = db.session.scalars(school_classes(school)).all()
        found.append(form_for(requirement, classes if requirement.unit == TaskUnit.school_class else None))
    return found


def form_for(requirement, classes=None, defaults: dict | None = None) -> dict:
    """A report form's fields, from the requirement's kind spec: its counts (with default values), minutes,
    whether a photo is required, and the classes to choose from (None: no choice, or the class is given)."""
    spec = kind_spec(requirement.kind)
    return {"requirement": requirement, "counts": spec.counts,
            "texts": [(name, TEXT_LABELS[name]) for name in spec.texts], "minutes": spec.minutes,
            "photo_required": spec.photo_required, "classes": classes, "defaults": defaults or {}}


def report_from_form(user: User, school: School, campaign: Campaign, class_id: int | None = None) -> CampaignActivity:
    """Report the activity a report form posted, through the API's schema and service (ApiError on a problem);
    `class_id` when the page, not the form, says which class."""
    counts = {name: forms.text(f"count_{name}") for name in COUNT_NAMES if forms.text(f"count_{name}")}
    data = {"school_id": school.id, "activity": forms.text("activity"), "held_on": forms.text("held_on"),
            "notes": forms.text("notes"), "minutes": forms.text("minutes"), "counts": counts,
            **{name: forms.text(name) for name in TEXT_NAMES if forms.text(name)}}
    if class_id or forms.text("class_id"):
        data["class_id"] = class_id or forms.text("class_id")
    data = forms.load(ActivityIn, data)
    data["photo_ids"] = forms.uploaded_photos(user)
    return activities.report_activity(user, campaign, data)


def recent_activities(user: User, campaign: Campaign, school: School, key: str | None = None) -> list:
    filters = {"school_id": school.id, **({"activity": key} if key else {})}
    rows = db.session.scalars(activities.visible_activities(user, campaign, filters).limit(RECENT_ACTIVITIES))
    return [activities.present_activity(a) for a in rows]


def _page(school_id: int, campaign_id: int, error: ApiError | None = None, status: int = 200):
    user = current_user()
    school = require_school(user, school_id)
    found = for_school(user, campaigns.get_campaign(user, campaign_id), school)
    if found is None:
        raise NotFound()
    campaign = found["campaign"]
    links = [(label, link(school, campaign)) for kind, (label, capability, link) in KIND_PAGES.items()
             if may(user, capability, school.id) and any(r.kind == kind for r in campaign.definition.requirements)]
    letters = receipts.school_letters(campaign, school) if may(user, Capability.manage, school.id) else []
    return render_template(
        "pages/school_campaign.html", school=school, c=found, task_status=TASK_STATUS, name=name, moment=now(),
        report_forms=report_forms(user, campaign, school), count_labels=COUNT_LABELS, links=links,
        activities=recent_activities(user, campaign, school), letters=letters,
        today=forms.local_input_value(now()), error=error, form=request.form), status


@bp.route("/school/<int:school_id>/campaigns/<int:campaign_id>")
@login_required
def school_campaign(school_id, campaign_id):
    """One campaign at one school: requirements, classes, tasks still to do, and the forms that do them."""
    return _page(school_id, campaign_id)


@bp.route("/school/<int:school_id>/campaigns/<int:campaign_id>/report", methods=["POST"])
@login_required
def school_report(school_id, campaign_id):
    """Report an activity with its evidence (the school's managers and inspectors, as the API allows)."""
    user = current_user()
    school = require_school(user, school_id)
    campaign = campaigns.get_campaign(user, campaign_id)
    try:
        activity = report_from_form(user, school, campaign)
    except ApiError as error:
        db.session.rollback()
        return _page(school_id, campaign_id, error=error, status=error.status)
    flash(_("Recorded: %(what)s.", what=localised(activity.requirement)), "ok")
    return redirect(url_for("pages.school_campaign", school_id=school.id, campaign_id=campaign.id) + "#reported", 303)


@bp.route("/school/<int:school_id>/campaigns/<int:campaign_id>/classes/<int:class_id>/paper-receipts",
          methods=["POST"])
@login_required
def school_paper_receipts(school_id, campaign_id, class_id):
    """A class's signed paper slips, entered by the principal for any class of the school."""
    user = current_user()
    school = require_school(user, school_id)
    campaign = campaigns.get_campaign(user, campaign_id)
    letter = receipts.get_letter(user, campaign, class_id, Capability.manage)
    if letter.school_id != school.id:
        raise NotFound()
    try:
        data = forms.load(PaperReceiptsIn, {"count": forms.text("count")})
        receipts.set_paper_receipts(user, letter, data["count"])
    except ApiError as error:
        db.session.rollback()
        return _page(school_id, campaign_id, error=error, status=error.status)
    flash(_("Saved: %(what)s.", what=receipts.class_label(letter.school_class)), "ok")
    return redirect(url_for("pages.school_campaign", school_id=school.id, campaign_id=campaign.id) + "#letters", 303)


@bp.route("/school/<int:school_id>/campaigns/<int:campaign_id>/letters.pdf")
@login_required
def school_letters_pdf(school_id, campaign_id):
    """Every class's receipt codes in one PDF: a slip per student (default) or one code per class."""
    user = current_user()
    school = require_school(user, school_id, Capability.manage)
    campaign = campaigns.get_campaign(user, campaign_id)
    pdf = receipts.letters_pdf(receipts.school_letters(campaign, school), LETTER_TEMPLATE,
                               per_student=request.args.get("each") != "0")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="receipt-codes-{school.code}.pdf"',
        "Cache-Control": "no-store"})
