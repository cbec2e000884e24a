"""Keeping the dashboards' weekly hazard counts fresh."""
from __future__ import annotations

from datetime import datetime

from ..scheduler.registry import job
from .rollups import WEEKS, refresh_rollup


@job("roll_up_hazard_weeks", "interval", f"Count the hazards each school opened and closed in each of the last "
     f"{WEEKS} weeks, for the dashboards", minutes=10)
def roll_up_hazard_weeks(as_of: datetime) -> int:
    return refresh_rollup(as_of)
