"""Campaigns: scoped reads of runs and tasks, and schools reporting what they did (with evidence and doubts)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, case, literal, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.scope import Capability, class_ids, region_ids, require_school, school_ids, teaches
from ..audit.services import record
from ..core.clock import now
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..photos.models import PhotoSubject
from ..photos.services import attach_photos, photos_of, resolve_refs
from ..schools.models import Region, School, SchoolClass
from ..schools.services import get_region, school_ids_in_visible_region
from .authenticity import doubts
from .models import (
    ActivityKind,
    ActivityRequirement,
    Campaign,
    CampaignActivity,
    CampaignDefinition,
    CampaignStatus,
    CampaignTask,
    CommitteeMember,
    CommitteeRole,
    TaskStatus,
    TaskUnit,
)
from .periods import local_day

PHOTO_REQUIRED = (ActivityKind.lesson, ActivityKind.holiday_reminder, ActivityKind.committee_meeting)
REPORTABLE = (TaskStatus.open, TaskStatus.overdue, TaskStatus.done)  # done: more evidence, a second meeting …

# --- reading --------------------------------------------------------------------------------------------


def visible_campaigns(actor: User, filters: dict) -> Select:
    """Runs the actor's schools take part in (anchored at or above their region) or anchored in their region."""
    school_region = db.aliased(Region)
    seen = School.id.in_(school_ids(actor)) | School.id.in_(school_ids(actor, Capability.teach))  # class teachers
    above_seen_schools = select(Region.id).join(school_region, school_region.path.startswith(Region.path)) \
        .join(School, School.region_id == school_region.id).where(seen)
    query = select(Campaign).where(Campaign.region_id.in_(above_seen_schools)
                                   | Campaign.region_id.in_(region_ids(actor)))
    if status := filters.get("status"):
        query = query.where(Campaign.status == status)
    if code := filters.get("code"):
        query = query.where(Campaign.definition_id.in_(select(CampaignDefinition.id)
                                                       .where(CampaignDefinition.code == code)))
    if region_id := filters.get("region_id"):
        region = get_region(actor, region_id)
        above = select(Region.id).where(literal(region.path).startswith(Region.path))
        below = select(Region.id).where(Region.path.startswith(region.path, autoescape=True))
        query = query.where(Campaign.region_id.in_(above) | Campaign.region_id.in_(below))
    open_first = case((Campaign.status == CampaignStatus.open, 0), else_=1)
    return query.order_by(open_first, Campaign.starts_on.desc(), Campaign.id)


def get_campaign(actor: User, campaign_id: int) -> Campaign:
    campaign = db.session.scalar(visible_campaigns(actor, {}).where(Campaign.id == campaign_id))
    if campaign is None:
        raise NotFound()
    return campaign


def scoped_schools(actor: User, filters: dict, capability: Capability = Capability.view) -> Select:
    """School ids the actor may read with a capability, narrowed to one school or one region."""
    schools = school_ids(actor, capability)
    if school_id := filters.get("school_id"):
        schools = select(require_school(actor, school_id, capability).id)
    if region_id := filters.get("region_id"):
        schools = schools.where(School.id.in_(school_ids_in_visible_region(actor, region_id)))
    return schools


def visible_tasks(actor: User, campaign: Campaign, filters: dict) -> Select:
    query = select(CampaignTask).where(CampaignTask.campaign_id == campaign.id,
                                       CampaignTask.school_id.in_(scoped_schools(actor, filters))
                                       | CampaignTask.class_id.in_(class_ids(actor)))
    if class_id := filters.get("class_id"):
        query = query.where(CampaignTask.class_id == class_id)
    if key := filters.get("activity"):
        query = query.where(CampaignTask.requirement.has(ActivityRequirement.key == key))
    if statuses := filters.get("status"):
        query = query.where(CampaignTask.status.in_(statuses))
    return query.options(joinedload(CampaignTask.school_class)) \
        .order_by(CampaignTask.school_id, CampaignTask.due_at, CampaignTask.requirement_id, CampaignTask.id)


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
    if requirement.kind == ActivityKind.water_patrol:
        raise Invalid(fields={"activity": [_("Water patrols are recorded as inspections of the water-body points.")]})
    if requirement.kind == ActivityKind.incident_log:
        raise Invalid(fields={"activity": [_("Incidents are recorded in the incident log.")]})
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


def _check_counts(kind: ActivityKind, counts: dict, minutes: str) -> None:
    needed = {ActivityKind.lesson: ("participants",), ActivityKind.parent_letter: ("letters",),
              ActivityKind.survey: ("surveyed", "enrolled")}.get(kind, ())
    problems = {f"counts.{name}": [_("Required for this activity.")] for name in needed if counts.get(name) is None}
    if kind == ActivityKind.survey and not problems and counts["surveyed"] > counts["enrolled"]:
        problems["counts.surveyed"] = [_("More students surveyed than enrolled.")]
    if kind == ActivityKind.committee_meeting and not minutes.strip():
        problems["minutes"] = [_("A committee meeting needs its minutes.")]
    if problems:
        raise Invalid(fields=problems)


def committee_on_record(school_id: int) -> bool:
    """A committee is on record when it has current members, one of them its chair."""
    return db.session.scalar(select(CommitteeMember.id).where(
        CommitteeMember.school_id == school_id, CommitteeMember.removed_at.is_(None),
        CommitteeMember.role == CommitteeRole.chair).limit(1)) is not None


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
    _check_counts(requirement.kind, counts, minutes)
    if data["held_on"] > local_day(now()):
        raise Invalid(fields={"held_on": [_("An activity cannot be reported before it took place.")]})
    photos = resolve_refs(actor, data.get("photo_ids", []), "photo_ids")
    if requirement.kind in PHOTO_REQUIRED and not photos:
        raise Invalid(fields={"photo_ids": [_("Add at least one photo as evidence.")]})
    if requirement.kind == ActivityKind.committee_meeting and not committee_on_record(school.id):
        raise Conflict(_("Record the committee's members, with its chair, before reporting a meeting."),
                       code="no_committee")
    activity = CampaignActivity(
        campaign_id=campaign.id, task_id=task.id, requirement_id=requirement.id, kind=requirement.kind,
        school_id=school.id, class_id=task.class_id, held_on=data["held_on"], minutes=minutes,
        notes=data.get("notes", ""), reported_by_id=actor.id, reported_at=now(),
        **{name: counts.get(name) for name in ("participants", "letters", "surveyed", "enrolled")})
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
