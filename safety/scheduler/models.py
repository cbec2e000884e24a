from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime
from ..extensions import db


class JobLease(db.Model):
    """Who may run a job right now. A row per job; taking it is one guarded UPDATE (or the first INSERT),
    so a second scheduler (or an operator's `safety jobs run`) skips instead of doing the work twice."""

    __tablename__ = "job_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """Every run of every job: when, for which moment, what it changed, how it ended."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    holder: Mapped[str] = mapped_column(String(128))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))  # ok | error | skipped
    rows_affected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    triggered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
