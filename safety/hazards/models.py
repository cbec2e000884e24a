from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..checklists.models import Category, Grade
from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..points.models import Point
from ..schools.models import School


class HazardStatus(enum.StrEnum):
    reported = "reported"
    assigned = "assigned"
    rectifying = "rectifying"
    awaiting_verification = "awaiting_verification"
    closed = "closed"
    dismissed = "dismissed"


OPEN_STATUSES = (HazardStatus.reported, HazardStatus.assigned, HazardStatus.rectifying,
                 HazardStatus.awaiting_verification)


class HazardSource(enum.StrEnum):
    inspection = "inspection"
    direct = "direct"    # reported by a user in the app
    public = "public"    # reported without an account by scanning a point's code: unverified until triaged
    drill = "drill"


class Hazard(db.Model):
    __tablename__ = "hazards"
    __table_args__ = (
        # At most one open hazard per point and checklist item: a repeat failure is a recurrence, not a twin.
        Index("uq_hazards_open_point_item", "point_id", "item_key", unique=True,
              sqlite_where=text("status NOT IN ('closed', 'dismissed') AND item_key IS NOT NULL"),
              postgresql_where=text("status NOT IN ('closed', 'dismissed') AND item_key IS NOT NULL")),
        Index("ix_hazards_school_status", "school_id", "status"),
        Index("ix_hazards_status_deadline", "status", "deadline"),
        Index("ix_hazards_level_status", "level", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("points.id"), index=True)
    category: Mapped[Category] = mapped_column(enum_column(Category))
    item_key: Mapped[str | None] = mapped_column(String(64))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_items.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    source: Mapped[HazardSource] = mapped_column(enum_column(HazardSource))
    grade: Mapped[Grade] = mapped_column(enum_column(Grade))
    status: Mapped[HazardStatus] = mapped_column(enum_column(HazardStatus))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Escalation level: 0 school, 1 district office, 2 city office.
    level: Mapped[int] = mapped_column(Integer, default=0)
    # When it reached its current level (for an overdue hazard: when it became overdue), the clock for the next.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 挂牌督办: supervised by an office, with a named supervising officer.
    supervised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supervisor: Mapped[str | None] = mapped_column(String(100))
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interim_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rectifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    recurrences: Mapped[int] = mapped_column(Integer, default=0)
    # 五落实 (责任、措施、资金、时限、预案) of a major hazard; the wire name five_fixed is kept for clients.
    five_fixed: Mapped[dict | None] = mapped_column(JSON)
    # What the ledger (隐患台账) shows, captured where it happens: the plan, the rectification, the acceptance.
    measures: Mapped[str | None] = mapped_column(Text)            # 整改措施
    funds: Mapped[str | None] = mapped_column(String(200))        # 整改资金
    interim_measures: Mapped[str | None] = mapped_column(Text)    # 临时防范措施
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 验收人
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acceptance_opinion: Mapped[str | None] = mapped_column(Text)  # 验收意见
    # 立行立改: a general problem fixed during the inspection that found it, closed on the spot (no deadline).
    on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()
    point: Mapped[Point | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[HazardEvent]] = relationship(back_populates="hazard", order_by="HazardEvent.id",
                                                     lazy="selectin")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < now()


class HazardEvent(db.Model):
    """Append-only history: who did what, when, from which status to which, with a note and photos."""

    __tablename__ = "hazard_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    # The inspection that opened or observed the hazard again, for "what did this inspection find".
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    hazard: Mapped[Hazard] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class HazardWeekRollup(db.Model):
    """Hazards each school opened and closed per week of the last few, as of the scheduler's last refresh: the
    dashboards' weekly chart reads these instead of scanning a quarter of a province's hazards (rollups.py)."""
    __tablename__ = "hazard_week_rollups"
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    opened: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
