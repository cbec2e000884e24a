"""The sensitive incident log of a campaign that requires one (anti-bullying today; an anti-sexual-abuse campaign
would be a definition with an `incident_log` requirement and a table in rules.toml, nothing more).

Incidents are read and written only where the actor has `Capability.manage`: the school's principal and the
safety offices (and admins) over it. An inspector, a parent or another school's principal gets 404, and no list,
progress figure, export, public view or audit detail carries their account or anyone's name.

The clock (rules.toml): received → investigating (due within `investigation_days`; later, it escalates into the
district office's queue) → determined (confirmed or not) → appealed to the district within
`appeal_working_days`, reviewed within `review_days` (the district determines again) → handled (measures as
flags) → closed. Not confirmed: closed without handling.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select, update

from ...accounts.models import Role, User
from ...accounts.scope import Capability, require_school, school_ids
from ...audit.services import record
from ...core.clock import now
from ...core.transitions import Machine, Transition
from ...errors import Conflict, Forbidden, Invalid, NotFound
from ...extensions import db
from ...schools.models import School, SchoolClass
from ..kinds import incident_log
from ..models import Campaign, Determination, Incident, IncidentEvent, IncidentStatus
from ..periods import local_day
from .rules import LogRules, add_working_days, log_rules


def readable_schools(actor: User) -> Select:
    """Schools whose incidents the actor may read: principals' own, offices' and admins' (never inspectors)."""
    return school_ids(actor, Capability.manage)


def visible_incidents(actor: User, campaign: Campaign | None, filters: dict) -> Select:
    query = select(Incident).where(Incident.school_id.in_(readable_schools(actor)))
    if campaign is not None:
        query = query.where(Incident.campaign_id == campaign.id)
    if school_id := filters.get("school_id"):
        query = query.where(Incident.school_id == school_id)
    if statuses := filters.get("status"):
        query = query.where(Incident.status.in_(statuses))
    return query.order_by(Incident.occurred_on.desc(), Incident.id.desc())


def get_incident(actor: User, incident_id: int) -> Incident:
    incident = db.session.scalar(visible_incidents(actor, None, {}).where(Incident.id == incident_id))
    if incident is None:
        raise NotFound()
    return incident


def require_readable_school(actor: User, school_id: int) -> School:
    """A school whose incidents the actor may read and log; any other is 404 (an inspector may see the school
    but not that incidents exist)."""
    school = require_school(actor, school_id)
    if not db.session.scalar(readable_schools(actor).where(School.id == school.id)):
        raise NotFound()
    return school


def rules_of(campaign: Campaign, school: School) -> LogRules:
    """The log's rules for the school (409 when the campaign keeps no incident log)."""
    rules = log_rules(campaign.definition.code, school)
    if rules is None or not any(r.kind == incident_log.NAME for r in campaign.definition.requirements):
        raise Conflict(_("This campaign keeps no incident log."), code="no_incident_log")
    return rules


def report_incident(actor: User, campaign: Campaign, data: dict) -> Incident:
    """Log a suspected incident at a school of the campaign (principal or office)."""
    school = require_readable_school(actor, data["school_id"])
    rules_of(campaign, school)
    class_id = data.get("class_id")
    if class_id and db.session.scalar(select(SchoolClass.id).where(SchoolClass.id == class_id,
                                                                   SchoolClass.school_id == school.id)) is None:
        raise Invalid(fields={"class_id": [_("No such class at this school.")]})
    if data["occurred_on"] > local_day(now()):
        raise Invalid(fields={"occurred_on": [_("This date is in the future.")]})
    moment = now()
    incident = Incident(school_id=school.id, campaign_id=campaign.id, class_id=data.get("class_id"),
                        occurred_on=data["occurred_on"], summary=data["summary"],
                        students_involved=data.get("students_involved", 0), reported_by_id=actor.id,
                        created_at=moment, updated_at=moment)
    db.session.add(incident)
    db.session.flush()
    db.session.add(IncidentEvent(incident_id=incident.id, actor_id=actor.id, at=moment, from_status=None,
                                 to_status=IncidentStatus.received.value))
    # The audit trail is read more widely than the log: ids and statuses only, never the account.
    record("incident.reported", actor, object_type="incident", object_id=incident.id,
           school_id=school.id, campaign_id=campaign.id)
    db.session.flush()
    db.session.refresh(incident)
    return incident


def _is_office(actor: User) -> bool:
    return actor.has_role(Role.admin, Role.safety_office)


def _check_move(actor: User, incident: Incident, rules: LogRules, status: IncidentStatus, data: dict,
                moment: datetime) -> None:
    """What the transitions table cannot say: who may, by when, and with what."""
    if status == IncidentStatus.determined and data.get("determination") is None:
        raise Invalid(fields={"determination": [_("Say whether the incident is confirmed.")]})
    if status == IncidentStatus.appealed:
        if not _is_office(actor):
            raise Forbidden(_("Appeals are lodged with the district office."))
        if moment > incident.appeal_due_at:
            raise Conflict(_("The time to appeal has passed."), code="appeal_window_closed")
    if incident.status == IncidentStatus.appealed and not _is_office(actor):
        raise Forbidden(_("The district office reviews an appeal."))
    confirmed = incident.determination == Determination.confirmed
    if status == IncidentStatus.handled:
        if not confirmed:
            raise Conflict(_("Only a confirmed incident is handled; close the others."), code="wrong_state")
        measures = data.get("measures") or []
        if not measures or any(m not in rules.measures for m in measures):
            raise Invalid(fields={"measures": [_("Choose the measures taken, from: %(choices)s.",
                                                 choices=", ".join(rules.measures))]})
    if status == IncidentStatus.closed and incident.status == IncidentStatus.determined and confirmed:
        raise Conflict(_("Record how a confirmed incident was handled before closing it."), code="wrong_state")


def _start_clocks(incident: Incident, rules: LogRules, status: IncidentStatus, data: dict, moment: datetime) -> None:
    if status == IncidentStatus.investigating:
        incident.investigation_due_at = moment + timedelta(days=rules.investigation_days)
    elif status == IncidentStatus.determined:
        incident.determination, incident.determined_at = data["determination"], moment
        if incident.appealed_at is None:  # a review's determination is final
            incident.appeal_due_at = add_working_days(moment, rules.appeal_working_days)
    elif status == IncidentStatus.appealed:
        incident.appealed_at, incident.review_due_at = moment, moment + timedelta(days=rules.review_days)
    elif status == IncidentStatus.handled:
        incident.measures = list(dict.fromkeys(data["measures"]))
    elif status == IncidentStatus.closed:
        incident.closed_at = moment


S = IncidentStatus
# Each move is named by the status it reaches (the API sends the status wanted).
LIFECYCLE = Machine("status", {
    S.investigating.value: Transition({S.received}, S.investigating),
    S.determined.value: Transition({S.investigating, S.appealed}, S.determined),  # a review decides again
    S.appealed.value: Transition({S.determined}, S.appealed),
    S.handled.value: Transition({S.determined}, S.handled),
    S.closed.value: Transition({S.determined, S.handled}, S.closed),
}, refusal=lambda state, target: _("An incident cannot go from %(from)s to %(to)s.",
                                   **{"from": state.value, "to": target}))


def next_moves(actor: User, incident: Incident) -> list[IncidentStatus]:
    """The statuses the incident may move to next, as the table allows and for this actor (appeals and their
    review are the district office's)."""
    moves = [IncidentStatus(target) for target in LIFECYCLE.actions_from(incident.status)]
    if not _is_office(actor) and incident.status == IncidentStatus.appealed:
        return []
    refused = set()
    if not _is_office(actor) or (incident.appeal_due_at is not None and now() > incident.appeal_due_at):
        refused.add(S.appealed)
    if incident.status == IncidentStatus.determined:  # a confirmed one is handled first; the others only close
        refused.add(S.closed if incident.determination == Determination.confirmed else S.handled)
    return [m for m in moves if m not in refused]


def change_status(actor: User, incident: Incident, status: IncidentStatus, data: dict) -> Incident:
    """Move an incident along its transitions table (409 for a move it does not allow), with a history event."""
    LIFECYCLE.require(incident.status, status.value)
    rules, moment = rules_of(incident.campaign, incident.school), now()
    _check_move(actor, incident, rules, status, data, moment)
    before = LIFECYCLE.fire(incident, status.value)
    _start_clocks(incident, rules, status, data, moment)
    incident.updated_at = moment
    if data.get("handling") is not None:
        incident.handling = data["handling"]
    db.session.add(IncidentEvent(incident_id=incident.id, actor_id=actor.id, at=moment, from_status=before.value,
                                 to_status=status.value, note=data.get("note", "")))
    record("incident.status_changed", actor, object_type="incident", object_id=incident.id,
           school_id=incident.school_id, from_status=before.value, to_status=status.value,
           determination=incident.determination.value if incident.determination else None,
           measures=list(incident.measures or []))
    db.session.flush()
    db.session.refresh(incident)
    return incident


def escalate_late_investigations(as_of: datetime) -> int:
    """Investigations past their due moment escalate once into the district office's queue (escalations/)."""
    return db.session.execute(
        update(Incident).where(Incident.status == IncidentStatus.investigating, Incident.escalated_at.is_(None),
                               Incident.investigation_due_at <= as_of)
        .values(escalated_at=as_of).execution_options(synchronize_session=False)).rowcount
