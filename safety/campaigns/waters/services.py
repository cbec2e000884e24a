"""The dangerous-waters ledger (危险水域台账): each water-body point's risk grade and responsible person."""
from __future__ import annotations

from sqlalchemy import Select, select

from ...accounts.models import User
from ...accounts.scope import Capability, require_in_scope, school_ids
from ...audit.services import record
from ...checklists.models import Category
from ...core.clock import now
from ...errors import NotFound
from ...extensions import db
from ...points.models import Point
from ...schools.models import School
from ...schools.services import school_ids_in_visible_region
from ..models import RiskGrade, WaterBody

LEDGER_FIELDS = ("risk_grade", "water_type", "distance_m", "owner", "responsible_unit", "depth_m", "warning_signs",
                 "rescue_equipment", "responsible_person", "responsible_phone", "notes")


def visible_water_bodies(actor: User, filters: dict, capability: Capability = Capability.view) -> Select:
    """Live water-body points the actor may see (`with_ledgers` adds each one's ledger row)."""
    query = select(Point).outerjoin(WaterBody, WaterBody.point_id == Point.id) \
        .where(Point.category == Category.water_body, Point.retired_at.is_(None),
               Point.school_id.in_(school_ids(actor, capability)))
    if school_id := filters.get("school_id"):
        query = query.where(Point.school_id == school_id)
    if region_id := filters.get("region_id"):
        query = query.where(Point.school_id.in_(school_ids_in_visible_region(actor, region_id)))
    if grade := filters.get("risk_grade"):
        query = query.where(WaterBody.risk_grade == grade)
    return query.join(School, School.id == Point.school_id).order_by(School.code, Point.code)


def present(point: Point, ledger: WaterBody | None) -> dict:
    row = {"point_id": point.id, "school_id": point.school_id, "code": point.code, "name": point.name_zh,
           "location": point.location, "latitude": point.latitude, "longitude": point.longitude,
           "frequency": point.frequency, "effective_frequency": point.effective_frequency,
           "next_due_at": point.next_due_at, "last_inspected_at": point.last_inspected_at,
           "on_ledger": ledger is not None}
    row.update({field: getattr(ledger, field) if ledger else None for field in LEDGER_FIELDS})
    return row


def with_ledgers(points: list[Point]) -> list[tuple[Point, WaterBody | None]]:
    """Each point with its ledger row (None until the school fills it in), in one query."""
    ledgers = {w.point_id: w for w in db.session.scalars(
        select(WaterBody).where(WaterBody.point_id.in_([p.id for p in points])))}
    return [(point, ledgers.get(point.id)) for point in points]


def get_water_body(actor: User, point_id: int) -> tuple[Point, WaterBody | None]:
    point = db.session.scalar(visible_water_bodies(actor, {}).where(Point.id == point_id))
    if point is None:
        raise NotFound()
    return with_ledgers([point])[0]


def update_ledger(actor: User, point: Point, ledger: WaterBody | None, changes: dict) -> WaterBody:
    """The school (its principal) or an office keeps the ledger facts of its water bodies."""
    require_in_scope(actor, point.school_id, Capability.manage)
    if ledger is None:
        ledger = WaterBody(point_id=point.id, risk_grade=RiskGrade.medium)
        db.session.add(ledger)
    for field, value in changes.items():
        setattr(ledger, field, value)
    ledger.updated_at, ledger.updated_by_id = now(), actor.id
    db.session.flush()
    record("water_body.updated", actor, object_type="point", object_id=point.id, school_id=point.school_id,
           fields=sorted(changes))
    return ledger
