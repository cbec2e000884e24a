"""Key students (重点学生) of a class and their home visits (家访).

Children's names and family circumstances stay in the school: the principal, the school's safety officer and
the class's teacher read them (`safety.accounts.scope.care_class_ids`); offices read counts, never rows.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import SchoolClass


class KeyStudent(db.Model):
    """A student the class keeps an eye on, with the reasons (flags from `defaults.toml`). Removing one keeps the
    row (and its visits) with `removed_at` set: the school's file of past work stays whole."""

    __tablename__ = "key_students"
    __table_args__ = (Index("ix_key_students_class_current", "class_id", "removed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    student_no: Mapped[str] = mapped_column(String(32), default="")
    flags: Mapped[str] = mapped_column(String(200), default="")  # left_behind,near_water … (defaults.toml keys)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school_class: Mapped[SchoolClass] = relationship()

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]


class VisitStatus(enum.StrEnum):
    open = "open"
    overdue = "overdue"
    done = "done"
    missed = "missed"   # the student left the list before it was done


class VisitForm(enum.StrEnum):
    home = "home"     # 入户
    phone = "phone"   # 电话
    video = "video"   # 视频


class HomeVisitTask(db.Model):
    """A visit owed to a key student in one round (before the summer holiday, …), made by the scheduler."""

    __tablename__ = "home_visit_tasks"
    __table_args__ = (UniqueConstraint("key_student_id", "round_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key_student_id: Mapped[int] = mapped_column(ForeignKey("key_students.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    round_key: Mapped[str] = mapped_column(String(32))   # "summer:<holiday id>"
    name_zh: Mapped[str] = mapped_column(String(100))
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)           # the last local day it counts as on time
    status: Mapped[VisitStatus] = mapped_column(enum_column(VisitStatus), default=VisitStatus.open)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class HomeVisit(db.Model):
    """One home visit as the teacher records it: when, who, how, what was found and what follows."""

    __tablename__ = "home_visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_student_id: Mapped[int] = mapped_column(ForeignKey("key_students.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("home_visit_tasks.id", ondelete="SET NULL"))
    visited_on: Mapped[date] = mapped_column(Date)
    form: Mapped[VisitForm] = mapped_column(enum_column(VisitForm))
    visitor: Mapped[str] = mapped_column(String(100))   # who went (names of the teachers, as they sign)
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
