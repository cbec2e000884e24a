"""Delivering the outbox: set-based creation of deliveries, then sending what is due, with back-off.

Each run first creates the missing Delivery rows in two INSERT … SELECT statements (e-mail for people who want
it, webhooks for the robots whose scope covers the notification's school), then sends the due ones in batches.
A batch is read and rendered, the transaction ends, the messages go out, and the outcomes are written and
committed: no transaction (on SQLite: no write lock) is held while talking to a mail server or a robot, and a
crash repeats at most one batch's messages. Delivery is therefore at least once; a generic webhook receiver
can de-duplicate on `delivery_id`.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import Boolean, Integer, String, case, exists, func, insert, literal, null, or_, select, true, update
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..core.i18n import normalise
from ..core.sql import plus_seconds
from ..core.types import UTCDateTime
from ..extensions import db
from ..scheduler.registry import job
from ..schools.models import Region, School
from .channels import ChannelError, Email, Mailer, WebhookPost, build_webhook_post, post_webhook, smtp_configured
from .models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Preference,
    Webhook,
    kind_listed,
)
from .render import Message, prefetch, render, render_in

log = logging.getLogger(__name__)

WINDOW = timedelta(days=3)           # notifications older than this get no new deliveries (still in the inbox)
EVENT_SPREAD = 600                   # seconds: one event's notifications to several people are this close
BATCH = 50                           # deliveries (or digest recipients) read, sent and recorded together
SEND_BUDGET = 5 * 60                 # seconds of sending per run (plus one timeout), inside the 15-min lease
MAX_ATTEMPTS = 12                    # 1, 2, 4 … 60, 60 … minutes: about six hours before giving up
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
DIGEST_ITEMS = 30                    # listed in one digest; the rest are counted


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4 … minutes, capped at an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


# --- creating deliveries (set-based) ---------------------------------------------------------------------

def _at(moment: datetime):
    return literal(moment, type_=UTCDateTime())


def _pending():
    return literal(DeliveryStatus.pending, type_=Delivery.status.type)


def _channel(channel: DeliveryChannel):
    return literal(channel, type_=Delivery.channel.type)


_COLUMNS = ["notification_id", "channel", "target", "webhook_id", "digest", "status", "attempts", "next_attempt_at",
            "last_error", "created_at"]


def create_email_deliveries(as_of: datetime) -> int:
    """One e-mail delivery per unread recent notification whose recipient wants e-mail for its kind; held for
    the digest (not yet due) when the recipient wants a digest, due now otherwise."""
    wants_digest = func.coalesce(Preference.digest, true())
    rows = select(
        Notification.id, _channel(DeliveryChannel.email), User.email, null().cast(Integer), wants_digest, _pending(),
        literal(0), case((wants_digest, null()), else_=_at(as_of)), literal(""), _at(as_of),
    ).select_from(Notification) \
        .join(User, User.id == Notification.recipient_id) \
        .outerjoin(Preference, Preference.user_id == User.id) \
        .where(Notification.created_at > as_of - WINDOW, Notification.created_at <= as_of,
               Notification.read_at.is_(None), User.active.is_(True), User.email.is_not(None), User.email != "",
               func.coalesce(Preference.email, true()),
               ~kind_listed(func.coalesce(Preference.quiet_kinds, ""), Notification.kind),
               ~exists().where(Delivery.notification_id == Notification.id,
                               Delivery.channel == DeliveryChannel.email))
    return db.session.execute(insert(Delivery).from_select(_COLUMNS, rows)).rowcount


def create_webhook_deliveries(as_of: datetime) -> int:
    """One webhook delivery per event and active robot whose scope covers the notification's school: its own
    school, or a region at or above the school's (path prefix, as in accounts/scope.py), and whose kinds
    filter lets the kind through. An event notified to several people is posted once: only the first of
    the notifications of the same kind and subject made within EVENT_SPREAD goes to robots."""
    school_region, hook_region, earlier = aliased(Region), aliased(Region), aliased(Notification)
    first_of_event = ~exists().where(
        earlier.kind == Notification.kind, earlier.subject_type == Notification.subject_type,
        earlier.subject_id == Notification.subject_id, earlier.id < Notification.id,
        plus_seconds(earlier.created_at, literal(EVENT_SPREAD)) > Notification.created_at)
    rows = select(
        Notification.id, _channel(DeliveryChannel.webhook), Webhook.id.cast(String), Webhook.id,
        literal(False, type_=Boolean()), _pending(), literal(0), _at(as_of), literal(""), _at(as_of),
    ).select_from(Notification) \
        .join(School, School.id == Notification.school_id) \
        .join(school_region, school_region.id == School.region_id) \
        .join(Webhook, Webhook.active.is_(True)) \
        .outerjoin(hook_region, hook_region.id == Webhook.region_id) \
        .where(Notification.created_at > as_of - WINDOW, Notification.created_at <= as_of,
               or_(Webhook.school_id == Notification.school_id, school_region.path.startswith(hook_region.path)),
               or_(Webhook.kinds == "", kind_listed(Webhook.kinds, Notification.kind)),
               first_of_event,
               ~exists().where(Delivery.notification_id == Notification.id,
                               Delivery.channel == DeliveryChannel.webhook, Delivery.webhook_id == Webhook.id))
    return db.session.execute(insert(Delivery).from_select(_COLUMNS, rows)).rowcount


def create_deliveries(as_of: datetime) -> int:
    created = create_webhook_deliveries(as_of)
    if smtp_configured():  # without a mail server, e-mails would only pile up as failures
        created += create_email_deliveries(as_of)
    return created


# --- sending ---------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """What to do for one message: the deliveries it covers (a digest covers many), the attempts so far."""

    ids: list[int]
    attempts: int
    server: str = "smtp"  # what it goes to: "smtp" or "webhook:<id>"
    failure: str | None = None  # could not even be prepared (a renderer failed): a failed attempt
    email: Email | None = None
    post: WebhookPost | None = None
    skip: str | None = None


@dataclass
class Outcome:
    error: str | None = None
    skipped: str | None = None


@dataclass
class _Recipient:
    user: User
    preference: Preference | None
    rows: list[tuple[Delivery, Notification]] = field(default_factory=list)


def _base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL", "")


def _user_locale(user: User) -> str:
    return normalise(user.locale) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _footer() -> str:
    return _("You receive this e-mail because of your notification settings in the campus safety service.")


def _email_refusal(user: User, preference: Preference | None, notification: Notification) -> str | None:
    """Why this e-mail is no longer wanted (preferences are honoured at sending time too), or None."""
    if notification.read_at is not None:
        return "read in the app"
    if not user.active or not user.email:
        return "recipient disabled or without an e-mail address"
    if preference is not None and not preference.email:
        return "e-mail switched off"
    if preference is not None and notification.kind in preference.quiet_kind_list:
        return "kind silenced"
    return None


def _due(as_of: datetime, digest: bool):
    return (Delivery.status == DeliveryStatus.pending, Delivery.digest.is_(digest), Delivery.next_attempt_at <= as_of)


def _plan_single(as_of: datetime) -> list[Plan]:
    """The next batch of due immediate e-mails and webhook posts, rendered."""
    rows = db.session.execute(
        select(Delivery, Notification, User, Preference, Webhook)
        .join(Notification, Notification.id == Delivery.notification_id)
        .join(User, User.id == Notification.recipient_id)
        .outerjoin(Preference, Preference.user_id == User.id)
        .outerjoin(Webhook, Webhook.id == Delivery.webhook_id)
        .where(*_due(as_of, digest=False))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(BATCH)).all()
    prefetch([row.Notification for row in rows])
    plans = []
    for delivery, notification, user, preference, webhook in rows:
        plan = Plan([delivery.id], delivery.attempts)
        try:
            if delivery.channel == DeliveryChannel.email:
                plan.skip = _email_refusal(user, preference, notification)
                if plan.skip is None:
                    with force_locale(_user_locale(user)):
                        message = render(notification)
                        plan.email = Email(delivery.target, message.title, f"{message.body}\n\n--\n{_footer()}")
            elif webhook is None or not webhook.active:
                plan.skip = "webhook deleted or inactive"
            else:
                plan.server, plan.post = f"webhook:{webhook.id}", _webhook_post(webhook, delivery, notification)
        except Exception as error:  # one broken renderer must not hold up every other message
            plan.failure = _render_failure(error, delivery.id)
        plans.append(plan)
    return plans


def _render_failure(error: Exception, delivery_id: int) -> str:
    log.exception("cannot prepare notification delivery %s", delivery_id)
    return f"render: {type(error).__name__}: {error}"[:500]


def _webhook_post(webhook: Webhook, delivery: Delivery, notification: Notification) -> WebhookPost:
    """Robots speak the service's default language: a group has no single reader's preference."""
    message = render_in(notification, None)
    link = f"{_base_url()}{message.link_path}" if message.link_path else None
    event = {"delivery_id": delivery.id, "notification_id": notification.id, "kind": notification.kind,
             "subject_type": notification.subject_type, "subject_id": notification.subject_id,
             "school_id": notification.school_id, "created_at": notification.created_at.isoformat()}
    return build_webhook_post(url=webhook.url, secret=webhook.secret, format=webhook.format.value,
                              title=message.title, body=message.body, link=link, event=event)


def _plan_digests(as_of: datetime) -> list[Plan]:
    """One e-mail for each of the next BATCH recipients with released digest deliveries."""
    recipients = db.session.scalars(
        select(Notification.recipient_id).join(Delivery, Delivery.notification_id == Notification.id)
        .where(*_due(as_of, digest=True)).group_by(Notification.recipient_id)
        .order_by(Notification.recipient_id).limit(BATCH)).all()
    if not recipients:
        return []
    rows = db.session.execute(
        select(Delivery, Notification, User, Preference)
        .join(Notification, Notification.id == Delivery.notification_id)
        .join(User, User.id == Notification.recipient_id)
        .outerjoin(Preference, Preference.user_id == User.id)
        .where(*_due(as_of, digest=True), Notification.recipient_id.in_(recipients))
        .order_by(Notification.recipient_id, Notification.created_at, Notification.id)).all()
    prefetch([row.Notification for row in rows])
    grouped: dict[int, _Recipient] = {}
    for delivery, notification, user, preference in rows:
        grouped.setdefault(user.id, _Recipient(user, preference)).rows.append((delivery, notification))
    plans = []
    for recipient in grouped.values():
        wanted, refused = [], defaultdict(list)
        for delivery, notification in recipient.rows:
            reason = _email_refusal(recipient.user, recipient.preference, notification)
            (refused[reason] if reason else wanted).append((delivery, notification))
        plans.extend(Plan([d.id for d, _n in items], 0, skip=reason) for reason, items in refused.items())
        if wanted:
            plan = Plan([d.id for d, _n in wanted], max(d.attempts for d, _n in wanted))
            try:
                plan.email = _digest_email(recipient.user, wanted)
            except Exception as error:  # one reader's broken digest must not hold up everyone else's
                plan.failure = _render_failure(error, wanted[0][0].id)
            plans.append(plan)
    return plans


def _digest_email(user: User, rows: list[tuple[Delivery, Notification]]) -> Email:
    with force_locale(_user_locale(user)):
        count = len(rows)
        lines = [_("You have not read these yet:"), ""]
        for _delivery, notification in rows[:DIGEST_ITEMS]:
            message: Message = render(notification)
            lines += [f"• {format_datetime(notification.created_at, 'MM-dd HH:mm')}  {message.title}",
                      f"  {message.body}", ""]
        if count > DIGEST_ITEMS:
            lines += [ngettext("…and %(num)d more.", "…and %(num)d more.", count - DIGEST_ITEMS), ""]
        lines += ["--", _footer()]
        subject = ngettext("Daily digest: %(num)d unread notification", "Daily digest: %(num)d unread notifications",
                           count)
    return Email(rows[0][0].target, subject, "\n".join(lines))


def _send(plans: list[Plan], deadline: float) -> list[Outcome]:
    """Outcomes for the plans in order; stops early at the deadline (the rest stay due for the next run)."""
    outcomes = []
    unreachable: dict[str, str] = {}  # a server that did not answer fails its other messages at once
    with Mailer() as mailer:
        for plan in plans:
            if time.monotonic() >= deadline:
                break
            try:
                if plan.skip is not None:
                    outcomes.append(Outcome(skipped=plan.skip))
                    continue
                if plan.failure is not None:
                    raise ChannelError(plan.failure)
                if plan.server in unreachable:
                    raise ChannelError(unreachable[plan.server])
                if plan.email is not None:
                    mailer.send(plan.email)
                else:
                    post_webhook(plan.post)
                outcomes.append(Outcome())
            except ChannelError as error:
                if error.unreachable:
                    unreachable[plan.server] = str(error)
                outcomes.append(Outcome(error=str(error)[:500]))
    return outcomes


def _record(plan: Plan, outcome: Outcome, as_of: datetime) -> int:
    where = update(Delivery).where(Delivery.id.in_(plan.ids), Delivery.status == DeliveryStatus.pending)
    if outcome.skipped is not None:
        values = {"status": DeliveryStatus.skipped, "next_attempt_at": None, "last_error": outcome.skipped}
    elif outcome.error is None:
        values = {"status": DeliveryStatus.sent, "attempts": plan.attempts + 1, "sent_at": as_of,
                  "next_attempt_at": None, "last_error": ""}
    elif plan.attempts + 1 >= MAX_ATTEMPTS:
        values = {"status": DeliveryStatus.failed, "attempts": plan.attempts + 1, "next_attempt_at": None,
                  "last_error": outcome.error}
    else:
        values = {"attempts": plan.attempts + 1, "next_attempt_at": as_of + backoff(plan.attempts + 1),
                  "last_error": outcome.error}
    return db.session.execute(where.values(**values)).rowcount


def _send_all(as_of: datetime, planner, deadline: float) -> int:
    """Plan a batch, end the transaction, send, record and commit; until nothing is due or time is up."""
    changed = 0
    while time.monotonic() < deadline:
        plans = planner(as_of)
        if not plans:
            break
        db.session.commit()  # hold no transaction (no SQLite write lock) while waiting on the network
        outcomes = _send(plans, deadline)
        changed += sum(_record(plan, outcome, as_of) for plan, outcome in zip(plans, outcomes, strict=False))
        db.session.commit()  # what went out is on record before the next batch
    return changed


def release_digests(as_of: datetime) -> int:
    """Make the held digest deliveries due now; those whose notification was read meanwhile are skipped."""
    read = exists().where(Notification.id == Delivery.notification_id, Notification.read_at.is_not(None))
    held = (Delivery.status == DeliveryStatus.pending, Delivery.digest.is_(True), Delivery.next_attempt_at.is_(None))
    skipped = db.session.execute(update(Delivery).where(*held, read).values(
        status=DeliveryStatus.skipped, last_error="read in the app")).rowcount
    released = db.session.execute(update(Delivery).where(*held).values(next_attempt_at=as_of)).rowcount
    return skipped + released


# --- the jobs --------------------------------------------------------------------------------------------

@job("dispatch_notifications", "interval", "Deliver queued notifications by email and webhook", minutes=1)
def dispatch_notifications(as_of: datetime) -> int:
    """Create what is missing, then send every due e-mail and post, and retry digests that failed."""
    deadline = time.monotonic() + SEND_BUDGET
    changed = create_deliveries(as_of)
    changed += _send_all(as_of, _plan_single, deadline)
    changed += _send_all(as_of, _plan_digests, deadline)
    return changed


@job("daily_digest", "cron", "One email a day with what each person has not read", hour=7, minute=0)
def daily_digest(as_of: datetime) -> int:
    """One e-mail per digest reader listing what they have not read since the last digest; the deliveries it
    covers are marked sent, so neither this job nor the dispatch sends them again."""
    changed = create_deliveries(as_of)
    changed += release_digests(as_of)
    changed += _send_all(as_of, _plan_digests, time.monotonic() + SEND_BUDGET)
    return changed

