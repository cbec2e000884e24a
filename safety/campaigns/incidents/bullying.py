"""Anti-bullying: the school's committee on record, and the incident log.

Incidents are sensitive. They are read and written only where the actor has `Capability.manage`: the school's
principal and the safety offices (and admins) over it. An inspector, a parent or another school's principal gets
404, and no list, progress figure, public view or audit detail carries their text.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, select

from ...accounts.models import User
from ...accounts.scope import Capability, require_in_scope, require_school, school_ids
from ...audit.services import record
from ...core.clock import now
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...schools.models import School, SchoolClass
from ..models import (
    INCIDENT_TRANSITIONS,
    BullyingIncident,
    Campaign,
    CommitteeMember,
    IncidentEvent,
    IncidentStatus,
)
from ..periods import local_day

# --- the committee --------------------------------------------------------------------------------------


def committee(school: School) -> list[CommitteeMember]:
    return list(db.session.scalars(select(CommitteeMember).where(
        CommitteeMember.school_id == school.id, CommitteeMember.removed_at.is_(None))
        .order_by(CommitteeMember.role, CommitteeMember.id)))


def add_member(actor: User, school: School, data: dict) -> CommitteeMember:
    require_in_scope(actor, school.id, Capability.manage)
    member = CommitteeMember(school_id=school.id, name=data["name"], role=data["role"],
                             position=data.get("position", ""), created_at=now())
    db.session.add(member)
    db.session.flush()
    record("bullying_committee.member_added", actor, object_type="committee_member", object_id=member.id,
           school_id=school.id, role=member.role.value)
    return member


def get_member(actor: User, member_id: int) -> CommitteeMember:
    member = db.session.scalar(select(CommitteeMember).where(
        CommitteeMember.id == member_id, CommitteeMember.removed_at.is_(None),
        CommitteeMember.school_id.in_(school_ids(actor))))
    if member is None:
        raise NotFound()
    return member


def remove_member(actor: User, member: CommitteeMember) -> None:
    """Members leave the committee but stay on record (a past term's committee is still known)."""
    require_in_scope(actor, member.school_id, Capability.manage)
    member.removed_at = now()
    record("bullying_committee.member_removed", actor, object_type="committee_member", object_id=member.id,
           school_id=member.school_id)


# --- incidents ------------------------------------------------------------------------------------------


def readable_schools(actor: User) -> Select:
    """Schools whose incidents the actor may read: principals' own, offices' and admins' (never inspectors)."""
    return school_ids(actor, Capability.manage)


def visible_incidents(actor: User, campaign: Campaign | None, filters: dict) -> Select:
    query = select(BullyingIncident).where(BullyingIncident.school_id.in_(readable_schools(actor)))
    if campaign is not None:
        query = query.where(BullyingIncident.campaign_id == campaign.id)
    if school_id := filters.get("school_id"):
        query = query.where(BullyingIncident.school_id == school_id)
    if statuses := filters.get("status"):
        query = query.where(BullyingIncident.status.in_(statuses))
    return query.order_by(BullyingIncident.occurred_on.desc(), BullyingIncident.id.desc())


def get_incident(actor: User, incident_id: int) -> BullyingIncident:
    incident = db.session.scalar(visible_incidents(actor, None, {}).where(BullyingIncident.id == incident_id))
    if incident is None:
        raise NotFound()
    return incident


def report_incident(actor: User, campaign: Campaign, data: dict) -> BullyingIncident:
    """Log a suspected incident at a school of the campaign (principal or office)."""
    school = require_school(actor, data["school_id"])
    if not db.session.scalar(readable_schools(actor).where(School.id == school.id)):
        raise NotFound()  # an inspector may see the school but not that incidents exist
    class_id = data.get("class_id")
    if class_id and db.session.scalar(select(SchoolClass.id).where(SchoolClass.id == class_id,
                                                                   SchoolClass.school_id == school.id)) is None:
        raise Invalid(fields={"class_id": [_("No such class at this school.")]})
    if data["occurred_on"] > local_day(now()):
        raise Invalid(fields={"occurred_on": [_("This date is in the future.")]})
    moment = now()
    incident = BullyingIncident(school_id=school.id, campaign_id=campaign.id, class_id=data.get("class_id"),
                                occurred_on=data["occurred_on"], summary=data["summary"],
                                students_involved=data.get("students_involved", 0), reported_by_id=actor.id,
                                created_at=moment, updated_at=moment)
    db.session.add(incident)
    db.session.flush()
    db.session.add(IncidentEvent(incident_id=incident.id, actor_id=actor.id, at=moment, from_status=None,
                                 to_status=IncidentStatus.reported.value))
    # The audit trail is read more widely than the log: ids and statuses only, never the account.
    record("bullying_incident.reported", actor, object_type="bullying_incident", object_id=incident.id,
           school_id=school.id, campaign_id=campaign.id)
    db.session.flush()
    db.session.refresh(incident)
    return incident


def change_status(actor: User, incident: BullyingIncident, status: IncidentStatus, note: str,
                  handling: str | None) -> BullyingIncident:
    """Move an incident along its transitions table (409 for a move it does not allow), with a history event."""
    if status not in INCIDENT_TRANSITIONS[incident.status]:
        raise Conflict(_("An incident cannot go from %(from)s to %(to)s.", **{"from": incident.status.value,
                                                                            "to": status.value}),
                       code="wrong_state")
    before, moment = incident.status, now()
    incident.status, incident.updated_at = status, moment
    if handling is not None:
        incident.handling = handling
    if status in (IncidentStatus.closed, IncidentStatus.not_bullying):
        incident.closed_at = moment
    db.session.add(IncidentEvent(incident_id=incident.id, actor_id=actor.id, at=moment, from_status=before.value,
                                 to_status=status.value, note=note))
    record("bullying_incident.status_changed", actor, object_type="bullying_incident", object_id=incident.id,
           school_id=incident.school_id, from_status=before.value, to_status=status.value)
    db.session.flush()
    db.session.refresh(incident)
    return incident
