"""Local days, seasons and terms, and which schools follow which definition and which school calendar.

A school follows the nearest definition of a campaign code up its region tree (a district's own definition
replaces the city's or the shipped one), and the nearest region up its tree with calendar periods (the drills
package's rule, `safety.drills.services.nearest_calendar_region`, which answers it for one region; here the same
rule is expressed as SQL sub-selects so jobs stay set-based).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select

from ..drills.models import CalendarKind, CalendarPeriod
from ..drills.rules import term_key
from ..drills.services import nearest_calendar_region
from ..extensions import db
from ..schools.models import Region, School
from .models import Cadence, CampaignDefinition

# --- local days -----------------------------------------------------------------------------------------


def timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def day_start(day: date) -> datetime:
    """The UTC moment a local day begins."""
    return datetime.combine(day, time(), tzinfo=timezone()).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(timezone()).date()


# --- seasons and terms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    starts_on: date
    ends_on: date  # inclusive
    name_zh: str
    name_en: str


def _month_day(year: int, text: str) -> date:
    month, day = (int(part) for part in text.split("-"))
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def season_around(definition: CampaignDefinition, today: date) -> Period | None:
    """The season of the definition that contains `today`, if any (a season ending before it starts wraps)."""
    for year in (today.year - 1, today.year):
        start = _month_day(year, definition.season_start)
        end = _month_day(year, definition.season_end)
        if end < start:
            end = _month_day(year + 1, definition.season_end)
        if start <= today <= end:
            return Period(str(year), start, end, f"{year}年{definition.name_zh}",
                          f"{definition.name_en or definition.name_zh} {year}")
    return None


def terms_around(region: Region, today: date) -> list[Period]:
    """Terms of the calendar `region` follows that contain `today` (normally one)."""
    calendar_region = nearest_calendar_region(region)
    if calendar_region is None:
        return []
    terms = db.session.scalars(select(CalendarPeriod).where(
        CalendarPeriod.region_id == calendar_region.id, CalendarPeriod.kind == CalendarKind.term,
        CalendarPeriod.starts_on <= today, CalendarPeriod.ends_on >= today)).all()
    return [Period(term_key(t.starts_on), t.starts_on, t.ends_on, t.name_zh, t.name_en or t.name_zh) for t in terms]


def periods_around(definition: CampaignDefinition, region: Region, today: date) -> list[Period]:
    if definition.cadence == Cadence.season:
        season = season_around(definition, today)
        return [season] if season else []
    return terms_around(region, today)


# --- who follows what -----------------------------------------------------------------------------------


def _below(path: str, excluded: list[str]) -> Select:
    """Active schools at or below `path`, but not at or below any of `excluded`."""
    return select(School.id).join(Region, Region.id == School.region_id).where(
        Region.path.startswith(path, autoescape=True), School.active.is_(True),
        *(~Region.path.startswith(p, autoescape=True) for p in excluded))


def anchors(definition: CampaignDefinition) -> list[Region]:
    """Where runs of a definition are anchored: its region, or (shipped) each root region without its own."""
    if definition.region_id is not None:
        return [definition.region]
    own = select(CampaignDefinition.region_id).where(CampaignDefinition.code == definition.code,
                                                     CampaignDefinition.region_id.is_not(None))
    return list(db.session.scalars(select(Region).where(Region.parent_id.is_(None), Region.id.not_in(own))
                                   .order_by(Region.path)))


def schools_following(definition: CampaignDefinition, anchor: Region) -> Select:
    """Ids of active schools at or below `anchor` for which this definition is the one in force (of its school
    types, when it names any)."""
    deeper = db.session.scalars(
        select(Region.path).join(CampaignDefinition, CampaignDefinition.region_id == Region.id)
        .where(CampaignDefinition.code == definition.code, Region.id != anchor.id,
               Region.path.startswith(anchor.path, autoescape=True))).all()
    following = _below(anchor.path, list(deeper))
    return following.where(School.type.in_(definition.school_types)) if definition.school_types else following


@dataclass(frozen=True)
class CalendarGroup:
    region: Region | None     # None: schools under no calendar at all
    holidays: list[CalendarPeriod]
    schools: Select           # ids of the schools following this calendar


def calendar_groups() -> list[CalendarGroup]:
    """Every school calendar with the holidays it holds and the schools following it, plus the schools with none."""
    periods = db.session.scalars(select(CalendarPeriod).order_by(CalendarPeriod.starts_on)).all()
    by_region: dict[int, list[CalendarPeriod]] = {}
    for period in periods:
        by_region.setdefault(period.region_id, []).append(period)
    regions = db.session.scalars(select(Region).where(Region.id.in_(by_region)).order_by(Region.path)).all()
    groups = []
    for region in regions:
        deeper = [r.path for r in regions if r.id != region.id and r.path.startswith(region.path)]
        groups.append(CalendarGroup(region, [p for p in by_region[region.id] if p.kind == CalendarKind.holiday],
                                    _below(region.path, deeper)))
    roots = [r.path for r in regions if not any(o.id != r.id and r.path.startswith(o.path) for o in regions)]
    groups.append(CalendarGroup(None, [], _below("/", roots)))
    return groups


def in_holiday(holidays: list[CalendarPeriod], day: date) -> bool:
    return any(h.starts_on <= day <= h.ends_on for h in holidays)


def holidays_for_reminders(holidays: list[CalendarPeriod], starts_on: date, ends_on: date) -> list[CalendarPeriod]:
    """Holidays starting after the campaign opens and no later than it ends: each needs a reminder before it."""
    return [h for h in holidays if starts_on < h.starts_on <= ends_on]


def closing_moment(ends_on: date) -> datetime:
    return day_start(ends_on + timedelta(days=1))
