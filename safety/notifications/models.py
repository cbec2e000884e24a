from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


class Notification(db.Model):
    """One thing one person should hear about. Jobs insert these set-based (INSERT … SELECT); the texts are
    rendered from (kind, subject) when shown or sent, so nothing language-specific is frozen into the row."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
        # The dispatch job looks at the last few days of notifications every minute; without this index that
        # is a scan of the whole (ever-growing) table.
        Index("ix_notifications_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(48))             # hazards_escalated, drill_due, inspection_overdue …
    subject_type: Mapped[str] = mapped_column(String(32))     # hazard, drill, point, campaign_task, school …
    subject_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    # Makes enqueueing idempotent: the same event for the same person is one row however often a job runs.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- kind lists ------------------------------------------------------------------------------------------
# Kept as ",a,b," text rather than JSON or ARRAY: membership is then one LIKE that SQLite and PostgreSQL
# both evaluate inside the set-based dispatch query. "" means "no kinds" (quiet list) or "every kind" (filter).

def pack_kinds(kinds: Iterable[str]) -> str:
    unique = sorted(set(kinds))
    return f",{','.join(unique)}," if unique else ""


def unpack_kinds(text: str | None) -> list[str]:
    return [k for k in (text or "").split(",") if k]


def kind_listed(column, kind):
    """SQL: `kind` (a column) is in the packed list `column`. `_` in a kind is a LIKE wildcard too; kinds are
    our own identifiers, so a false match would need two kinds differing only where one has `_`."""
    return column.contains("," + kind + ",")


# --- deliveries ------------------------------------------------------------------------------------------

class DeliveryChannel(enum.StrEnum):
    email = "email"
    webhook = "webhook"


class DeliveryStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"    # gave up after the last attempt; the notification is still in the in-app inbox
    skipped = "skipped"  # no longer wanted: read already, e-mail switched off, webhook gone


class Delivery(db.Model):
    """One notification over one channel to one target, with its attempts. Created set-based by the dispatch
    job; the unique key makes creating them idempotent."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", "target"),
        Index("ix_notification_deliveries_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    channel: Mapped[DeliveryChannel] = mapped_column(enum_column(DeliveryChannel))
    target: Mapped[str] = mapped_column(String(200))  # e-mail address, or the webhook's id as text
    # The webhook itself, so sending can join it (target alone would need a cast); NULL once it is deleted.
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id", ondelete="SET NULL"), index=True)
    # Held for the recipient's daily digest: not due (next_attempt_at NULL) until the digest job releases it.
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- preferences -----------------------------------------------------------------------------------------

class Preference(db.Model):
    """A user's choices. No row means the defaults; in-app notifications are always on."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    # Offices hear of many schools: one e-mail a day rather than a flood, unless they ask for it at once.
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_kinds: Mapped[str] = mapped_column(String(1000), default="")  # packed; never e-mailed, still in-app
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    @classmethod
    def defaults(cls, user_id: int) -> Preference:
        """What a user without a row gets (a transient object, not added to the session)."""
        return cls(user_id=user_id, email=True, digest=True, quiet_kinds="")

    @property
    def quiet_kind_list(self) -> list[str]:
        return unpack_kinds(self.quiet_kinds)


# --- webhooks --------------------------------------------------------------------------------------------

class WebhookFormat(enum.StrEnum):
    generic = "generic"    # our JSON, signed with X-Safety-Signature
    wecom = "wecom"        # 企业微信群机器人
    dingtalk = "dingtalk"  # 钉钉群机器人 (signed in the URL when a secret is set: 加签)


class Webhook(db.Model):
    """An office's or a school's group robot: hears of notifications about schools at or below its scope."""

    __tablename__ = "webhooks"
    __table_args__ = (CheckConstraint("(region_id IS NULL) <> (school_id IS NULL)", name="one_scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # Exactly one of the two: a region's robot hears of every school below it.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200), default="")
    format: Mapped[WebhookFormat] = mapped_column(enum_column(WebhookFormat), default=WebhookFormat.generic)
    kinds: Mapped[str] = mapped_column(String(1000), default="")  # packed; "" = every kind
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    @property
    def kind_list(self) -> list[str]:
        return unpack_kinds(self.kinds)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)
