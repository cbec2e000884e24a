"""Patrols of the water near schools (防溺水水域巡查): no tasks and no reports, but inspections of the schools'
water-body points, at the raised rhythm the campaign sets (see waters/rhythm.py). Progress counts the water bodies
patrolled within their interval; a water body overdue for a patrol counts as a task behind in the lagging check."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ...checklists.models import Category
from ...inspections.models import Inspection
from ...points.models import Point
from ...schools.models import School
from ..models import TaskUnit
from . import Column, Figures, KindSpec, count_if, register

NAME = "water_patrol"


def _water(as_of):
    live = and_(Point.category == Category.water_body, Point.retired_at.is_(None))
    return select(Point.school_id, func.count().label("water_bodies"),
                  count_if(Point.next_due_at >= as_of).label("water_bodies_on_time")) \
        .where(live).group_by(Point.school_id).subquery()


def _per_school(campaign, as_of):
    """Water bodies, those patrolled within their interval, and patrols held in the campaign so far."""
    water = _water(as_of)
    held = and_(Point.category == Category.water_body, Inspection.submitted_at >= campaign.opens_at,
                Inspection.submitted_at < min(as_of, campaign.closes_at))
    patrols = select(Inspection.school_id, func.count().label("patrols")) \
        .join(Point, Point.id == Inspection.point_id).where(held).group_by(Inspection.school_id).subquery()
    return select(School.id.label("school_id"), water.c.water_bodies, water.c.water_bodies_on_time,
                  patrols.c.patrols) \
        .outerjoin(water, water.c.school_id == School.id).outerjoin(patrols, patrols.c.school_id == School.id) \
        .where((water.c.school_id.is_not(None)) | (patrols.c.school_id.is_not(None))).subquery()


def _lag(_campaign, as_of):
    water = _water(as_of)
    return select(water.c.school_id, water.c.water_bodies.label("due"), water.c.water_bodies_on_time.label("done"),
                  water.c.water_bodies.label("total")).subquery()


register(KindSpec(
    name=NAME, units=(TaskUnit.water_body,), requirement_fields=("season_frequency",),
    recorded_elsewhere=lambda: _("Water patrols are recorded as inspections of the water-body points."),
    figures=Figures(per_school=_per_school, counts=("water_bodies", "water_bodies_on_time", "patrols"),
                    rates={"patrol_rate": ("water_bodies_on_time", "water_bodies")}, lag=_lag),
    summary_columns=(Column("水域数", 8, lambda s: s["water_bodies"]),
                     Column("按时巡查水域", 12, lambda s: s["water_bodies_on_time"]),
                     Column("巡查次数", 9, lambda s: s["patrols"])),
))
