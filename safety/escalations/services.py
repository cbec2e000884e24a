"""The offices' escalation queue, and what an office does with an escalated hazard."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, String, case, func, literal, null, select, type_coerce, union_all

from ..accounts.models import User
from ..accounts.scope import Capability, require_in_scope, school_ids
from ..campaigns.models import Campaign, CampaignLag, LagStatus
from ..checklists.models import Grade
from ..core.clock import now
from ..drills.models import Drill, DrillStatus
from ..errors import Conflict, Invalid
from ..extensions import db
from ..hazards.models import OPEN_STATUSES, Hazard
from ..hazards.services import add_event, record_five_fixed
from ..schools.services import school_ids_in_visible_region
from .policy import policy

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

def _require_oversight(actor: User, hazard: Hazard) -> None:
    require_in_scope(actor, hazard.school_id, Capability.oversee)
    if not hazard.is_open:
        raise Conflict(_("The hazard is no longer open."), code="wrong_state")


def acknowledge(actor: User, hazard: Hazard, note: str = "") -> Hazard:
    _require_oversight(actor, hazard)
    hazard.acknowledged_at, hazard.acknowledged_by_id = now(), actor.id
    add_event(hazard, actor, "acknowledged", before=hazard.status, note=note, level=hazard.level)
    return hazard


def extend(actor: User, hazard: Hazard, deadline: datetime, reason: str) -> Hazard:
    """A new deadline, for a reason, within bounds (days per extension, number of extensions)."""
    _require_oversight(actor, hazard)
    rules = policy()
    current = hazard.deadline or now()
    latest = max(current, now()) + timedelta(days=rules["max_extension_days"])
    if deadline <= current or deadline > latest:
        raise Invalid(fields={"deadline": [_("Choose a date after the current deadline and at most %(days)s days "
                                             "later.", days=rules["max_extension_days"])]})
    if hazard.extensions >= rules["max_extensions"]:
        raise Conflict(_("This deadline was already extended %(n)s times.", n=hazard.extensions),
                       code="too_many_extensions")
    before = hazard.deadline
    hazard.deadline, hazard.extensions = deadline, hazard.extensions + 1
    add_event(hazard, actor, "extended", before=hazard.status, note=reason,
           old_deadline=before.isoformat() if before else None, new_deadline=deadline.isoformat())
    return hazard


def supervise(actor: User, hazard: Hazard, plan: dict, supervisor: str, note: str = "") -> Hazard:
    """挂牌督办: the office takes the hazard under supervision with a five-fixed plan and an officer."""
    _require_oversight(actor, hazard)
    record_five_fixed(actor, hazard, plan)
    hazard.supervised_at, hazard.supervisor = now(), supervisor
    add_event(hazard, actor, "supervised", before=hazard.status, note=note, supervisor=supervisor)
    return hazard


def comment(actor: User, hazard: Hazard, note: str) -> Hazard:
    _require_oversight(actor, hazard)
    add_event(hazard, actor, "comment", before=hazard.status, note=note)
    return hazard
