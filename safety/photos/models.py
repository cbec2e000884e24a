from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db


class Photo(db.Model):
    """One uploaded image, identified by the SHA-256 of its original bytes (kept unchanged as evidence)."""

    __tablename__ = "photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(8))
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    phash: Mapped[str] = mapped_column(String(16), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class PhotoHolder(db.Model):
    """Someone other than its first uploader who sent the same bytes: holding them, they may use the photo as
    they may their own (a SHA-256 alone proves nothing, so naming one never makes a photo usable)."""

    __tablename__ = "photo_holders"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class PhotoSubject(enum.StrEnum):
    inspection = "inspection"   # part_id: the inspection result
    hazard = "hazard"           # part_id: the hazard event
    drill = "drill"
    campaign_activity = "campaign_activity"


class PhotoUse(db.Model):
    """A photo named as evidence somewhere, by SHA-256: it may be named before it is uploaded (offline phones).

    Who may see a photo follows from its uses: anyone who may see the school of a use.
    """

    __tablename__ = "photo_uses"
    __table_args__ = (
        Index("ix_photo_uses_sha256_school", "sha256", "school_id"),
        Index("ix_photo_uses_subject", "subject_type", "subject_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    subject_type: Mapped[PhotoSubject] = mapped_column(enum_column(PhotoSubject))
    subject_id: Mapped[int] = mapped_column(Integer)
    part_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
