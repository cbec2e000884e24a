"""Round kinds as data (defaults.toml, each default with its source) and the pure functions from a school calendar
to round windows.

`app.config["ROUND_RULES"]` replaces any top-level key of defaults.toml. Everything a kind does differently (its
cadence, who is responsible, what it covers, whether it is countersigned, whether it may finish late) is in its
one entry; nothing here touches the database.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..checklists.models import Category
from ..core.datafiles import shipped_defaults
from ..drills.rules import SchoolCalendar

CADENCES = ("daily", "nightly", "weekly", "monthly", "launched")
RESPONSIBLE = ("duty", "safety_officer", "principal")
DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


def default_rules() -> dict:
    return shipped_defaults(DEFAULTS_FILE)


@dataclass(frozen=True)
class RoundKind:
    key: str
    name_zh: str
    name_en: str
    cadence: str
    responsible: str
    categories: tuple[Category, ...]     # empty: every point of the school
    boarding_only: bool
    needs_countersignature: bool
    completes_late: bool
    window_days: int
    source: str

    @property
    def launched(self) -> bool:
        return self.cadence == "launched"

    @property
    def category_text(self) -> str:
        """As stored on a round: comma-separated, empty for every point."""
        return ",".join(self.categories)


@dataclass(frozen=True)
class Rules:
    kinds: dict[str, RoundKind]
    timezone: ZoneInfo
    backfill_days: int
    night_hours: tuple[int, int]
    repeat_misses: int
    repeat_misses_by_region: dict[str, int]
    lookback_days: int
    weekdays: frozenset[int]

    def scheduled(self) -> list[RoundKind]:
        return [kind for kind in self.kinds.values() if not kind.launched]

    def launched(self) -> list[RoundKind]:
        return [kind for kind in self.kinds.values() if kind.launched]


def _kind(key: str, raw: dict) -> RoundKind:
    kind = RoundKind(key, raw["name_zh"], raw["name_en"], raw["cadence"], raw["responsible"],
                     tuple(Category(c) for c in raw.get("categories", ())), bool(raw.get("boarding_only", False)),
                     bool(raw.get("needs_countersignature", False)), bool(raw.get("completes_late", False)),
                     int(raw.get("window_days", 7)), raw.get("source", ""))
    if kind.cadence not in CADENCES or kind.responsible not in RESPONSIBLE:
        raise ValueError(f"round kind {key}: cadence one of {CADENCES}, responsible one of {RESPONSIBLE}")
    return kind


def load_rules(overrides: dict | None = None) -> Rules:
    """Defaults with `overrides` (top-level keys) applied, checked: a typo fails loudly, not silently."""
    defaults = default_rules()
    raw = {**defaults, **(overrides or {})}
    if unknown := set(raw) - set(defaults):
        raise ValueError(f"unknown ROUND_RULES keys: {sorted(unknown)}")
    misses = raw["repeated_misses"]
    return Rules(kinds={key: _kind(key, value) for key, value in raw["kinds"].items()},
                 timezone=ZoneInfo(raw["timezone"]), backfill_days=int(raw["backfill_days"]),
                 night_hours=(int(raw["night_starts_hour"]), int(raw["night_ends_hour"])),
                 repeat_misses=int(misses["misses"]),
                 repeat_misses_by_region={str(k): int(v) for k, v in misses.get("regions", {}).items()},
                 lookback_days=int(misses["lookback_days"]), weekdays=frozenset(raw["school_weekdays"]))


def current_rules() -> Rules:
    """The app's rules; local days are those of DISPLAY_TIMEZONE unless ROUND_RULES names a timezone."""
    from flask import current_app
    config = current_app.config
    return load_rules({"timezone": config.get("BABEL_DEFAULT_TIMEZONE") or default_rules()["timezone"],
                       **(config.get("ROUND_RULES") or {})})


def kind_of(key: str) -> RoundKind | None:
    return current_rules().kinds.get(key)


# --- windows ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    period_key: str
    start: datetime   # UTC
    end: datetime     # UTC, exclusive


def local_day(rules: Rules, moment: datetime) -> date:
    return moment.astimezone(rules.timezone).date()


def local_moment(rules: Rules, day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=rules.timezone).astimezone(UTC)


def _days(first: date, last: date) -> Iterator[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def school_day(rules: Rules, calendar: SchoolCalendar, day: date) -> bool:
    """In term, not in a holiday, and a weekday the region's schools open (make-up days, 调休, are not modelled)."""
    return day.isoweekday() in rules.weekdays and calendar.is_school_day(day)


def _cut(calendar: SchoolCalendar, rules: Rules, key: str, first: date, last: date) -> Window | None:
    """The window from the first to the end of the last school day in [first, last], or None without one."""
    days = [day for day in _days(first, last) if school_day(rules, calendar, day)]
    if not days:
        return None
    return Window(key, local_moment(rules, days[0]), local_moment(rules, days[-1] + timedelta(days=1)))


def _periods(cadence: str, day: date) -> tuple[str, date, date]:
    """(key, first day, last day) of the week or month holding `day`."""
    if cadence == "weekly":
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return f"{day:%Y-%m}", first, following - timedelta(days=1)


def windows(rules: Rules, kind: RoundKind, calendar: SchoolCalendar, today: date) -> list[Window]:
    """The kind's windows that have opened by `today` and ended at most `backfill_days` before it."""
    oldest = today - timedelta(days=rules.backfill_days)
    result: dict[str, Window] = {}
    for day in _days(oldest, today):
        if kind.cadence in ("daily", "nightly"):
            if not school_day(rules, calendar, day):
                continue
            starts, ends = (0, 0) if kind.cadence == "daily" else rules.night_hours
            result[day.isoformat()] = Window(day.isoformat(), local_moment(rules, day, starts),
                                             local_moment(rules, day + timedelta(days=1), ends))
        elif kind.cadence in ("weekly", "monthly"):
            key, first, last = _periods(kind.cadence, day)
            if key not in result and (window := _cut(calendar, rules, key, first, last)) is not None:
                result[key] = window
    today_start = local_moment(rules, today + timedelta(days=1))
    return [w for w in result.values() if w.start < today_start]
