"""Scheduler job of the incident logs (see safety/scheduler): late investigations escalate to the district."""
from __future__ import annotations

from datetime import datetime

from ...scheduler.registry import job
from .log import escalate_late_investigations


@job("incident_clock", "interval", "Escalate incident investigations past their deadline to the district office",
     minutes=60)
def incident_clock(as_of: datetime) -> int:
    return escalate_late_investigations(as_of)
