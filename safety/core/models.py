"""Mixins shared by models."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from .clock import now
from .types import UTCDateTime


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, nullable=False)
