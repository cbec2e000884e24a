"""Schools reporting what they did in a campaign (with evidence and doubts), and reading those reports."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select

from ...accounts.models import User
from ...accounts.scope import Capability, require_school, teaches
from ...audit.services import record
from ...core.clock import now
from ...errors import Conflict, Invalid
from ...extensions import db
from ...photos.models import PhotoSubject
from ...photos.services import attach_photos, photos_of, resolve_refs
from ...schools.models import School, SchoolClass
from ..kinds import COUNT_NAMES, TEXT_NAMES, KindSpec, kind_spec
from ..models import (
    ActivityRequirement,
    Campaign,
    CampaignActivity,
    CampaignStatus,
    CampaignTask,
    TaskStatus,
    TaskUnit,
)
from ..periods import local_day
from ..runs.services import scoped_schools
from .authenticity import doubts

REPORTABLE = (TaskStatus.open, TaskStatus.overdue, TaskStatus.done)  # done: more evidence, a second meeting …

def visible_activities(actor: User, campaign: Campaign, filters: dict) -> Select:
    query = select(CampaignActivity).where(CampaignActivity.campaign_id == campaign.id,
                                           CampaignActivity.school_id.in_(scoped_schools(actor, filters)))
    if key := filters.get("activity"):
        query = query.where(CampaignActivity.requirement.has(ActivityRequirement.key == key))
    if (flagged := filters.get("flagged")) is not None:
        query = query.where(CampaignActivity.flags != "" if flagged else CampaignActivity.flags == "")
    return query.order_by(CampaignActivity.reported_at.desc(), CampaignActivity.id.desc())


def present_activity(activity: CampaignActivity) -> CampaignActivity:
    activity.photos = photos_of(PhotoSubject.campaign_activity, activity.id).get(None, [])
    return activity


# --- reporting ------------------------------------------------------------------------------------------


def _requirement(campaign: Campaign, key: str) -> ActivityRequirement:
    requirement = campaign.definition.requirement(key)
    if requirement is None:
        keys = ", ".join(r.key for r in campaign.definition.requirements if r.has_tasks)
        raise Invalid(fields={"activity": [_("No such activity in this campaign; one of: %(keys)s.", keys=keys)]})
    if (elsewhere := kind_spec(requirement.kind).recorded_elsewhere) is not None:
        raise Invalid(fields={"activity": [elsewhere()]})
    return requirement


def _task(campaign: Campaign, requirement: ActivityRequirement, school: School, data: dict) -> CampaignTask:
    query = select(CampaignTask).where(CampaignTask.campaign_id == campaign.id,
                                       CampaignTask.requirement_id == requirement.id,
                                       CampaignTask.school_id == school.id)
    if requirement.unit == TaskUnit.school_class:
        class_id = data.get("class_id")
        if class_id is None:
            raise Invalid(fields={"class_id": [_("This activity is reported per class.")]})
        if db.session.scalar(select(SchoolClass.id).where(SchoolClass.id == class_id,
                                                          SchoolClass.school_id == school.id)) is None:
            raise Invalid(fields={"class_id": [_("No such class at this school.")]})
        query = query.where(CampaignTask.class_id == class_id)
    elif requirement.unit == TaskUnit.holiday and data.get("holiday_id"):
        query = query.where(CampaignTask.holiday_id == data["holiday_id"])
    # Holidays without a choice: the earliest one still owed, else the latest (more evidence for a done one).
    owed_first = CampaignTask.status == TaskStatus.done
    task = db.session.scalar(query.order_by(owed_first, CampaignTask.due_at).limit(1))
    if task is None:
        raise Invalid(fields={"activity": [_("This school owes no such activity in this campaign.")]})
    if task.status not in REPORTABLE:
        raise Conflict(_("This task was closed with the campaign."), code="wrong_state")
    return task


def _check_report(kind: KindSpec, counts: dict, minutes: str, texts: dict) -> None:
    problems = {f"counts.{name}": [_("Required for this activity.")] for name in kind.counts
                if counts.get(name) is None}
    problems.update({name: [_("Required for this activity.")] for name in kind.texts if not texts[name].strip()})
    if not problems and kind.check is not None:
        problems = kind.check(counts, minutes)
    if problems:
        raise Invalid(fields=problems)


def _reporting_school(actor: User, data: dict) -> School:
    """The school's managers and inspectors report for it; a class teacher for their own classes only."""
    if teaches(actor, data.get("class_id")):
        school_class = db.session.get(SchoolClass, data["class_id"])
        if school_class.school_id == data["school_id"]:
            return school_class.school
    return require_school(actor, data["school_id"], Capability.inspect)


def report_activity(actor: User, campaign: Campaign, data: dict) -> CampaignActivity:
    """A school reports an activity of an open campaign with its evidence; its task is done.

    The school's managers and inspectors may report (its safety officer is usually an inspector), and a class
    teacher for their own classes. Doubts about
    the evidence (photos used elsewhere, dates outside the campaign, reports long after the fact) are flags for
    the offices, never a rejection.
    """
    school = _reporting_school(actor, data)
    if campaign.status != CampaignStatus.open:
        raise Conflict(_("This campaign has closed."), code="campaign_closed")
    requirement = _requirement(campaign, data["activity"])
    task = _task(campaign, requirement, school, data)
    counts, minutes = data.get("counts") or {}, data.get("minutes", "")
    kind = kind_spec(requirement.kind)
    texts = {name: data.get(name, "") for name in TEXT_NAMES}
    _check_report(kind, counts, minutes, texts)
    if data["held_on"] > local_day(now()):
        raise Invalid(fields={"held_on": [_("An activity cannot be reported before it took place.")]})
    photos = resolve_refs(actor, data.get("photo_ids", []), "photo_ids")
    if kind.photo_required and not photos:
        raise Invalid(fields={"photo_ids": [_("Add at least one photo as evidence.")]})
    if kind.precondition is not None:
        kind.precondition(school.id)
    activity = CampaignActivity(
        campaign_id=campaign.id, task_id=task.id, requirement_id=requirement.id, kind=requirement.kind,
        school_id=school.id, class_id=task.class_id, held_on=data["held_on"], minutes=minutes,
        notes=data.get("notes", ""), reported_by_id=actor.id, reported_at=now(),
        **{name: counts.get(name) for name in COUNT_NAMES}, **texts)
    db.session.add(activity)
    db.session.flush()
    attach_photos(photos, school.id, PhotoSubject.campaign_activity, activity.id)
    db.session.flush()
    flags, details = doubts(activity, campaign, photos)
    activity.flags, activity.flag_details = ",".join(flags), details
    before = task.status
    if task.status != TaskStatus.done:
        task.status, task.done_at = TaskStatus.done, now()
    db.session.flush()
    record("campaign.activity_reported", actor, object_type="campaign_activity", object_id=activity.id,
           school_id=school.id, campaign_id=campaign.id, activity=requirement.key, task_id=task.id,
           from_status=before.value, flags=flags)
    return present_activity(activity)
