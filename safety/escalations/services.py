"""The offices' escalation queue, and what an office does with an escalated hazard."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import (
    Select,
    String,
    Subquery,
    bindparam,
    case,
    exists,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)

from ..accounts.models import Role, RoleAssignment, User
from ..accounts.scope import Capability, require_in_scope, school_ids
from ..campaigns.models import Campaign, CampaignLag, Incident, IncidentStatus, LagStatus
from ..checklists.models import Grade
from ..core.clock import now
from ..core.pagination import paginate
from ..core.types import UTCDateTime
from ..drills.models import Drill, DrillStatus
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..hazards.models import OPEN_STATUSES, Hazard
from ..hazards.services import add_event, record_acknowledgement, record_extension, record_supervision
from ..returns.models import MonthlyReturn, ReturnStatus
from ..rounds.kinds import current_rules as current_round_rules
from ..rounds.models import Check, Round, RoundStatus
from ..schools.models import Region, RegionLevel, School
from ..schools.services import school_ids_in_visible_region
from .policy import OFFICE_OF_LEVEL, policy

DRILL_LEVEL = 1  # a missed drill is the district office's to chase
CAMPAIGN_LEVEL = 1  # so is a school lagging in a campaign
INCIDENT_LEVEL = 1  # and an incident investigation past its deadline
ROUNDS_LEVEL = 1  # and a school that keeps missing its rounds, is late with a launched check or a monthly return


def _hazard_rows() -> Select:
    return select(literal("hazard").label("kind"), Hazard.id.label("id"), Hazard.school_id.label("school_id"),
                  Hazard.title.label("title"), Hazard.level.label("level"), Hazard.grade.label("grade"),
                  type_coerce(Hazard.status, String).label("status"), Hazard.deadline.label("due_at"),
                  Hazard.acknowledged_at.label("acknowledged_at"), Hazard.supervised_at.label("supervised_at")) \
        .where(Hazard.level >= 1, Hazard.status.in_(OPEN_STATUSES))


def _drill_rows() -> Select:
    return select(literal("drill").label("kind"), Drill.id, Drill.school_id, Drill.kind.label("title"),
                  literal(DRILL_LEVEL).label("level"), literal(Grade.general.value).label("grade"),
                  Drill.status.label("status"), Drill.window_end.label("due_at"),
                  null().label("acknowledged_at"), null().label("supervised_at")) \
        .where(Drill.status == DrillStatus.overdue)


def _campaign_rows() -> Select:
    return select(literal("campaign").label("kind"), CampaignLag.id, CampaignLag.school_id,
                  Campaign.name_zh.label("title"), literal(CAMPAIGN_LEVEL).label("level"),
                  literal(Grade.general.value).label("grade"), CampaignLag.status.label("status"),
                  CampaignLag.flagged_at.label("due_at"), null().label("acknowledged_at"),
                  null().label("supervised_at")) \
        .join(Campaign, Campaign.id == CampaignLag.campaign_id) \
        .where(CampaignLag.status == LagStatus.lagging)


def _round_rows() -> Select:
    """A school's repeated misses of one kind of round: the latest escalated miss, until a later round of that kind
    is done."""
    later = db.aliased(Round)
    since_fixed = exists().where(later.school_id == Round.school_id, later.kind == Round.kind,
                                 later.window_start > Round.window_start,
                                 (later.status == RoundStatus.done) | later.escalated_at.is_not(None))
    names = [(Round.kind == kind.key, kind.name_zh) for kind in current_round_rules().kinds.values()]
    return select(literal("round").label("kind"), Round.id, Round.school_id,
                  case(*names, else_=Round.kind).label("title"),
                  literal(ROUNDS_LEVEL).label("level"), literal(Grade.general.value).label("grade"),
                  type_coerce(Round.status, String).label("status"), Round.window_end.label("due_at"),
                  null().label("acknowledged_at"), null().label("supervised_at")) \
        .where(Round.escalated_at.is_not(None), Round.check_id.is_(None), ~since_fixed)


def _check_rows() -> Select:
    """Schools past a launched check's deadline without finishing it (they leave the queue when they finish)."""
    return select(literal("check").label("kind"), Round.id, Round.school_id, Check.title.label("title"),
                  literal(ROUNDS_LEVEL).label("level"), literal(Grade.general.value).label("grade"),
                  type_coerce(Round.status, String).label("status"), Round.window_end.label("due_at"),
                  null().label("acknowledged_at"), null().label("supervised_at")) \
        .join(Check, Check.id == Round.check_id) \
        .where(Round.status == RoundStatus.missed)


def _return_rows() -> Select:
    """Monthly returns still not submitted after their due day."""
    return select(literal("return").label("kind"), MonthlyReturn.id, MonthlyReturn.school_id,
                  MonthlyReturn.month.label("title"), literal(ROUNDS_LEVEL).label("level"),
                  literal(Grade.general.value).label("grade"),
                  type_coerce(MonthlyReturn.status, String).label("status"),
                  MonthlyReturn.due_at.label("due_at"), null().label("acknowledged_at"),
                  null().label("supervised_at")) \
        .where(MonthlyReturn.status == ReturnStatus.pending,
               MonthlyReturn.due_at < bindparam("now", callable_=now, type_=UTCDateTime))  # read at each execution


def _incident_rows() -> Select:
    """Incident investigations past their deadline: the campaign's name only, never the account."""
    return select(literal("incident").label("kind"), Incident.id, Incident.school_id,
                  Campaign.name_zh.label("title"), literal(INCIDENT_LEVEL).label("level"),
                  literal(Grade.general.value).label("grade"), type_coerce(Incident.status, String).label("status"),
                  Incident.investigation_due_at.label("due_at"), null().label("acknowledged_at"),
                  null().label("supervised_at")) \
        .join(Campaign, Campaign.id == Incident.campaign_id) \
        .where(Incident.escalated_at.is_not(None), Incident.status == IncidentStatus.investigating)


ROW_SOURCES = {"hazard": _hazard_rows, "drill": _drill_rows, "campaign": _campaign_rows,
               "incident": _incident_rows, "round": _round_rows, "check": _check_rows, "return": _return_rows}


@lru_cache(maxsize=32)
def _union(kinds: tuple[str, ...], _round_names: tuple[tuple[str, str], ...]) -> Subquery:
    """Every source's rows, built once per process for each choice of kinds: building the union costs more CPU than
    running it. Nothing in it depends on the caller (the scope is applied around it) or on the request (the moment is
    a parameter read at execution); the round kinds' names are in its SQL, so other rules build it again."""
    parts = [ROW_SOURCES[kind]() for kind in kinds]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def queue(actor: User, filters: dict) -> Select:
    """Escalated unresolved hazards, missed drills, schools lagging in campaigns, late incident investigations,
    repeatedly missed rounds, late checks and returns in the office's region, most urgent first: higher level, then
    major before general, then longest overdue."""
    kinds = tuple(kind for kind in ROW_SOURCES if filters.get("kind") in (None, kind))
    rows = _union(kinds, tuple((key, kind.name_zh) for key, kind in current_round_rules().kinds.items()))
    # One semi-join of the appended rows with the caller's schools (PostgreSQL: a hash of the region's schools).
    query = select(rows).where(rows.c.school_id.in_(school_ids(actor, Capability.oversee)))
    if (level := filters.get("level")) is not None:
        query = query.where(rows.c.level == level)
    if grade := filters.get("severity"):
        query = query.where(rows.c.grade == grade)
    if school_id := filters.get("school_id"):
        query = query.where(rows.c.school_id == school_id)
    if region_id := filters.get("region_id"):
        query = query.where(rows.c.school_id.in_(school_ids_in_visible_region(actor, region_id)))
    if (acknowledged := filters.get("acknowledged")) is not None:
        query = query.where(rows.c.acknowledged_at.is_not(None) if acknowledged else rows.c.acknowledged_at.is_(None))
    major_first = case((rows.c.grade == Grade.major.value, 0), else_=1)
    return query.order_by(rows.c.level.desc(), major_first, rows.c.due_at, rows.c.kind, rows.c.id)


def counts(actor: User, filters: dict) -> dict:
    return tally(queue(actor, filters))


def tally(query: Select) -> dict:
    """Counts by kind and level over a built queue query (building the three-way UNION costs more CPU than
    running it, so a caller that also lists the page builds it once)."""
    rows = query.order_by(None).subquery()
    by = db.session.execute(select(rows.c.kind, rows.c.level, func.count()).group_by(rows.c.kind, rows.c.level)).all()
    result = {"total": 0, "by_level": {"1": 0, "2": 0}, "by_kind": dict.fromkeys(ROW_SOURCES, 0)}
    for kind, level, n in by:
        result["total"] += n
        result["by_level"][str(level)] = result["by_level"].get(str(level), 0) + n
        result["by_kind"][kind] += n
    return result


def queue_page(actor: User, filters: dict) -> dict:
    """One page of the queue (`page`, `per_page` in `filters`) with its counts; each row with its school's name
    and how many whole hours it is overdue."""
    query = queue(actor, filters)  # built once for the counts and the page
    figures = tally(query)
    page = paginate(query, filters, total=figures["total"], rows=True)
    rows = page["items"]
    names = dict(db.session.execute(select(School.id, School.name_zh)
                                    .where(School.id.in_({r.school_id for r in rows}))).all())
    moment = now()
    page["items"] = [{**row._mapping, "school": names.get(row.school_id),
                      "overdue_hours": _hours_late(row.due_at, moment)} for row in rows]
    return {**page, "counts": figures}


def _hours_late(due: datetime | None, moment: datetime) -> int:
    return int((moment - due).total_seconds() // 3600) if due and due < moment else 0


# --- actions on a hazard --------------------------------------------------------------------------------

def _office(actor: User, hazard: Hazard, level: RegionLevel | None) -> Region | None:
    """The region of the actor's safety office that oversees the hazard's school (at `level`, if given)."""
    office, school_region = db.aliased(Region), db.aliased(Region)
    query = select(office).join(RoleAssignment, RoleAssignment.region_id == office.id) \
        .join(School, School.id == hazard.school_id).join(school_region, school_region.id == School.region_id) \
        .where(RoleAssignment.user_id == actor.id, RoleAssignment.role == Role.safety_office,
               school_region.path.startswith(office.path))
    if level is not None:
        query = query.where(office.level == level)
    return db.session.scalar(query.order_by(office.path.desc()).limit(1))


def _acting_office(actor: User, hazard: Hazard, *, own_level: bool = True) -> dict:
    """The office acting, for the history (its region). Acknowledging, extending and supervising belong to the
    office at the hazard's level (a district office cannot act for the city); any office overseeing the school
    may see and comment. An admin may act at any level."""
    require_in_scope(actor, hazard.school_id, Capability.oversee)
    if not hazard.is_open:
        raise Conflict(_("The hazard is no longer open."), code="wrong_state")
    region = _office(actor, hazard, OFFICE_OF_LEVEL[hazard.level] if own_level else None)
    if region is None and own_level and not actor.has_role(Role.admin):
        raise Forbidden(_("This hazard is at another level; only the office at that level may act on it (you "
                          "may still comment)."), code="other_level")
    return {"office_region_id": region.id, "office": region.name_zh} if region else {}


def levels_acted_on(actor: User) -> set[int]:
    """The escalation levels whose hazards the actor's offices acknowledge, extend and supervise."""
    if actor.has_role(Role.admin):
        return set(OFFICE_OF_LEVEL)
    offices = {a.region.level for a in actor.roles if a.role == Role.safety_office and a.region is not None}
    return {level for level, office in OFFICE_OF_LEVEL.items() if office in offices}


def acts_at_its_level(actor: User, hazard: Hazard) -> bool:
    """Whether the actor's office may acknowledge, extend and supervise the hazard (for offering the forms)."""
    return actor.has_role(Role.admin) or _office(actor, hazard, OFFICE_OF_LEVEL[hazard.level]) is not None


def acknowledge(actor: User, hazard: Hazard, note: str = "") -> Hazard:
    office = _acting_office(actor, hazard)
    record_acknowledgement(actor, hazard, note, **office)
    return hazard


def acknowledge_many(actor: User, hazard_ids: list[int], note: str = "") -> list[Hazard]:
    """The queue's bulk action: acknowledge every listed hazard not yet acknowledged, all or none (one refusal,
    such as another school's hazard (404) or another level's (403), stops the lot and the request rolls back)."""
    from ..hazards.services import get_hazard
    hazards = [get_hazard(actor, hazard_id) for hazard_id in dict.fromkeys(hazard_ids)]
    return [acknowledge(actor, hazard, note) for hazard in hazards if hazard.acknowledged_at is None]


def extend(actor: User, hazard: Hazard, deadline: datetime, reason: str) -> Hazard:
    """A later deadline, for a reason: at most `max_extension_days` after the current deadline, at most
    `max_extensions` times."""
    office = _acting_office(actor, hazard)
    rules = policy()
    if hazard.extensions >= rules["max_extensions"]:
        raise Conflict(_("This deadline was already extended %(n)s times.", n=hazard.extensions),
                       code="too_many_extensions")
    current = hazard.deadline or now()
    if not current < deadline <= current + timedelta(days=rules["max_extension_days"]):
        raise Invalid(fields={"deadline": [_("Choose a date after the current deadline and at most %(days)s days "
                                             "after it.", days=rules["max_extension_days"])]})
    record_extension(actor, hazard, deadline, reason, **office)
    return hazard


def supervise(actor: User, hazard: Hazard, plan: dict, supervisor: str, reason: str) -> Hazard:
    """挂牌督办: the office at the hazard's level takes it under supervision, once per level, with a 五落实
    plan whose deadline (at most `max_supervision_days` ahead) becomes the hazard's, for a stated reason."""
    office = _acting_office(actor, hazard)
    if any(e.action == "supervised" and e.data.get("level") == hazard.level for e in hazard.events):
        raise Conflict(_("This hazard is already under supervision at this level."), code="already_supervised")
    days = policy()["max_supervision_days"]
    if not now() < plan["deadline"] <= now() + timedelta(days=days):
        raise Invalid(fields={"plan.deadline": [_("Choose a date in the future and at most %(days)s days from "
                                                  "today.", days=days)]})
    record_supervision(actor, hazard, plan, supervisor, reason, **office)
    return hazard


def comment(actor: User, hazard: Hazard, note: str) -> Hazard:
    office = _acting_office(actor, hazard, own_level=False)
    add_event(hazard, actor, "comment", before=hazard.status, note=note, **office)
    return hazard


ACTIONS = {
    "acknowledge": lambda actor, hazard, d: acknowledge(actor, hazard, d["note"]),
    "extend": lambda actor, hazard, d: extend(actor, hazard, d["deadline"], d["reason"]),
    "supervise": lambda actor, hazard, d: supervise(actor, hazard, d["plan"], d["supervisor"], d["reason"]),
    "comment": lambda actor, hazard, d: comment(actor, hazard, d["note"]),
}


def act(actor: User, hazard: Hazard, data: dict) -> Hazard:
    """One office action, as read by EscalationActionIn (the API's body and the hazard page's forms alike)."""
    return ACTIONS[data["action"]](actor, hazard, data)
