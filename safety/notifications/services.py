"""Putting notifications into the outbox (set-based, for jobs and services alike); the caller's inbox,
their preferences, and the group-robot webhooks of offices and schools."""
from __future__ import annotations

import secrets

from sqlalchemy import Select, case, func, literal, literal_column, null, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.scope import Capability, region_ids, require_school, school_ids
from ..audit.services import record
from ..core.clock import now
from ..core.sql import insert_ignoring_conflicts, json_pairs
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..schools.models import Region
from ..schools.services import get_region
from .models import Delivery, DeliveryStatus, Notification, Preference, Webhook, WebhookFormat, pack_kinds
from .render import Message, prefetch, render

# --- enqueueing ------------------------------------------------------------------------------------------

def enqueue_select(kind: str, subject_type: str, rows: Select, key_suffix=None) -> int:
    """INSERT … SELECT notifications from `rows`, which yields (recipient_id, subject_id, school_id).

    The dedupe key is kind:subject_type:subject_id:recipient[:suffix]; rows already there are skipped, so a
    job may enqueue the same event on every run and each person hears of it once.
    """
    source = rows.subquery()
    key = (literal(f"{kind}:{subject_type}:") + source.c[1].cast(db.String) + literal(":")
           + source.c[0].cast(db.String))
    if key_suffix is not None:
        key = key + literal(":") + key_suffix(source)
    candidates = select(source.c[0], literal(kind), literal(subject_type), source.c[1], source.c[2], key,
                        literal(now(), type_=Notification.created_at.type), literal({}, type_=Notification.data.type))
    # The unique dedupe key settles repeats: cheaper than an anti-join per row.
    return insert_ignoring_conflicts(
        Notification, ["recipient_id", "kind", "subject_type", "subject_id", "school_id", "dedupe_key", "created_at",
                       "data"], candidates)


def enqueue_summary(kind: str, rows: Select, key: str, data: dict[str, int]) -> int:
    """One notification per recipient for many subjects: INSERT … SELECT … GROUP BY recipient.

    `rows` yields (recipient_id, school_id, subject_id); the notification's data holds `data` and the number
    of distinct subjects (`count`), its school the one school when all were at one. The dedupe key is
    kind:key:recipient, so running the same summary twice notifies nobody twice.
    """
    source = rows.subquery()
    recipient, school, subject = source.c[0], source.c[1], source.c[2]
    pairs = [literal_column(f"'{name}'") for name in data]  # our own names and numbers: safe inline
    pairs = [part for name, value in zip(pairs, data.values(), strict=True)
             for part in (name, literal_column(str(int(value))))]
    pairs += [literal_column("'count'"), func.count(subject.distinct())]
    one_school = case((func.count(school.distinct()) == 1, func.min(school)), else_=null())
    summaries = select(recipient, literal(kind), literal("summary"), literal(0), one_school,
                       literal(f"{kind}:{key}:") + recipient.cast(db.String),
                       literal(now(), type_=Notification.created_at.type),
                       json_pairs(*pairs)).group_by(recipient)
    return insert_ignoring_conflicts(
        Notification, ["recipient_id", "kind", "subject_type", "subject_id", "school_id", "dedupe_key", "created_at",
                       "data"], summaries)


# --- the inbox -------------------------------------------------------------------------------------------

def visible_notifications(actor: User, filters: dict) -> Select:
    """The caller's own notifications, newest first (nobody reads anyone else's inbox, admins included)."""
    query = select(Notification).where(Notification.recipient_id == actor.id)
    if (unread := filters.get("unread")) is not None:
        query = query.where(Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None))
    if kind := filters.get("kind"):
        query = query.where(Notification.kind == kind)
    if school_id := filters.get("school_id"):
        query = query.where(Notification.school_id == school_id)
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(actor: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == actor.id, Notification.read_at.is_(None))) or 0


def get_notification(actor: User, notification_id: int) -> Notification:
    notification = db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                                Notification.recipient_id == actor.id))
    if notification is None:
        raise NotFound()
    return notification


def present(notifications: list[Notification]) -> list[dict]:
    """Notifications with their texts rendered in the current language (subjects loaded in bulk)."""
    prefetch(notifications)
    return [_presented(n, render(n)) for n in notifications]


def _presented(notification: Notification, message: Message) -> dict:
    return {"id": notification.id, "kind": notification.kind, "subject_type": notification.subject_type,
            "subject_id": notification.subject_id, "school_id": notification.school_id,
            "created_at": notification.created_at, "read_at": notification.read_at,
            "title": message.title, "body": message.body, "link_path": message.link_path}


def mark_read(actor: User, ids: list[int] | None = None) -> int:
    """Mark the caller's notifications read: the given ids (others' ids are silently not theirs) or all.

    Already-read ones keep their first read time. E-mails still waiting for them are skipped when they fall due.
    """
    statement = update(Notification).where(Notification.recipient_id == actor.id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    return db.session.execute(statement.values(read_at=now())).rowcount


# --- preferences -----------------------------------------------------------------------------------------

def get_preference(actor: User) -> Preference:
    """The caller's preferences; the defaults (not stored) when they never changed any."""
    return db.session.get(Preference, actor.id) or Preference.defaults(actor.id)


def update_preference(actor: User, changes: dict) -> Preference:
    preference = db.session.get(Preference, actor.id)
    if preference is None:
        try:  # a concurrent first change may have created the row a moment ago
            with db.session.begin_nested():
                db.session.add(Preference.defaults(actor.id))
        except IntegrityError:
            pass
        preference = db.session.get(Preference, actor.id)
    for field in ("email", "digest"):
        if field in changes:
            setattr(preference, field, changes[field])
    if "quiet_kinds" in changes:
        preference.quiet_kinds = pack_kinds(changes["quiet_kinds"])
    preference.updated_at = now()
    db.session.flush()
    return preference


# --- webhooks --------------------------------------------------------------------------------------------

def visible_webhooks(actor: User) -> Select:
    """Robots of regions the caller oversees and of schools the caller manages (offices: both)."""
    return select(Webhook).where(or_(Webhook.region_id.in_(region_ids(actor, Capability.oversee)),
                                     Webhook.school_id.in_(school_ids(actor, Capability.manage)))) \
        .order_by(Webhook.id)


def get_webhook(actor: User, webhook_id: int) -> Webhook:
    webhook = db.session.scalar(visible_webhooks(actor).where(Webhook.id == webhook_id))
    if webhook is None:
        raise NotFound()
    return webhook


def _check_region(actor: User, region_id: int) -> None:
    get_region(actor, region_id)  # not visible: 404
    if db.session.scalar(region_ids(actor, Capability.oversee).where(Region.id == region_id)) is None:
        raise Forbidden()  # visible (their school's district), but not theirs to oversee


def create_webhook(actor: User, data: dict) -> Webhook:
    """A robot for a region (offices overseeing it) or a school (its principal or offices above it).

    A generic webhook without a secret gets a generated one (shown once, in the answer to this call).
    """
    if data.get("region_id") is not None:
        _check_region(actor, data["region_id"])
        school_id, region_id = None, data["region_id"]
    else:
        school = require_school(actor, data["school_id"], Capability.manage)
        school_id, region_id = school.id, None
    format = WebhookFormat(data.get("format", WebhookFormat.generic))
    secret = data.get("secret") or (secrets.token_urlsafe(32) if format == WebhookFormat.generic else "")
    webhook = Webhook(name=data.get("name", ""), region_id=region_id, school_id=school_id, url=data["url"],
                      secret=secret, format=format, kinds=pack_kinds(data.get("kinds", [])),
                      active=data.get("active", True), created_by_id=actor.id, created_at=now())
    db.session.add(webhook)
    db.session.flush()
    record("webhook.created", actor, object_type="webhook", object_id=webhook.id, school_id=school_id,
           region_id=region_id, format=format.value)
    return webhook


def update_webhook(actor: User, webhook: Webhook, changes: dict) -> Webhook:
    for field in ("name", "url", "active"):
        if field in changes:
            setattr(webhook, field, changes[field])
    if "format" in changes:
        webhook.format = WebhookFormat(changes["format"])
    if "secret" in changes:
        webhook.secret = changes["secret"] or ""
    if "kinds" in changes:
        webhook.kinds = pack_kinds(changes["kinds"])
    db.session.flush()
    record("webhook.updated", actor, object_type="webhook", object_id=webhook.id, school_id=webhook.school_id,
           region_id=webhook.region_id, fields=sorted(changes))  # names only: never the secret
    return webhook


def delete_webhook(actor: User, webhook: Webhook) -> None:
    """Remove a robot; what was still waiting for it is skipped, what was sent stays on record."""
    db.session.execute(update(Delivery).where(Delivery.webhook_id == webhook.id,
                                              Delivery.status == DeliveryStatus.pending)
                       .values(status=DeliveryStatus.skipped, last_error="webhook deleted"))
    db.session.execute(update(Delivery).where(Delivery.webhook_id == webhook.id).values(webhook_id=None))
    record("webhook.deleted", actor, object_type="webhook", object_id=webhook.id, school_id=webhook.school_id,
           region_id=webhook.region_id)
    db.session.delete(webhook)
    db.session.flush()
