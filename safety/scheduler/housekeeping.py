"""Small jobs that keep tables from growing without bound."""
from datetime import datetime, timedelta

from flask import current_app

from ..core import ratelimit
from .registry import job


@job("purge_rate_limits", "interval", "Forget rate-limit hits no limit still sees (a day, or "
     "longer when login failures are remembered longer)", hours=1)
def purge_rate_limits(as_of: datetime) -> int:
    return ratelimit.purge_older_than(max(timedelta(days=1), current_app.config["LOGIN_FAILURE_MEMORY"]))
