"""Small jobs that keep tables from growing without bound."""
from datetime import datetime, timedelta

from ..core import ratelimit
from .registry import job


@job("purge_rate_limits", "interval", "Forget rate-limit hits older than a day", hours=1)
def purge_rate_limits(as_of: datetime) -> int:
    return ratelimit.purge_older_than(timedelta(days=1))
