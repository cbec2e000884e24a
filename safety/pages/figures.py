"""The figures behind the office's dashboard, for one region and the units below it (districts or schools).

Everything is counted per school in SQL over the same scoped queries the API uses (visible hazards, the
coverage and drill-compliance services; coverage and the weekly chart come from the scheduler's rollups),
then folded into the units the dashboard drills down through: a city's districts, a district's schools.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import case, func, select

from ..accounts.models import User
from ..accounts.scope import Capability, region_ids, school_ids
from ..core.clock import now
from ..core.schemas import MAX_ID, localised
from ..drills.services import compliance
from ..errors import NotFound
from ..extensions import db
from ..hazards.rollups import week_starts, weekly_counts
from ..hazards.services import visible_hazards
from ..inspections.coverage import ROLLING_DAYS, coverage
from ..schools.models import Region, RegionLevel, School
from ..schools.services import get_region, school_ids_in_region

COVERAGE_DAYS = ROLLING_DAYS


@dataclass
class Unit:
    """A row of the dashboard: a district (drills down to its schools) or a school (opens its board)."""

    id: int
    name: str
    href: str
    is_school: bool
    school_ids: set[int] = field(default_factory=set)
    open: int = 0
    overdue: int = 0
    due: int = 0
    done: int = 0
    drills_required: int = 0
    drills_on_time: int = 0

    @property
    def coverage(self) -> float | None:
        return round(100 * self.done / self.due, 1) if self.due else None

    @property
    def drill_rate(self) -> float | None:
        return round(100 * self.drills_on_time / self.drills_required, 1) if self.drills_required else None


def home_region(user: User, region_id: int | None) -> Region:
    """The region asked for (404 when not visible), else the widest region the user oversees."""
    if region_id is not None:
        if not 0 < region_id <= MAX_ID:  # no INTEGER column holds it: not found, never a database error
            raise NotFound()
        return get_region(user, region_id)
    region = db.session.scalar(select(Region).where(Region.id.in_(region_ids(user, Capability.oversee)))
                               .order_by(func.length(Region.path), Region.path).limit(1))
    if region is None:
        raise NotFound()
    return region


def breadcrumbs(user: User, region: Region) -> list[Region]:
    """The region's ancestors the user may look at, top first, and the region itself."""
    ids = [int(part) for part in region.path.strip("/").split("/") if part]
    visible = select(Region).where(Region.id.in_(ids), Region.id.in_(region_ids(user, Capability.view)))
    return sorted(db.session.scalars(visible), key=lambda r: len(r.path))


def units(user: User, region: Region) -> list[Unit]:
    """The region's child regions (a city's districts), or at the bottom of the tree its schools."""
    schools = db.session.execute(
        select(School, Region.path).join(Region, Region.id == School.region_id)
        .where(School.id.in_(school_ids(user)), School.id.in_(school_ids_in_region(region)), School.active.is_(True))
        .order_by(School.code)).all()
    children = db.session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.code)).all()
    if region.level == RegionLevel.district or not children:
        return [Unit(school.id, localised(school), url_for("pages.school_board", school_id=school.id), True,
                     {school.id}) for school, _path in schools]
    result = []
    for child in children:
        inside = {school.id for school, path in schools if path.startswith(child.path)}
        if inside:
            result.append(Unit(child.id, localised(child), url_for("pages.office_dashboard", region=child.id),
                               False, inside))
    return result


def fill(user: User, region: Region, rows: list[Unit]) -> dict:
    """Count hazards, coverage and drills per school and add them up per unit; returns the region's totals."""
    by_school = {school_id: unit for unit in rows for school_id in unit.school_ids}
    hazards = visible_hazards(user, {"region_id": region.id, "open": True}).order_by(None).subquery()
    late = case((hazards.c.deadline < now(), 1), else_=0)
    for school_id, n_open, n_late in db.session.execute(
            select(hazards.c.school_id, func.count(), func.sum(late)).group_by(hazards.c.school_id)):
        if unit := by_school.get(school_id):
            unit.open += n_open
            unit.overdue += int(n_late or 0)
    until = now()
    for school in coverage(user, {"since": until - timedelta(days=COVERAGE_DAYS), "until": until, "rolling": True,
                                  "region_id": region.id})["schools"]:
        if unit := by_school.get(school["school_id"]):
            unit.due += school["due"]
            unit.done += school["done"]
    for school in compliance(user, {"region_id": region.id})["schools"]:
        if unit := by_school.get(school["school_id"]):
            unit.drills_required += school["required"]
            unit.drills_on_time += school["on_time"]
    total = Unit(region.id, localised(region), "", False)
    for unit in rows:
        for name in ("open", "overdue", "due", "done", "drills_required", "drills_on_time"):
            setattr(total, name, getattr(total, name) + getattr(unit, name))
    return {"total": total}


def weekly(user: User, region: Region) -> list[tuple[datetime, int, int]]:
    """Hazards opened and closed in each of the last twelve weeks (this one included), from the rollup."""
    schools = select(School.id).where(School.id.in_(school_ids(user)), School.id.in_(school_ids_in_region(region)))
    return weekly_counts(schools, week_starts(now()))
