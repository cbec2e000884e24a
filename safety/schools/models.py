from __future__ import annotations

import enum

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamped
from ..core.types import enum_column
from ..extensions import db


class RegionLevel(enum.StrEnum):
    province = "province"
    city = "city"
    district = "district"  # a county is a district here


class SchoolType(enum.StrEnum):
    kindergarten = "kindergarten"
    primary = "primary"
    junior_secondary = "junior_secondary"
    senior_secondary = "senior_secondary"
    nine_year = "nine_year"
    twelve_year = "twelve_year"
    vocational = "vocational"
    special_education = "special_education"


class Region(Timestamped, db.Model):
    """A node in the region tree. `path` ("/1/4/") makes "every school below" one indexed LIKE."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[RegionLevel] = mapped_column(enum_column(RegionLevel))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")

    parent: Mapped[Region | None] = relationship(remote_side=[id])
    schools: Mapped[list[School]] = relationship(back_populates="region")


class School(Timestamped, db.Model):
    __tablename__ = "schools"
    __table_args__ = (CheckConstraint("enrolment >= 0", name="enrolment_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    type: Mapped[SchoolType] = mapped_column(enum_column(SchoolType))
    boarding: Mapped[bool] = mapped_column(Boolean, default=False)
    has_school_bus: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)   # WGS 84, for the map (the school gate)
    longitude: Mapped[float | None] = mapped_column(Float)
    enrolment: Mapped[int] = mapped_column(Integer, default=0)
    # Evacuation times are judged against building height (≤ 4 floors: 120 s).
    max_building_floors: Mapped[int] = mapped_column(Integer, default=4)
    # Open through the school holidays (many kindergartens): drill windows are not cut to term time.
    open_in_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    region: Mapped[Region] = relationship(back_populates="schools")
    classes: Mapped[list[SchoolClass]] = relationship(back_populates="school",
                                                      order_by="(SchoolClass.grade, SchoolClass.name)")


class SchoolClass(Timestamped, db.Model):
    """A class (班级): campaigns are tracked per class."""

    __tablename__ = "school_classes"
    __table_args__ = (
        UniqueConstraint("school_id", "grade", "name"),
        CheckConstraint("student_count >= 0", name="student_count_not_negative"),
        CheckConstraint("grade BETWEEN 1 AND 15", name="grade_in_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    grade: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    student_count: Mapped[int] = mapped_column(Integer, default=0)

    school: Mapped[School] = relationship(back_populates="classes")


class RosterEntry(db.Model):
    """One student of a class's roster (花名册), imported by the school so a class teacher can see whose parents
    have confirmed a letter. Names stay in the school: only its principal and the class's teacher read them."""

    __tablename__ = "class_roster"
    __table_args__ = (UniqueConstraint("class_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    student_no: Mapped[str] = mapped_column(String(32), default="")
