"""Keeping the dashboards' coverage figures fresh."""
from __future__ import annotations

from datetime import datetime

from ..scheduler.registry import job
from .coverage import ROLLING_DAYS, refresh_rollup


@job("roll_up_coverage", "interval", f"Count each school's inspection coverage of the last {ROLLING_DAYS} days "
     "for the dashboards", minutes=10)
def roll_up_coverage(as_of: datetime) -> int:
    return refresh_rollup(as_of)
