"""Rate limits kept in the database, so every web worker and node sees the same counts with no extra server."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ..errors import RateLimited
from ..extensions import db
from .clock import now
from .types import UTCDateTime


class RateLimitHit(db.Model):
    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_bucket_key_at", "bucket", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


def check(bucket: str, keys: list[str], limit: int, window: timedelta) -> None:
    """Raise 429 (with Retry-After) when any key has `limit` hits inside the window."""
    since = now() - window
    oldest = db.session.execute(
        select(RateLimitHit.key, func.count(), func.min(RateLimitHit.at))
        .where(RateLimitHit.bucket == bucket, RateLimitHit.key.in_(keys), RateLimitHit.at > since)
        .group_by(RateLimitHit.key)
    ).all()
    for _key, count, first in oldest:
        if count >= limit:
            retry = max(1, int((first + window - now()).total_seconds()))
            raise RateLimited(_("Too many attempts; try again in %(minutes)s minutes.", minutes=-(-retry // 60)),
                              headers={"Retry-After": str(retry)})


def hit(bucket: str, keys: list[str]) -> None:
    db.session.add_all(RateLimitHit(bucket=bucket, key=k) for k in keys)


def clear(bucket: str, keys: list[str]) -> None:
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.bucket == bucket, RateLimitHit.key.in_(keys)))


def purge_older_than(window: timedelta) -> int:
    """Housekeeping for the scheduler: forget hits no window can still see."""
    return db.session.execute(delete(RateLimitHit).where(RateLimitHit.at < now() - window)).rowcount
