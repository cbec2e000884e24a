from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import Region, School


class ReturnStatus(enum.StrEnum):
    pending = "pending"        # opened when the month ended; not submitted yet
    submitted = "submitted"


class _Figures:
    """The return's figures (safety/returns/figures.py), frozen when submitted or forwarded; columns so that a
    district's and a city's sums are plain SQL SUMs."""

    rounds_done: Mapped[int | None] = mapped_column(Integer)
    rounds_missed: Mapped[int | None] = mapped_column(Integer)
    inspections: Mapped[int | None] = mapped_column(Integer)
    hazards_found: Mapped[int | None] = mapped_column(Integer)
    hazards_closed_on_spot: Mapped[int | None] = mapped_column(Integer)
    hazards_rectified: Mapped[int | None] = mapped_column(Integer)
    hazards_open: Mapped[int | None] = mapped_column(Integer)
    hazards_overdue: Mapped[int | None] = mapped_column(Integer)
    drills_held: Mapped[int | None] = mapped_column(Integer)
    campaign_tasks_due: Mapped[int | None] = mapped_column(Integer)
    campaign_tasks_done: Mapped[int | None] = mapped_column(Integer)


class MonthlyReturn(_Figures, db.Model):
    """One school's safety return for one month (月报). Opened by the scheduler when the month ends, so "not
    submitted" is a row an office can see and chase; submitting is explicit, and a month with nothing found is
    submitted as a nil return (零报告), not left silent."""

    __tablename__ = "monthly_returns"
    __table_args__ = (
        UniqueConstraint("school_id", "month"),
        Index("ix_monthly_returns_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    month: Mapped[str] = mapped_column(String(7))   # 2026-10
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReturnStatus] = mapped_column(enum_column(ReturnStatus), default=ReturnStatus.pending)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    nil_return: Mapped[bool] = mapped_column(Boolean, default=False)
    remarks: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    school: Mapped[School] = relationship()


class DistrictReturn(_Figures, db.Model):
    """A district's aggregated return for one month, forwarded to the city: the sums of its schools' submitted
    returns at the moment of forwarding, with how many had submitted."""

    __tablename__ = "district_returns"
    __table_args__ = (UniqueConstraint("region_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    month: Mapped[str] = mapped_column(String(7))
    schools_total: Mapped[int] = mapped_column(Integer, default=0)
    schools_submitted: Mapped[int] = mapped_column(Integer, default=0)
    schools_late: Mapped[int] = mapped_column(Integer, default=0)
    schools_nil: Mapped[int] = mapped_column(Integer, default=0)
    remarks: Mapped[str] = mapped_column(Text, default="")
    forwarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region] = relationship()
