"""The service's one clock. Tests and `safety jobs run --at` freeze it; everything else calls `now()`."""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """Aware UTC now; honours a frozen time (tests) or SAFETY_FROZEN_NOW (a test server process)."""
    if _frozen is not None:
        return _frozen
    if env := os.environ.get("SAFETY_FROZEN_NOW"):
        return parse_aware(env)
    return datetime.now(UTC)


def parse_aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@contextmanager
def frozen(at: datetime):
    """Run a block as if the time were `at` (aware)."""
    global _frozen
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous
