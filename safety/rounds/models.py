from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import Region, School


class RoundStatus(enum.StrEnum):
    open = "open"        # its window is running (or, for a launched check, it may still be finished late)
    done = "done"        # every point it covers was inspected inside its window
    missed = "missed"    # the window closed first (a launched check's: late, until finished)


class Check(db.Model):
    """A check an office launched for every school of its region (开学前, 节假日前, 专项): each school's part of it
    is a round of the check's kind, so completion and lateness work as for every other round."""

    __tablename__ = "checks"
    __table_args__ = (CheckConstraint("starts_at < deadline", name="window_not_empty"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(String(300), default="")  # comma-separated; empty: every point
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    launched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    region: Mapped[Region] = relationship()


class Round(db.Model):
    """One school's round of one kind for one window (a day, a night, a school week or month, or a launched check).

    The unique (school, kind, period) makes creation idempotent however often the scheduler runs. The points it
    covers are the school's points in `categories` (empty: all) not retired before its window, read when needed,
    so a point added today joins today's round; `points_total` and `points_done` freeze the figures when the
    round is closed.
    """

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("school_id", "kind", "period_key"),
        Index("ix_rounds_status_window_end", "status", "window_end"),
        Index("ix_rounds_school_window", "school_id", "window_start"),
        Index("ix_rounds_responsible_window", "responsible_id", "window_start"),
        CheckConstraint("window_start < window_end", name="window_not_empty"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[str] = mapped_column(String(32))
    period_key: Mapped[str] = mapped_column(String(32))       # 2026-09-03, 2026-W36, 2026-09, check-12
    check_id: Mapped[int | None] = mapped_column(ForeignKey("checks.id"), index=True)
    categories: Mapped[str] = mapped_column(String(300), default="")
    # Inspections after the window still count (a launched check finished late); from the kind's entry.
    completes_late: Mapped[bool] = mapped_column(Boolean, default=False)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)  # exclusive
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus), default=RoundStatus.open)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    points_total: Mapped[int | None] = mapped_column(Integer)
    points_done: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when this miss made the school's misses of the kind repeated: it is then in the district's queue.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    school: Mapped[School] = relationship()
    responsible: Mapped[User | None] = relationship()
    check: Mapped[Check | None] = relationship()

    @property
    def late(self) -> bool:
        return self.done_at is not None and self.done_at >= self.window_end


class RoundDuty(db.Model):
    """The person a school names for a kind of round (the daily patrol's person on duty, the fire patrol's)."""

    __tablename__ = "round_duties"
    __table_args__ = (UniqueConstraint("school_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
