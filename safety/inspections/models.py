from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..checklists.models import ChecklistItem, ChecklistVersion
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..points.models import Point


class InspectionStatus(enum.StrEnum):
    complete = "complete"
    awaiting_photos = "awaiting_photos"  # named photos (by SHA-256) not uploaded yet


class Outcome(enum.StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "na"


class Inspection(db.Model):
    __tablename__ = "inspections"
    __table_args__ = (
        Index("ix_inspections_school_submitted", "school_id", "submitted_at"),
        Index("ix_inspections_point_submitted", "point_id", "submitted_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # The phone's idempotency key; the unique constraint is what makes replays land exactly once.
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    template_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    status: Mapped[InspectionStatus] = mapped_column(enum_column(InspectionStatus))
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    # Doubts for offices to look at, never grounds for rejection: "far_from_point,old_photos" (portable text).
    flags: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    point: Mapped[Point] = relationship()
    inspector: Mapped[User] = relationship()
    template_version: Mapped[ChecklistVersion] = relationship()
    results: Mapped[list[InspectionResult]] = relationship(back_populates="inspection", lazy="selectin",
                                                           order_by="InspectionResult.position")

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]


class InspectionResult(db.Model):
    __tablename__ = "inspection_results"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    position: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    value_number: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="results")
    item: Mapped[ChecklistItem] = relationship(lazy="joined")


class CoverageRollup(db.Model):
    """Each school's coverage of the last days, as of the scheduler's last refresh: the dashboards read these
    few thousand rows instead of counting a month of inspections on every request (see coverage.py)."""
    __tablename__ = "coverage_rollups"
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    points: Mapped[int] = mapped_column(Integer)
    due: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
