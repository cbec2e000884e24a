"""The drill compliance calendar as data (defaults.toml, each default with its source) and pure functions from a
school calendar to due windows.

`app.config["DRILL_RULES"]` replaces any top-level key of defaults.toml. Nothing here touches the database:
given a calendar (terms and holidays) and a day, the functions list the windows that are due; `jobs.py` turns
them into rows set-based, building its conditions from the same `Rules`.
"""
from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..core.datafiles import shipped_defaults
from ..schools.models import SchoolType
from .models import CalendarKind, DrillKind, DrillPlace, DrillTime

EVACUATION, BUS, NIGHT = "evacuation", "bus", "night"
REQUIREMENTS = (EVACUATION, BUS, NIGHT)
CADENCES = ("semimonthly", "monthly", "quarterly", "none")
DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


def default_rules() -> dict:
    return shipped_defaults(DEFAULTS_FILE)


@dataclass(frozen=True)
class Phase:
    key: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class KindSpec:
    """One drill kind: its names and the phases its record notes (G2025's for earthquakes)."""
    kind: DrillKind
    name_zh: str
    name_en: str
    phases: tuple[Phase, ...]
    source: str


@dataclass(frozen=True)
class Seasonal:
    kind: DrillKind
    months: frozenset[int]
    regions: tuple[str, ...]


@dataclass(frozen=True)
class TermRule:
    """A drill owed once per term by the schools of some types, boarding ones, or those running a bus."""
    requirement: str
    per_term: bool
    kind: DrillKind
    types: frozenset[SchoolType] = frozenset()
    boarding: bool = False
    school_bus: bool = False
    times: frozenset[DrillTime] = frozenset()     # when a report counts for it (empty: any time)
    places: frozenset[DrillPlace] = frozenset()   # where (empty: anywhere)


@dataclass(frozen=True)
class Rules:
    cadence: dict[SchoolType, str]
    bus: TermRule
    night: TermRule
    rotation: tuple[DrillKind, ...]
    seasonal: tuple[Seasonal, ...]
    kinds: dict[DrillKind, KindSpec]
    slow_evacuation: tuple[tuple[int, int], ...]
    taller_seconds: dict[str, int]   # region code → seconds, for buildings above every slow_evacuation entry
    reminder_days: int
    timezone: ZoneInfo
    backfill_days: int

    def term_rules(self) -> tuple[TermRule, ...]:
        return tuple(rule for rule in (self.bus, self.night) if rule.per_term)


def _term_rule(requirement: str, raw: dict) -> TermRule:
    return TermRule(requirement, bool(raw["per_term"]), DrillKind(raw["kind"]),
                    frozenset(SchoolType(t) for t in raw.get("types", ())), bool(raw.get("boarding", False)),
                    bool(raw.get("school_bus", False)),
                    frozenset(DrillTime(t) for t in raw.get("times", ())),
                    frozenset(DrillPlace(p) for p in raw.get("places", ())))


def _kind_spec(key: str, raw: dict) -> KindSpec:
    phases = tuple(Phase(p["key"], p["name_zh"], p["name_en"]) for p in raw.get("phases", ()))
    return KindSpec(DrillKind(key), raw["name_zh"], raw["name_en"], phases, raw.get("source", ""))


def load_rules(overrides: dict | None = None) -> Rules:
    """Defaults with `overrides` (top-level keys) applied, checked: a typo fails loudly, not silently."""
    defaults = default_rules()
    raw = {**defaults, **(overrides or {})}
    unknown = set(raw) - set(defaults)
    if unknown:
        raise ValueError(f"unknown DRILL_RULES keys: {sorted(unknown)}")
    cadences = raw["cadence"]
    cadence = {t: cadences.get(t.value, cadences["default"]) for t in SchoolType}
    for value in cadence.values():
        if value not in CADENCES:
            raise ValueError(f"unknown drill cadence {value!r}; one of {CADENCES}")
    rotation = tuple(DrillKind(k) for k in raw["rotation"]["kinds"])
    if not rotation:
        raise ValueError("DRILL_RULES rotation needs at least one kind")
    kinds = {spec.kind: spec for spec in (_kind_spec(k, v) for k, v in {**defaults["kinds"], **raw["kinds"]}.items())}
    if missing := set(DrillKind) - set(kinds):
        raise ValueError(f"DRILL_RULES kinds lack {sorted(missing)}")
    seasonal = tuple(Seasonal(DrillKind(s["kind"]), frozenset(s["months"]), tuple(s.get("regions") or ()))
                     for s in raw["seasonal"])
    return Rules(cadence=cadence, bus=_term_rule(BUS, raw["bus"]), night=_term_rule(NIGHT, raw["night"]),
                 rotation=rotation, seasonal=seasonal, kinds=kinds,
                 slow_evacuation=tuple(sorted((int(e["max_floors"]), int(e["seconds"]))
                                              for e in raw["slow_evacuation"])),
                 taller_seconds={str(k): int(v) for k, v in raw["taller_buildings"]["seconds"].items()},
                 reminder_days=int(raw["reminder_days"]), timezone=ZoneInfo(raw["timezone"]),
                 backfill_days=int(raw["backfill_days"]))


def current_rules() -> Rules:
    """The app's rules; local days are those of DISPLAY_TIMEZONE unless DRILL_RULES names a timezone."""
    from flask import current_app
    config = current_app.config
    return load_rules({"timezone": config.get("BABEL_DEFAULT_TIMEZONE") or default_rules()["timezone"],
                       **(config.get("DRILL_RULES") or {})})


# --- thresholds -------------------------------------------------------------------------------------------

def slow_evacuation_threshold(rules: Rules, floors: int, region_codes: Sequence[str]) -> int | None:
    """Seconds beyond which evacuating a building of `floors` floors is slow (None: no rule applies).

    Up to the national height (4 floors) the national 2 minutes; above it the figure of the nearest region up
    the school's tree (`region_codes`, city first) that set one.
    """
    for max_floors, seconds in rules.slow_evacuation:
        if floors <= max_floors:
            return seconds
    return next((rules.taller_seconds[c] for c in reversed(region_codes) if c in rules.taller_seconds), None)


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

    def year_round(self) -> SchoolCalendar:
        """The calendar of a school open through the holidays (many kindergartens): one span, no breaks."""
        span = self.span()
        return SchoolCalendar([Period(CalendarKind.term, *span)] if span else [])


# --- windows ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    requirement: str
    period_key: str
    starts_on: date
    ends_on: date  # inclusive (local days)
    kind: DrillKind
    # Seasonal kinds that replace `kind` in the regions that opted in: (kind, region codes), first match wins.
    regional: tuple[tuple[DrillKind, tuple[str, ...]], ...] = ()


def kind_for(rules: Rules, ordinal: int, anchor_month: int | None) -> tuple[DrillKind, tuple]:
    """Rotation by period index, with the seasonal kinds of the period's month for the regions that opted in
    (anchor None: no season applies)."""
    regional = tuple((season.kind, season.regions) for season in rules.seasonal
                     if anchor_month is not None and anchor_month in season.months and season.regions)
    return rules.rotation[ordinal % len(rules.rotation)], regional


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


def term_windows(rule: TermRule, school_calendar: SchoolCalendar) -> list[Window]:
    """One window per term ("2026-autumn", "2027-spring"), cut to term time, for a once-a-term drill."""
    if not rule.per_term:
        return []
    windows, used = [], set()
    for term in school_calendar.terms:
        base = key = term_key(term.starts_on)
        n = 2
        while key in used:  # two terms of one season in a year (unusual): 2026-spring-2
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        if (cut := school_calendar.cut(term.starts_on, term.ends_on)) is not None:
            windows.append(Window(rule.requirement, key, cut[0], cut[1], rule.kind))
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
