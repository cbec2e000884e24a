from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
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
    stampede = "stampede"              # 防踩踏
    air_raid = "air_raid"              # 防空 (with the city's air-raid siren test)


class DrillMode(enum.StrEnum):
    announced = "announced"            # 预定式: times and routes told in advance
    surprise = "surprise"              # 突发式: unannounced


class DrillTime(enum.StrEnum):
    """When in the school day the drill was held (the guide's emphasis for boarding schools: night, meals, naps)."""
    class_time = "class_time"
    break_time = "break_time"
    meal = "meal"
    nap = "nap"
    night = "night"


class DrillPlace(enum.StrEnum):
    teaching_building = "teaching_building"
    dormitory = "dormitory"
    canteen = "canteen"
    playground = "playground"
    school_bus = "school_bus"
    other = "other"


class ImprovementAction(enum.StrEnum):
    note = "note"        # recorded only
    hazard = "hazard"    # opened as a hazard through the hazards domain
    task = "task"        # a task with an owner and a due day, done in this domain


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
        CheckConstraint("requirement IN ('evacuation', 'bus', 'night')", name="requirement_known"),
        CheckConstraint("window_start < window_end", name="window_not_empty"),
        CheckConstraint("staff_count >= 0 AND student_count >= 0", name="counts_not_negative"),
        CheckConstraint("evacuation_seconds >= 0", name="evacuation_seconds_not_negative"),
        CheckConstraint("injuries >= 0", name="injuries_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[DrillKind] = mapped_column(enum_column(DrillKind))
    requirement: Mapped[str] = mapped_column(String(16))      # "evacuation" | "bus" | "night"
    period_key: Mapped[str] = mapped_column(String(16))       # 2026-11, 2026-11b, 2026-Q4, 2026-autumn
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)  # exclusive: local midnight after the last day
    status: Mapped[DrillStatus] = mapped_column(enum_column(DrillStatus), default=DrillStatus.assigned)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conducted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The record (filled by the report): what the drill rehearsed, how and where, who took part, how it went.
    scenario: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[DrillMode | None] = mapped_column(enum_column(DrillMode))
    time_of_day: Mapped[DrillTime | None] = mapped_column(enum_column(DrillTime))
    place: Mapped[DrillPlace | None] = mapped_column(enum_column(DrillPlace))
    staff_count: Mapped[int | None] = mapped_column(Integer)
    student_count: Mapped[int | None] = mapped_column(Integer)
    head_count_done: Mapped[bool | None] = mapped_column(Boolean)      # 清点人数
    evacuation_seconds: Mapped[int | None] = mapped_column(Integer)    # the slowest building's
    injuries: Mapped[int | None] = mapped_column(Integer)
    injury_notes: Mapped[str] = mapped_column(Text, default="")
    review: Mapped[str] = mapped_column(Text, default="")              # 现场点评
    phases: Mapped[str] = mapped_column(String(200), default="")       # comma-separated phase keys held
    notes: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[str] = mapped_column(String(200), default="")  # comma-separated: slow_evacuation,late_report
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    school: Mapped[School] = relationship()
    reported_by: Mapped[User | None] = relationship()
    evacuations: Mapped[list[DrillEvacuation]] = relationship(order_by="DrillEvacuation.id")
    improvements: Mapped[list[DrillImprovement]] = relationship(order_by="DrillImprovement.id")
    plan: Mapped[DrillPlan | None] = relationship(viewonly=True)

    @property
    def phase_list(self) -> list[str]:
        return [p for p in (self.phases or "").split(",") if p]

    @property
    def flag_list(self) -> list[str]:
        return [f for f in (self.flags or "").split(",") if f]

    @property
    def held_on_time(self) -> bool:
        return (self.status == DrillStatus.reported and self.conducted_at is not None
                and self.window_start <= self.conducted_at < self.window_end)


class DrillEvacuation(db.Model):
    """How long one building took to empty in a drill (a slow one is flagged by its height)."""

    __tablename__ = "drill_evacuations"
    __table_args__ = (CheckConstraint("floors >= 1 AND seconds >= 1", name="positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), index=True)
    building: Mapped[str] = mapped_column(String(100))
    floors: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer)
    slow: Mapped[bool] = mapped_column(Boolean, default=False)


class DrillImprovement(db.Model):
    """An improvement the review asked for: a note, a hazard opened through the hazards domain, or a task with
    an owner and a due day that the owner marks done here."""

    __tablename__ = "drill_improvements"
    __table_args__ = (
        CheckConstraint("action != 'task' OR (owner_id IS NOT NULL AND due_on IS NOT NULL)", name="task_has_owner"),
        Index("ix_drill_improvements_owner_done", "owner_id", "done_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    text: Mapped[str] = mapped_column(Text)
    action: Mapped[ImprovementAction] = mapped_column(enum_column(ImprovementAction))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    owner: Mapped[User | None] = relationship()


class DrillPlan(db.Model):
    """The drill's plan (方案) as the school wrote it: a PDF or Word file, kept with the record."""

    __tablename__ = "drill_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    byte_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
