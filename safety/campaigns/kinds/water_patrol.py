"""Patrols of the water near schools (防溺水水域巡查): no tasks and no reports, but inspections of the schools'
water-body points, at the raised rhythm the campaign sets (see waters/rhythm.py). Progress counts the water bodies
patrolled within their interval; a water body overdue for a patrol counts as a task behind in the lagging check.

Patrols concentrate on the hours children swim: "重点在午后、傍晚等游泳高峰时段加强对危险水域巡逻管理"
(教基厅函〔2022〕18号 三、强化巡查防控). The notice names no hours, so WINDOW is a product default a region changes
in its own definition (window_start, window_end). An inspection of a water body outside the window still keeps the
point's rhythm (the points domain counts any inspection) but is no patrol: progress counts it apart, as
`patrols_outside_window`."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ...checklists.models import Category
from ...core.sql import local_minute
from ...inspections.models import Inspection
from ...points.models import Point
from ...schools.models import School
from ..models import TaskUnit
from ..periods import timezone
from . import Column, Figures, KindSpec, count_if, register, window_of

NAME = "water_patrol"
WINDOW = ("14:00", "20:00")  # 午后、傍晚, local time: a product default (the notice gives no hours)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def in_window(campaign, moment_column):
    """A SQL condition: the moment falls inside the campaign's patrol window (local time)."""
    requirement = next(r for r in campaign.definition.requirements if r.kind == NAME)
    start, end = (_minutes(value) for value in window_of(requirement))
    offset = int(campaign.opens_at.astimezone(timezone()).utcoffset().total_seconds() // 60)
    minute = local_minute(moment_column, offset)
    return and_(minute >= start, minute < end)


def _water(as_of):
    live = and_(Point.category == Category.water_body, Point.retired_at.is_(None))
    return select(Point.school_id, func.count().label("water_bodies"),
                  count_if(Point.next_due_at >= as_of).label("water_bodies_on_time")) \
        .where(live).group_by(Point.school_id).subquery()


def _per_school(campaign, as_of):
    """Water bodies, those patrolled within their interval, and patrols held in the campaign so far (inside the
    window, and apart those outside it)."""
    water = _water(as_of)
    held = and_(Point.category == Category.water_body, Inspection.submitted_at >= campaign.opens_at,
                Inspection.submitted_at < min(as_of, campaign.closes_at))
    inside = in_window(campaign, Inspection.submitted_at)
    patrols = select(Inspection.school_id, count_if(inside).label("patrols"),
                     count_if(~inside).label("patrols_outside_window")) \
        .join(Point, Point.id == Inspection.point_id).where(held).group_by(Inspection.school_id).subquery()
    return select(School.id.label("school_id"), water.c.water_bodies, water.c.water_bodies_on_time,
                  patrols.c.patrols, patrols.c.patrols_outside_window) \
        .outerjoin(water, water.c.school_id == School.id).outerjoin(patrols, patrols.c.school_id == School.id) \
        .where((water.c.school_id.is_not(None)) | (patrols.c.school_id.is_not(None))).subquery()


def _lag(_campaign, as_of):
    water = _water(as_of)
    return select(water.c.school_id, water.c.water_bodies.label("due"), water.c.water_bodies_on_time.label("done"),
                  water.c.water_bodies.label("total")).subquery()


register(KindSpec(
    name=NAME, units=(TaskUnit.water_body,), requirement_fields=("season_frequency",), window=WINDOW,
    recorded_elsewhere=lambda: _("Water patrols are recorded as inspections of the water-body points."),
    figures=Figures(per_school=_per_school,
                    counts=("water_bodies", "water_bodies_on_time", "patrols", "patrols_outside_window"),
                    rates={"patrol_rate": ("water_bodies_on_time", "water_bodies")}, lag=_lag),
    summary_columns=(Column("水域数", 8, lambda s: s["water_bodies"]),
                     Column("按时巡查水域", 12, lambda s: s["water_bodies_on_time"]),
                     Column("巡查次数", 9, lambda s: s["patrols"]),
                     Column("时段外巡查", 10, lambda s: s["patrols_outside_window"])),
))
