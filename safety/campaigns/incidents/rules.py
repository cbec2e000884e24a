"""The rules of each campaign's incident log (rules.toml): its clock, its handling flags, its committee."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...schools.models import Region, School
from ..periods import timezone

RULES_FILE = Path(__file__).resolve().parent / "rules.toml"
NUMBERS = ("investigation_days", "appeal_working_days", "review_days")


@dataclass(frozen=True)
class LogRules:
    investigation_days: int
    appeal_working_days: int
    review_days: int
    measures: tuple[str, ...]
    committee: dict


@cache
def _all() -> dict:
    with RULES_FILE.open("rb") as file:
        return tomllib.load(file)


def log_rules(code: str, school: School) -> LogRules | None:
    """The rules of a campaign code's log for one school: the shipped ones, with its nearest region's numbers."""
    shipped = _all().get(code)
    if shipped is None:
        return None
    numbers = {name: shipped[name] for name in NUMBERS}
    overrides = shipped.get("regions", {})
    if overrides:
        path = db.session.scalar(select(Region.path).where(Region.id == school.region_id)) or ""
        ids = [int(part) for part in path.strip("/").split("/") if part]
        codes = dict(db.session.execute(select(Region.id, Region.code).where(Region.id.in_(ids))).all())
        for region_id in ids:  # from the top down: the nearest region is applied last
            numbers.update(overrides.get(codes.get(region_id), {}))
    return LogRules(**numbers, measures=tuple(shipped["measures"]), committee=shipped.get("committee", {}))


def add_working_days(moment: datetime, days: int) -> datetime:
    """`days` working days (Monday–Friday, local) after `moment`, at the same local time of day."""
    local = moment.astimezone(timezone())
    while days > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local.astimezone(UTC)
