from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import Region, School


class CalendarKind(enum.StrEnum):
    term = "term"          # 学期
    holiday = "holiday"    # 寒暑假 and other breaks: no drill is due


class CalendarPeriod(db.Model):
    """One term or holiday of a region's school calendar. A school follows the nearest region up its tree that
    has periods, so a district's own calendar overrides the city's."""

    __tablename__ = "calendar_periods"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="period_not_reversed"),
        Index("ix_calendar_periods_region_starts", "region_id", "starts_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    kind: Mapped[CalendarKind] = mapped_column(enum_column(CalendarKind))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)        # inclusive
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    region: Mapped[Region] = relationship()


class DrillKind(enum.StrEnum):
    fire = "fire"
    earthquake = "earthquake"
    intruder = "intruder"              # 防暴恐 / lockdown
    flood = "flood"
    typhoon = "typhoon"
    bus_evacuation = "bus_evacuation"


class DrillStatus(enum.StrEnum):
    assigned = "assigned"    # created by the calendar job; due inside its window
    reported = "reported"
    overdue = "overdue"      # the window closed without a report; may still be reported (flagged late)


REPORTABLE = (DrillStatus.assigned, DrillStatus.overdue)


class Drill(db.Model):
    """One required drill of one school for one period of the compliance calendar.

    The unique (school, requirement, period) makes assignment idempotent: however often or however many
    schedulers run the job, a school has one drill per requirement and period.
    """

    __tablename__ = "drills"
    __table_args__ = (
        UniqueConstraint("school_id", "requirement", "period_key"),
        Index("ix_drills_status_window_end", "status", "window_end"),
        CheckConstraint("requirement IN ('evacuation', 'bus')", name="requirement_known"),
        CheckConstraint("window_start < window_end", name="window_not_empty"),
        CheckConstraint("participants >= 0", name="participants_not_negative"),
        CheckConstraint("evacuation_seconds >= 0", name="evacuation_seconds_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[DrillKind] = mapped_column(enum_column(DrillKind))
    requirement: Mapped[str] = mapped_column(String(16))      # "evacuation" | "bus"
    period_key: Mapped[str] = mapped_column(String(16))       # 2026-11, 2026-11b, 2026-Q4, 2026-autumn
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)  # exclusive: local midnight after the last day
    status: Mapped[DrillStatus] = mapped_column(enum_column(DrillStatus), default=DrillStatus.assigned)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conducted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    participants: Mapped[int | None] = mapped_column(Integer)
    evacuation_seconds: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated: slow_evacuation,late_report
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    school: Mapped[School] = relationship()
    reported_by: Mapped[User | None] = relationship()

    @property
    def flag_list(self) -> list[str]:
        return [f for f in (self.flags or "").split(",") if f]

    @property
    def held_on_time(self) -> bool:
        return (self.status == DrillStatus.reported and self.conducted_at is not None
                and self.window_start <= self.conducted_at < self.window_end)
