"""When monthly returns are due (defaults.toml; `app.config["RETURN_RULES"]` replaces top-level keys) and the local
bounds of a month."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import case, literal, select

from ..core.datafiles import shipped_defaults
from ..core.types import UTCDateTime
from ..errors import NotFound
from ..extensions import db
from ..schools.models import Region

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")
MONTH = re.compile(r"(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])")  # the years every date input allows


def default_rules() -> dict:
    return shipped_defaults(DEFAULTS_FILE)


@dataclass(frozen=True)
class Rules:
    timezone: ZoneInfo
    due_day: int
    due_day_by_region: dict[str, int]
    backfill_months: int


def load_rules(overrides: dict | None = None) -> Rules:
    defaults = default_rules()
    raw = {**defaults, **(overrides or {})}
    if unknown := set(raw) - set(defaults):
        raise ValueError(f"unknown RETURN_RULES keys: {sorted(unknown)}")
    days = {str(k): int(v) for k, v in raw["due"].get("regions", {}).items()}
    if any(not 1 <= d <= 28 for d in [int(raw["due"]["day"]), *days.values()]):
        raise ValueError("RETURN_RULES due days lie in 1–28 (every month has them)")
    return Rules(ZoneInfo(raw["timezone"]), int(raw["due"]["day"]), days, int(raw["backfill_months"]))


def current_rules() -> Rules:
    from flask import current_app
    config = current_app.config
    return load_rules({"timezone": config.get("BABEL_DEFAULT_TIMEZONE") or default_rules()["timezone"],
                       **(config.get("RETURN_RULES") or {})})


def parse_month(text: str) -> tuple[int, int]:
    """"2026-10" → (2026, 10); anything else names no return (404)."""
    if not (match := MONTH.fullmatch(text or "")):
        raise NotFound()
    return int(match[1]), int(match[2])


def following(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _local(rules: Rules, day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=rules.timezone).astimezone(UTC)


def bounds(rules: Rules, month: str) -> tuple[datetime, datetime]:
    """UTC start and exclusive end of a local calendar month."""
    year, number = parse_month(month)
    return _local(rules, date(year, number, 1)), _local(rules, date(*following(year, number), 1))


def month_of(rules: Rules, moment: datetime) -> str:
    return f"{moment.astimezone(rules.timezone):%Y-%m}"


def due_at(rules: Rules, month: str):
    """SQL (over Region, the school's region): the end of the due day in the month after `month`, the day set by
    the nearest region up the school's tree, else the default."""
    year, number = following(*parse_month(month))

    def moment(day: int):
        return literal(_local(rules, date(year, number, day) + timedelta(days=1)), UTCDateTime)  # its end

    paths = dict(db.session.execute(select(Region.code, Region.path)
                                    .where(Region.code.in_(rules.due_day_by_region))).all())
    whens = [(Region.path.startswith(path, autoescape=True), moment(rules.due_day_by_region[code]))
             for code, path in sorted(paths.items(), key=lambda item: -len(item[1]))]
    return case(*whens, else_=moment(rules.due_day)) if whens else moment(rules.due_day)
