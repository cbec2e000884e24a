from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import now
from ..core.types import UTCDateTime
from ..extensions import db
from ..hazards.models import Hazard
from ..schools.models import Region, School


class Notice(db.Model):
    """整改通知书: issued by an office to one school for the problems of one inspection (or chosen hazards).

    Numbered per issuing office and year (〔2026〕3号); the school records its receipt (回执) once.
    """

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("office_id", "year", "number", name="uq_notices_office_year_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    inspectors: Mapped[str] = mapped_column(String(300))
    requirement: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by: Mapped[str | None] = mapped_column(String(100))
    receipt_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    receipt_note: Mapped[str] = mapped_column(Text, default="")

    school: Mapped[School] = relationship()
    office: Mapped[Region] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    items: Mapped[list[NoticeItem]] = relationship(back_populates="notice", order_by="NoticeItem.position",
                                                   lazy="selectin")

    @property
    def reference(self) -> str:
        return f"{self.office.name_zh}安整〔{self.year}〕{self.number}号"


class NoticeItem(db.Model):
    """One problem on a notice, with the deadline it was given on the day the notice was issued."""

    __tablename__ = "notice_items"
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[Notice] = relationship(back_populates="items")
    hazard: Mapped[Hazard] = relationship(lazy="joined")
