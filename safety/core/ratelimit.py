"""Rate limits kept in the database, so every web worker and node sees the same counts with no extra server.

Hits are written and committed apart from the request (`_apart`), before the work they limit: a request that
fails afterwards (a photo that does not decode, a receipt refused) still counts, and so do refused requests.
Two shapes: `take` (at most `limit` requests per window) and `Lockout` (failures lock a key for a time that
doubles with each further failure, as the OWASP Authentication Cheat Sheet's "exponential lockout").
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Connection, Index, String, delete, event, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

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


def token_key(prefix: str, token: str) -> str:
    """A key for something the client names (a QR or receipt token, known or not), short whatever was sent."""
    return f"{prefix}:{hashlib.sha256(token.encode(errors='replace')).hexdigest()[:32]}"


def _refuse(retry: timedelta) -> RateLimited:
    seconds = max(1, int(retry.total_seconds() + 0.999))
    return RateLimited(_("Too many attempts; try again in %(minutes)s minutes.", minutes=-(-seconds // 60)),
                       headers={"Retry-After": str(seconds)})


# --- requests per window ----------------------------------------------------------------------------------

def take(bucket: str, keys: list[str], limit: int, window: timedelta) -> None:
    """Count this request against every key, then refuse it (429 with Retry-After) when a key has more than
    `limit` requests inside the window. Refused requests count too: a client that keeps knocking stays out until
    it pauses for a window."""
    moment = now()
    since = moment - window
    with _apart() as conn:
        conn.execute(insert(RateLimitHit), [{"bucket": bucket, "key": k, "at": moment} for k in keys])
        counts = conn.execute(select(RateLimitHit.key, func.count())
                              .where(RateLimitHit.bucket == bucket, RateLimitHit.key.in_(keys),
                                     RateLimitHit.at > since).group_by(RateLimitHit.key)).all()
        over = [(key, count) for key, count in counts if count > limit]
        # Allowed again once all but limit - 1 of the hits have left the window.
        frees_at = [conn.scalar(select(RateLimitHit.at).where(RateLimitHit.bucket == bucket, RateLimitHit.key == key,
                                                              RateLimitHit.at > since)
                                .order_by(RateLimitHit.at).offset(count - limit).limit(1)) for key, count in over]
    if frees_at:
        raise _refuse(max(frees_at) + window - moment)


# --- failures that lock -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lockout:
    """`threshold` failures of a key inside `window` lock it for `first_lock` after the last one; every further
    failure doubles the lock, up to `window` (which is also how long failures are remembered)."""
    threshold: int
    first_lock: timedelta
    window: timedelta

    def locked_until(self, failures: int, last: datetime | None) -> datetime | None:
        if last is None or failures < self.threshold:
            return None
        return last + min(self.first_lock * 2 ** min(failures - self.threshold, 32), self.window)


def refuse_if_locked(bucket: str, rules: dict[str, Lockout]) -> None:
    """429 (with Retry-After) while any key is locked by its rule."""
    moment, until = now(), []
    for key, rule in rules.items():
        failures, last = db.session.execute(
            select(func.count(), func.max(RateLimitHit.at))
            .where(RateLimitHit.bucket == bucket, RateLimitHit.key == key, RateLimitHit.at > moment - rule.window)
        ).one()
        if (locked := rule.locked_until(failures, last)) is not None and locked > moment:
            until.append(locked)
    if until:
        raise _refuse(max(until) - moment)


def record(bucket: str, keys: list[str]) -> list[int]:
    """Record one attempt (a failure until withdrawn) for each key, committed at once; returns the rows' ids."""
    with _apart() as conn:
        return list(conn.scalars(insert(RateLimitHit).returning(RateLimitHit.id),
                                 [{"bucket": bucket, "key": k, "at": now()} for k in keys]))


def withdraw(ids: list[int]) -> None:
    """The attempts turned out well: forget them (with the request's own commit)."""
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.id.in_(ids)))


def clear(bucket: str, keys: list[str]) -> None:
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.bucket == bucket, RateLimitHit.key.in_(keys)))


def purge_older_than(window: timedelta) -> int:
    """Housekeeping for the scheduler: forget hits no window can still see."""
    return db.session.execute(delete(RateLimitHit).where(RateLimitHit.at < now() - window)).rowcount


# --- writing apart from the request ------------------------------------------------------------------------

@contextmanager
def _apart() -> Iterator[Connection]:
    """A connection and transaction of its own, committed on leaving whatever becomes of the request's."""
    _end_sqlite_read()
    with db.engine.begin() as conn:
        yield conn


def _end_sqlite_read() -> None:
    """SQLite has one writer, and a writing request holds the lock from its first statement (BEGIN IMMEDIATE,
    core/sqlite.py): a second connection would wait on it for ever. So hits are taken before a request writes
    anything, and the request's read-only transaction so far is ended first (it reloads what it reads next)."""
    session = db.session()
    if db.engine.dialect.name != "sqlite" or not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted or session.info.get("wrote"):
        raise RuntimeError("rate-limit hits are taken before the request writes anything")
    session.commit()


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, _context) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("wrote", None)
