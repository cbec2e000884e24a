"""The offices' escalation queue, and what an office does with an escalated hazard."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, String, case, func, literal, null, select, type_coerce, union_all

from ..accounts.models import Role, RoleAssignment, User
from ..accounts.scope import Capability, require_in_scope, school_ids
from ..campaigns.models import Campaign, CampaignLag, LagStatus
from ..checklists.models import Grade
from ..core.clock import now
from ..drills.models import Drill, DrillStatus
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..hazards.models import OPEN_STATUSES, Hazard
from ..hazards.services import add_event, change_deadline, plan_record
from ..schools.models import Region, RegionLevel, School
from ..schools.services import school_ids_in_visible_region
from .policy import OFFICE_OF_LEVEL, policy

DRILL_LEVEL = 1  # a missed drill is the district office's to chase
CAMPAIGN_LEVEL = 1  # so is a school lagging in a campaign


def _hazard_rows(actor: User) -> Select:
    return select(literal("hazard").label("kind"), Hazard.id.label("id"), Hazard.school_id.label("school_id"),
                  Hazard.title.label("title"), Hazard.level.label("level"), Hazard.grade.label("grade"),
                  type_coerce(Hazard.status, String).label("status"), Hazard.deadline.label("due_at"),
                  Hazard.acknowledged_at.label("acknowledged_at"), Hazard.supervised_at.label("supervised_at")) \
        .where(Hazard.level >= 1, Hazard.status.in_(OPEN_STATUSES),
               Hazard.school_id.in_(school_ids(actor, Capability.oversee)))


def _drill_rows(actor: User) -> Select:
    return select(literal("drill").label("kind"), Drill.id, Drill.school_id, Drill.kind.label("title"),
                  literal(DRILL_LEVEL).label("level"), literal(Grade.general.value).label("grade"),
                  Drill.status.label("status"), Drill.window_end.label("due_at"),
                  null().label("acknowledged_at"), null().label("supervised_at")) \
        .where(Drill.status == DrillStatus.overdue, Drill.school_id.in_(school_ids(actor, Capability.oversee)))


def _campaign_rows(actor: User) -> Select:
    return select(literal("campaign").label("kind"), CampaignLag.id, CampaignLag.school_id,
                  Campaign.name_zh.label("title"), literal(CAMPAIGN_LEVEL).label("level"),
                  literal(Grade.general.value).label("grade"), CampaignLag.status.label("status"),
                  CampaignLag.flagged_at.label("due_at"), null().label("acknowledged_at"),
                  null().label("supervised_at")) \
        .join(Campaign, Campaign.id == CampaignLag.campaign_id) \
        .where(CampaignLag.status == LagStatus.lagging,
               CampaignLag.school_id.in_(school_ids(actor, Capability.oversee)))


def queue(actor: User, filters: dict) -> Select:
    """Escalated unresolved hazards, missed drills and schools lagging in campaigns in the office's region, most
    urgent first: higher level, then major before general, then longest overdue."""
    parts = []
    if filters.get("kind") in (None, "hazard"):
        parts.append(_hazard_rows(actor))
    if filters.get("kind") in (None, "drill"):
        parts.append(_drill_rows(actor))
    if filters.get("kind") in (None, "campaign"):
        parts.append(_campaign_rows(actor))
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    query = select(rows)
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
    rows = queue(actor, filters).order_by(None).subquery()
    by = db.session.execute(select(rows.c.kind, rows.c.level, func.count()).group_by(rows.c.kind, rows.c.level)).all()
    result = {"total": 0, "by_level": {"1": 0, "2": 0}, "by_kind": {"hazard": 0, "drill": 0, "campaign": 0}}
    for kind, level, n in by:
        result["total"] += n
        result["by_level"][str(level)] = result["by_level"].get(str(level), 0) + n
        result["by_kind"][kind] += n
    return result


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
    hazard.acknowledged_at, hazard.acknowledged_by_id = now(), actor.id
    add_event(hazard, actor, "acknowledged", before=hazard.status, note=note, level=hazard.level, **office)
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
    hazard.extensions += 1
    change_deadline(actor, hazard, "extended", deadline, reason, extension=hazard.extensions, **office)
    return hazard


def supervise(actor: User, hazard: Hazard, plan: dict, supervisor: str, reason: str) -> Hazard:
    """挂牌督办: the office at the hazard's level takes it under supervision, once per level, with a five-fixed
    plan whose deadline (at most `max_supervision_days` ahead) becomes the hazard's, for a stated reason."""
    office = _acting_office(actor, hazard)
    if any(e.action == "supervised" and e.data.get("level") == hazard.level for e in hazard.events):
        raise Conflict(_("This hazard is already under supervision at this level."), code="already_supervised")
    days = policy()["max_supervision_days"]
    if not now() < plan["deadline"] <= now() + timedelta(days=days):
        raise Invalid(fields={"plan.deadline": [_("Choose a date in the future and at most %(days)s days from "
                                                  "today.", days=days)]})
    hazard.five_fixed = plan_record(plan)
    hazard.supervised_at, hazard.supervisor = now(), supervisor
    change_deadline(actor, hazard, "supervised", plan["deadline"], reason, supervisor=supervisor,
                    level=hazard.level, plan=hazard.five_fixed, **office)
    return hazard


def comment(actor: User, hazard: Hazard, note: str) -> Hazard:
    office = _acting_office(actor, hazard, own_level=False)
    add_event(hazard, actor, "comment", before=hazard.status, note=note, **office)
    return hazard
