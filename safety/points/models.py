from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..checklists.models import Category, ChecklistTemplate
from ..core.models import Timestamped
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import School


class Frequency(enum.StrEnum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"
    term = "term"


FREQUENCY_INTERVAL = {
    Frequency.daily: timedelta(days=1),
    Frequency.weekly: timedelta(days=7),
    Frequency.monthly: timedelta(days=30),
    Frequency.term: timedelta(days=120),
}


def interval_days(frequency_column):
    """The frequency's interval in days, as SQL (for set-based scheduling and coverage)."""
    from sqlalchemy import case
    return case(*((frequency_column == f, d.days) for f, d in FREQUENCY_INTERVAL.items()), else_=7)


def new_qr_token() -> str:
    """192 random bits, URL-safe: unguessable, and short enough for a small QR code."""
    return secrets.token_urlsafe(24)


class Point(Timestamped, db.Model):
    __tablename__ = "points"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        Index("ix_points_school_due", "school_id", "next_due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[Category] = mapped_column(enum_column(Category))
    location: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    # A season's stricter rhythm (e.g. water bodies in the drowning season), set and cleared by a campaign job.
    frequency_override: Mapped[Frequency | None] = mapped_column(enum_column(Frequency, "frequency_override"))
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"), index=True)
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_qr_token)
    qr_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_inspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the next inspection is due: last inspection (or creation) + the frequency's interval.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()
    template: Mapped[ChecklistTemplate] = relationship()

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def effective_frequency(self) -> Frequency:
        return self.frequency_override or self.frequency


def interval_in_force():
    """Each point's interval in days under the rhythm in force: a season's override, else its own (SQL)."""
    from sqlalchemy import func
    return interval_days(func.coalesce(Point.frequency_override, Point.frequency))


def next_due(counted_from):
    """The one next-due rule, as SQL so that one point and many share it: `counted_from` (the last inspection,
    else when the point was set up) plus the interval of the rhythm in force."""
    from ..core.sql import add_days
    return add_days(counted_from, interval_in_force())
