from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db


class SignedSubject(enum.StrEnum):
    inspection = "inspection"
    notice = "notice"   # the school's receipt slip (回执) of a rectification notice


class SignerRole(enum.StrEnum):
    inspector = "inspector"
    countersigner = "countersigner"  # the head of the inspected place (公安部61号令 §26)
    receiver = "receiver"            # who signed the receipt slip for the school


class Signature(db.Model):
    """A handwritten signature (PNG from a canvas) on a record: who signed in which role, when.

    One per role and record; once written, neither it nor the signed record changes (the services refuse).
    """

    __tablename__ = "signatures"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "role", name="uq_signatures_subject_role"),
        Index("ix_signatures_school", "school_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    subject_type: Mapped[SignedSubject] = mapped_column(enum_column(SignedSubject))
    subject_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[SignerRole] = mapped_column(enum_column(SignerRole))
    signer_name: Mapped[str] = mapped_column(String(100))
    # The account that captured it: the inspector's own, or the phone handed to the person countersigning.
    captured_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    captured_by: Mapped[User] = relationship()
