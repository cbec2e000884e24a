"""The service's one clock. Tests and `safety jobs run --at` freeze it; everything else calls `now()`."""
from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

# A context variable, not a global: scheduler jobs run in threads, each frozen at its own moment.
_frozen: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)


def now() -> datetime:
    """Aware UTC now; honours a frozen time (tests, jobs) or SAFETY_FROZEN_NOW (a test server process)."""
    if (frozen_at := _frozen.get()) is not None:
        return frozen_at
    if env := os.environ.get("SAFETY_FROZEN_NOW"):
        return parse_aware(env)
    return datetime.now(UTC)


def parse_aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@contextmanager
def frozen(at: datetime):
    """Run a block as if the time were `at` (aware)."""
    token = _frozen.set(at.astimezone(UTC))
    try:
        yield _frozen.get()
    finally:
        _frozen.reset(token)
