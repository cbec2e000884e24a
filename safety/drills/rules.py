"""The drill compliance calendar as data, and pure functions from a school calendar to due windows.

The defaults follow the usual rules: primary and secondary schools drill at least monthly, kindergartens at least
quarterly, boarding and special-education schools twice a month, and schools with a bus hold a bus-evacuation
drill every term. `app.config["DRILL_RULES"]` replaces any top-level key of `DEFAULT_RULES`.

Nothing here touches the database: given a calendar (terms and holidays) and a day, the functions list the
windows that are due; `jobs.py` turns them into rows set-based.
"""
from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..schools.models import SchoolType
from .models import CalendarKind, DrillKind

EVACUATION, BUS = "evacuation", "bus"
CADENCES = ("semimonthly", "monthly", "quarterly", "none")

DEFAULT_RULES: dict = {
    # School type → cadence of the evacuation drill; types not listed use `default_cadence`.
    "cadence": {SchoolType.kindergarten.value: "quarterly"},
    "default_cadence": "monthly",
    # Boarding schools and these types drill more often (one window per half month by default).
    "intensive_cadence": "semimonthly",
    "intensive_types": [SchoolType.special_education.value],
    "intensive_when_boarding": True,
    # One bus-evacuation drill per term for schools with a school bus.
    "bus_drill_per_term": True,
    # Kinds rotate with the period (by month, half month or quarter index) …
    "rotation": [DrillKind.fire.value, DrillKind.earthquake.value, DrillKind.intruder.value],
    # … except in seasonal months. The first matching entry wins. `regions`: None = everywhere, a list of
    # region codes = those regions and everything below them (empty: nowhere until a region enables it).
    "seasonal": [
        {"kind": DrillKind.typhoon.value, "months": [7, 8, 9], "regions": []},
        {"kind": DrillKind.flood.value, "months": [5, 6], "regions": None},
    ],
    "reminder_days": 3,
    # [max building floors, seconds]: an evacuation slower than this is flagged (no entry: never flagged).
    "slow_evacuation": [[4, 120]],
    "timezone": "Asia/Shanghai",
    # Windows that ended longer ago than this are not created any more (keeps each run's work bounded).
    "backfill_days": 400,
}


@dataclass(frozen=True)
class Seasonal:
    kind: DrillKind
    months: frozenset[int]
    regions: tuple[str, ...] | None


@dataclass(frozen=True)
class Rules:
    cadence: dict[SchoolType, str]
    intensive_cadence: str
    intensive_types: frozenset[SchoolType]
    intensive_when_boarding: bool
    bus_drill_per_term: bool
    rotation: tuple[DrillKind, ...]
    seasonal: tuple[Seasonal, ...]
    reminder_days: int
    slow_evacuation: tuple[tuple[int, int], ...]
    timezone: ZoneInfo
    backfill_days: int


def load_rules(overrides: dict | None = None) -> Rules:
    """Defaults with `overrides` (top-level keys) applied, checked: a typo fails loudly, not silently."""
    raw = {**DEFAULT_RULES, **(overrides or {})}
    unknown = set(raw) - set(DEFAULT_RULES)
    if unknown:
        raise ValueError(f"unknown DRILL_RULES keys: {sorted(unknown)}")
    cadence = {t: raw["cadence"].get(t.value, raw["default_cadence"]) for t in SchoolType}
    for value in [*cadence.values(), raw["intensive_cadence"]]:
        if value not in CADENCES:
            raise ValueError(f"unknown drill cadence {value!r}; one of {CADENCES}")
    rotation = tuple(DrillKind(k) for k in raw["rotation"])
    if not rotation:
        raise ValueError("DRILL_RULES rotation needs at least one kind")
    seasonal = tuple(Seasonal(DrillKind(s["kind"]), frozenset(s["months"]),
                              None if s.get("regions") is None else tuple(s["regions"])) for s in raw["seasonal"])
    return Rules(cadence=cadence, intensive_cadence=raw["intensive_cadence"],
                 intensive_types=frozenset(SchoolType(t) for t in raw["intensive_types"]),
                 intensive_when_boarding=bool(raw["intensive_when_boarding"]),
                 bus_drill_per_term=bool(raw["bus_drill_per_term"]), rotation=rotation, seasonal=seasonal,
                 reminder_days=int(raw["reminder_days"]),
                 slow_evacuation=tuple(sorted((int(f), int(s)) for f, s in raw["slow_evacuation"])),
                 timezone=ZoneInfo(raw["timezone"]), backfill_days=int(raw["backfill_days"]))


def current_rules() -> Rules:
    """The app's rules; local days are those of DISPLAY_TIMEZONE unless DRILL_RULES names a timezone."""
    from flask import current_app
    config = current_app.config
    return load_rules({"timezone": config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_RULES["timezone"],
                       **(config.get("DRILL_RULES") or {})})


# --- who drills how often ---------------------------------------------------------------------------------

def cadence_for(rules: Rules, school_type: SchoolType, boarding: bool) -> str:
    if school_type in rules.intensive_types or (boarding and rules.intensive_when_boarding):
        return rules.intensive_cadence
    return rules.cadence[school_type]


def slow_evacuation_threshold(rules: Rules, floors: int) -> int | None:
    """Seconds beyond which an evacuation of a school with buildings of `floors` floors is slow (None: no rule)."""
    for max_floors, seconds in rules.slow_evacuation:
        if floors <= max_floors:
            return seconds
    return None


# --- the school calendar ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    kind: CalendarKind
    starts_on: date
    ends_on: date  # inclusive


class SchoolCalendar:
    """Term time: days inside a term and not inside a holiday."""

    def __init__(self, periods: Iterable[Period]):
        periods = list(periods)
        self.terms = sorted((p for p in periods if p.kind == CalendarKind.term), key=lambda p: p.starts_on)
        self.holidays = [p for p in periods if p.kind == CalendarKind.holiday]

    def is_school_day(self, day: date) -> bool:
        return (any(t.starts_on <= day <= t.ends_on for t in self.terms)
                and not any(h.starts_on <= day <= h.ends_on for h in self.holidays))

    def cut(self, start: date, end: date) -> tuple[date, date] | None:
        """The first and last school day in [start, end], or None when every day of it is out of term."""
        days = [start + timedelta(n) for n in range((end - start).days + 1)]
        school_days = [d for d in days if self.is_school_day(d)]
        return (school_days[0], school_days[-1]) if school_days else None

    def span(self) -> tuple[date, date] | None:
        if not self.terms:
            return None
        return self.terms[0].starts_on, max(t.ends_on for t in self.terms)


# --- windows ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    requirement: str
    period_key: str
    starts_on: date
    ends_on: date  # inclusive (local days)
    kind: DrillKind
    # Seasonal kinds that replace `kind` in some regions only: (kind, region codes), first match wins.
    regional: tuple[tuple[DrillKind, tuple[str, ...]], ...] = ()

    def kind_in(self, region_codes: Sequence[str]) -> DrillKind:
        """The kind for a school whose region and ancestors have these codes."""
        for kind, codes in self.regional:
            if set(codes) & set(region_codes):
                return kind
        return self.kind


def kind_for(rules: Rules, ordinal: int, anchor_month: int | None) -> tuple[DrillKind, tuple]:
    """Rotation by period index; seasonal kinds take over in their months (anchor None: no season applies)."""
    regional = []
    for season in rules.seasonal if anchor_month is not None else ():
        if anchor_month not in season.months:
            continue
        if season.regions is None:
            return season.kind, tuple(regional)
        if season.regions:
            regional.append((season.kind, season.regions))
    return rules.rotation[ordinal % len(rules.rotation)], tuple(regional)


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _nominal_periods(cadence: str, first: date, last: date):
    """(period_key, start, end, ordinal, anchor month or None) of every period touching [first, last]."""
    if cadence == "quarterly":
        for year, quarter in sorted({(y, (m - 1) // 3 + 1) for y, m in _months(first, last)}):
            end_month = 3 * quarter
            yield (f"{year}-Q{quarter}", date(year, end_month - 2, 1),
                   date(year, end_month, _calendar.monthrange(year, end_month)[1]), year * 4 + quarter - 1,
                   end_month - 1)
        return
    for year, month in _months(first, last):
        month_end = _calendar.monthrange(year, month)[1]
        index = year * 12 + month - 1
        if cadence == "monthly":
            yield f"{year}-{month:02d}", date(year, month, 1), date(year, month, month_end), index, month
        elif cadence == "semimonthly":  # a seasonal kind takes the first half; the second half rotates on
            yield f"{year}-{month:02d}", date(year, month, 1), date(year, month, 15), index * 2, month
            yield f"{year}-{month:02d}b", date(year, month, 16), date(year, month, month_end), index * 2 + 1, None


def evacuation_windows(rules: Rules, school_calendar: SchoolCalendar, cadence: str) -> list[Window]:
    """Every evacuation-drill window of the calendar for one cadence, cut to term time, in order.

    A period with no school day yields no window; otherwise the window runs from its first to its last
    school day (a short break inside it does not split it).
    """
    span = school_calendar.span()
    if span is None or cadence == "none":
        return []
    windows = []
    for key, start, end, ordinal, anchor in _nominal_periods(cadence, *span):
        if (cut := school_calendar.cut(start, end)) is None:
            continue
        kind, regional = kind_for(rules, ordinal, anchor)
        windows.append(Window(EVACUATION, key, cut[0], cut[1], kind, regional))
    return windows


def term_key(starts_on: date) -> str:
    """A term's key from its first day: "2026-autumn" (from July), "2027-spring"."""
    return f"{starts_on.year}-{'autumn' if starts_on.month >= 7 else 'spring'}"


def bus_windows(rules: Rules, school_calendar: SchoolCalendar) -> list[Window]:
    """One bus-evacuation window per term ("2026-autumn", "2027-spring"), cut to term time."""
    if not rules.bus_drill_per_term:
        return []
    windows, used = [], set()
    for term in school_calendar.terms:
        base = key = term_key(term.starts_on)
        n = 2
        while key in used:  # two terms of one season in a year (unusual): 2026-spring-2
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        if (cut := school_calendar.cut(term.starts_on, term.ends_on)) is not None:
            windows.append(Window(BUS, key, cut[0], cut[1], DrillKind.bus_evacuation))
    return windows


def due_windows(rules: Rules, windows: Sequence[Window], as_of: date) -> list[Window]:
    """Windows that have opened by `as_of`, plus the next one to open (so schools can plan ahead); windows
    that closed more than `backfill_days` ago are left alone."""
    oldest = as_of - timedelta(days=rules.backfill_days)
    ordered = sorted(windows, key=lambda w: w.starts_on)
    due = [w for w in ordered if w.starts_on <= as_of and w.ends_on >= oldest]
    upcoming = next((w for w in ordered if w.starts_on > as_of), None)
    return due + ([upcoming] if upcoming else [])


# --- local days and UTC moments ---------------------------------------------------------------------------

def window_bounds(rules: Rules, window: Window) -> tuple[datetime, datetime]:
    """UTC start (local midnight of the first day) and exclusive end (local midnight after the last day)."""
    return day_start(rules, window.starts_on), day_start(rules, window.ends_on + timedelta(days=1))


def day_start(rules: Rules, day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=rules.timezone).astimezone(UTC)


def local_day(rules: Rules, moment: datetime) -> date:
    return moment.astimezone(rules.timezone).date()
