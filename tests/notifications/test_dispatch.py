"""Delivering the outbox through a real SMTP server and a real HTTP server: once, signed, retried, never lost."""
from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from safety.core.clock import frozen
from safety.extensions import db
from safety.notifications import services
from safety.notifications.jobs import MAX_ATTEMPTS
from safety.notifications.models import Delivery, DeliveryChannel, DeliveryStatus, Notification, Webhook
from safety.notifications.render import Message, renders
from safety.scheduler.registry import run_job
from tests.factories import enqueue
from tests.notifications.test_inbox_api import create_hazard

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
NEXT_DIGEST = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # 07:00 the next morning in Shanghai


@renders("test_drill_due")
def _drill_due(notification):  # a kind registered from outside the package, with a Chinese title
    return Message(f"演练提醒 #{notification.subject_id}", "请按计划组织疏散演练。", None)


@renders("test_broken")
def _broken(notification):
    raise RuntimeError("this renderer has a bug")


# --- the real servers ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """aiosmtpd on a fixed local port, so it can be stopped (the channel is down) and started again."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        return [message for recipients, message in self.messages if address in recipients]


class Receiver:
    """A webhook receiver: records every POST (path, query, headers, raw body) and answers `status`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer = b'{"errcode": 0, "errmsg": "ok"}'
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                path, _, query = self.path.partition("?")
                receiver.requests.append({"path": path, "query": urllib.parse.parse_qs(query),
                                          "headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def posts(self, path="/hook"):
        return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def smtp(app, monkeypatch):
    server = MailServer()
    server.start()
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "SMTP_STARTTLS": False,
                       "MAIL_FROM": "校园安全 <safety@example.cn>"}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


# --- helpers ---------------------------------------------------------------------------------------------

def run(name: str, at: datetime):
    result = run_job(name, at)
    assert result.status == "ok", result.error
    return result


def with_emails(world, *names, locale=None):
    for name in names:
        user = getattr(world, name)
        user.email = f"{name}@example.cn"
        user.locale = locale
    db.session.commit()


def prefer(user, **changes):
    services.update_preference(user, changes)
    db.session.commit()


def notify(user, kind, subject_type, subject_id, school, at=T0):
    with frozen(at):
        enqueue(user.id, kind, subject_type, subject_id, school.id if school else None, suffix=at.isoformat())
    db.session.commit()


def deliveries(channel=None):
    query = select(Delivery).order_by(Delivery.id)
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    return db.session.scalars(query).all()


def add_webhook(actor, **fields):
    webhook = services.create_webhook(actor, fields)
    db.session.commit()
    return webhook


# --- e-mail ----------------------------------------------------------------------------------------------

def test_an_immediate_email_goes_out_once_in_the_recipients_language(world, smtp):
    with_emails(world, "principal_a", locale="en")
    prefer(world.principal_a, digest=False)
    hazard = create_hazard(world.school_a, title="教学楼外墙脱落")
    notify(world.principal_a, "hazard_major_reported", "hazard", hazard.id, world.school_a)

    run("dispatch_notifications", T0 + timedelta(minutes=1))
    run("dispatch_notifications", T0 + timedelta(minutes=2))  # twice: nothing twice

    [message] = smtp.to("principal_a@example.cn")
    assert message["Subject"] == "Major hazard reported"
    assert message["From"] == "校园安全 <safety@example.cn>" and message["Message-ID"]
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert "District A No.1 Primary reported a major hazard: “教学楼外墙脱落”." in message.get_content()
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.target) == (DeliveryStatus.sent, 1, "principal_a@example.cn")
    assert delivery.sent_at == T0 + timedelta(minutes=1)


def test_subject_and_body_are_utf8(world, smtp):
    with_emails(world, "principal_a")
    prefer(world.principal_a, digest=False)
    notify(world.principal_a, "test_drill_due", "drill", 7, world.school_a)
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    [message] = smtp.to("principal_a@example.cn")
    assert message["Subject"] == "演练提醒 #7"
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw.lower()  # RFC 2047 encoded header, not raw bytes in the header
    assert "请按计划组织疏散演练。" in message.get_content()


def test_preferences_are_honoured(world, smtp):
    with_emails(world, "principal_a", "principal_b", "office_a")
    prefer(world.principal_a, digest=False, quiet_kinds=["test_drill_due"])
    prefer(world.principal_b, email=False)
    prefer(world.office_a, digest=False)
    hazard = create_hazard(world.school_a)
    for user in (world.principal_a, world.principal_b, world.principal_c):  # principal_c has no address
        notify(user, "test_drill_due", "drill", 1, world.school_a)
        notify(user, "hazard_major_reported", "hazard", hazard.id, world.school_a)

    run("dispatch_notifications", T0 + timedelta(minutes=1))

    assert [m["Subject"] for m in smtp.to("principal_a@example.cn")] == ["发现重大隐患"]  # zh-CN: the default language
    assert len(smtp.messages) == 1
    assert [(d.target, d.status) for d in deliveries()] == [("principal_a@example.cn", DeliveryStatus.sent)]


def test_a_preference_changed_while_an_email_waits_for_a_retry_is_honoured(world, smtp, client):
    with_emails(world, "office_a", "principal_a")
    prefer(world.office_a, digest=False)
    prefer(world.principal_a, digest=False)
    notify(world.office_a, "test_drill_due", "drill", 1, world.school_a)
    notify(world.principal_a, "test_drill_due", "drill", 1, world.school_a)
    smtp.stop()
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    assert {d.attempts for d in deliveries()} == {1}
    prefer(world.office_a, email=False)
    client.post("/api/v1/notifications/read-all", headers=world.headers("principal_a"))
    smtp.start()
    run("dispatch_notifications", T0 + timedelta(minutes=2))
    assert smtp.messages == []
    # one INSERT … SELECT made both deliveries: their order is the database's, so compare as a set
    assert {(d.status, d.last_error) for d in deliveries()} == {
        (DeliveryStatus.skipped, "e-mail switched off"), (DeliveryStatus.skipped, "read in the app")}


def test_the_daily_digest_sends_one_email_listing_what_is_unread(world, smtp, client):
    with_emails(world, "office_a", "principal_a", locale="en")  # both on the default: a daily digest
    first, second = create_hazard(world.school_a, title="配电箱未上锁"), create_hazard(world.school_b, title="围墙破损")
    notify(world.office_a, "hazard_major_reported", "hazard", first.id, world.school_a)
    notify(world.office_a, "hazard_major_reported", "hazard", second.id, world.school_b, at=T0 + timedelta(hours=1))
    notify(world.office_a, "test_drill_due", "drill", 3, world.school_a, at=T0 + timedelta(hours=2))
    notify(world.office_a, "test_drill_due", "drill", 4, world.school_a, at=T0 + timedelta(hours=3))
    notify(world.principal_a, "test_drill_due", "drill", 5, world.school_a, at=T0 + timedelta(hours=3))
    run("dispatch_notifications", T0 + timedelta(hours=4))
    assert smtp.messages == []  # held for the digest

    read = db.session.scalars(select(Notification.id).where(Notification.kind == "test_drill_due",
                                                            Notification.subject_id == 4)).one()
    client.post(f"/api/v1/notifications/{read}/read", headers=world.headers("office_a"))

    run("daily_digest", NEXT_DIGEST)
    run("daily_digest", NEXT_DIGEST + timedelta(minutes=1))
    run("dispatch_notifications", NEXT_DIGEST + timedelta(minutes=2))

    [digest] = smtp.to("office_a@example.cn")
    assert digest["Subject"] == "Daily digest: 3 unread notifications"
    text = digest.get_content()
    assert "配电箱未上锁" in text and "围墙破损" in text and "演练提醒 #3" in text
    assert "演练提醒 #4" not in text  # read in the app meanwhile
    assert "03-02 09:00" in text  # times in the display time zone (Asia/Shanghai)
    assert len(smtp.to("principal_a@example.cn")) == 1 and len(smtp.messages) == 2
    states = sorted(d.status.value for d in deliveries() if d.target == "office_a@example.cn")
    assert states == ["sent", "sent", "sent", "skipped"]


def test_email_down_is_retried_with_back_off_and_nothing_is_lost(world, smtp):
    with_emails(world, "principal_a", "principal_b")
    for user in (world.principal_a, world.principal_b):
        prefer(user, digest=False)
        notify(user, "test_drill_due", "drill", 9, world.school_a)
    smtp.stop()

    at = T0 + timedelta(minutes=1)
    waits = []
    for _ in range(4):
        run("dispatch_notifications", at)
        first, second = deliveries()
        assert first.next_attempt_at == second.next_attempt_at  # both tried, both wait
        waits.append(first.next_attempt_at - at)
        run("dispatch_notifications", first.next_attempt_at - timedelta(seconds=1))  # not due yet: untouched
        assert [d.attempts for d in deliveries()] == [len(waits)] * 2
        at = first.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert first.status == DeliveryStatus.pending and "SMTP" in first.last_error

    smtp.start()
    run("dispatch_notifications", at)
    run("dispatch_notifications", at + timedelta(hours=1))
    assert [m["Subject"] for m in smtp.to("principal_a@example.cn")] == ["演练提醒 #9"]
    assert [m["Subject"] for m in smtp.to("principal_b@example.cn")] == ["演练提醒 #9"]
    assert [(d.status, d.attempts, d.last_error) for d in deliveries()] == [(DeliveryStatus.sent, 5, "")] * 2


def test_a_broken_renderer_fails_its_own_delivery_only(world, smtp):
    with_emails(world, "principal_a", "principal_b")
    for user in (world.principal_a, world.principal_b):
        prefer(user, digest=False)
    notify(world.principal_a, "test_broken", "drill", 1, world.school_a)
    notify(world.principal_b, "test_drill_due", "drill", 2, world.school_a)
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    # By kind: deliveries come from one INSERT … SELECT, whose row order PostgreSQL does not promise.
    by_kind = {db.session.get(Notification, d.notification_id).kind: d for d in deliveries()}
    broken, fine = by_kind["test_broken"], by_kind["test_drill_due"]
    assert (broken.status, broken.attempts) == (DeliveryStatus.pending, 1)
    assert broken.last_error == "render: RuntimeError: this renderer has a bug"
    assert fine.status == DeliveryStatus.sent and len(smtp.messages) == 1


def test_without_a_mail_server_configured_no_emails_are_queued(world):
    with_emails(world, "principal_a")
    prefer(world.principal_a, digest=False)
    notify(world.principal_a, "test_drill_due", "drill", 9, world.school_a)
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    assert deliveries() == []


# --- webhooks --------------------------------------------------------------------------------------------

def test_a_generic_webhook_is_signed_and_hears_of_each_event_once(world, receiver):
    secret = "district-a-secret-123"
    district = add_webhook(world.office_a, region_id=world.district_a.id, url=receiver.url(), secret=secret)
    add_webhook(world.city_office, region_id=world.city.id, url=receiver.url("/city"), format="generic")
    add_webhook(world.principal_b, school_id=world.school_b.id, url=receiver.url("/school_b"))
    hazard, elsewhere = create_hazard(world.school_a, level=1), create_hazard(world.school_c)
    for user in (world.office_a, world.district_inspector_a, world.city_office):  # one event, three people
        notify(user, "hazard_major_reported", "hazard", hazard.id, world.school_a)
    notify(world.office_b, "hazard_major_reported", "hazard", elsewhere.id, world.school_c)

    run("dispatch_notifications", T0 + timedelta(minutes=1))
    run("dispatch_notifications", T0 + timedelta(minutes=2))

    [post] = receiver.posts("/hook")
    expected = "sha256=" + hmac.new(secret.encode(), post["body"], hashlib.sha256).hexdigest()
    assert post["headers"]["X-Safety-Signature"] == expected
    assert abs(int(post["headers"]["X-Safety-Timestamp"]) - time.time()) < 60
    payload = json.loads(post["body"])
    assert payload["kind"] == "hazard_major_reported" and payload["subject_id"] == hazard.id
    assert payload["link"] == f"https://safety.example.cn/api/v1/hazards/{hazard.id}"
    assert "甲区第一小学" in payload["body"]  # robots speak the default language
    [delivery] = [d for d in deliveries(DeliveryChannel.webhook) if d.webhook_id == district.id]
    assert payload["delivery_id"] == delivery.id and delivery.target == str(district.id)
    # the city's robot hears of both districts; school_b's robot of neither
    assert sorted(json.loads(p["body"])["subject_id"] for p in receiver.posts("/city")) == sorted([
        hazard.id, elsewhere.id])
    assert receiver.posts("/school_b") == []
    assert {d.status for d in deliveries()} == {DeliveryStatus.sent}


def test_the_same_event_a_day_later_is_posted_again(world, receiver):
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url())
    for day in (0, 1):  # a daily reminder: same kind and subject, a new event each day
        for moments, user in enumerate((world.principal_a, world.officer_a)):  # the same event, moments apart
            notify(user, "inspection_overdue", "school", world.school_a.id, world.school_a,
                   at=T0 + timedelta(days=day, seconds=3 * moments))
        run("dispatch_notifications", T0 + timedelta(days=day, minutes=1))
    assert len(receiver.posts()) == 2


def test_wecom_and_dingtalk_robots_get_their_own_shapes(world, receiver):
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url("/wecom?key=k1"), format="wecom")
    add_webhook(world.office_a, region_id=world.district_a.id, url=receiver.url("/dingtalk?access_token=t1"),
                format="dingtalk", secret="SEC-dingtalk-secret")
    hazard = create_hazard(world.school_a, title="教学楼外墙脱落")
    notify(world.principal_a, "hazard_major_reported", "hazard", hazard.id, world.school_a)
    run("dispatch_notifications", T0 + timedelta(minutes=1))

    [wecom] = receiver.posts("/wecom")
    assert wecom["query"] == {"key": ["k1"]}
    payload = json.loads(wecom["body"])
    assert payload["msgtype"] == "markdown" and set(payload["markdown"]) == {"content"}
    assert payload["markdown"]["content"].startswith("### ") and "教学楼外墙脱落" in payload["markdown"]["content"]

    [dingtalk] = receiver.posts("/dingtalk")
    payload = json.loads(dingtalk["body"])
    assert payload["msgtype"] == "markdown" and set(payload["markdown"]) == {"title", "text"}
    assert "教学楼外墙脱落" in payload["markdown"]["text"]
    timestamp, sign = dingtalk["query"]["timestamp"][0], dingtalk["query"]["sign"][0]
    assert dingtalk["query"]["access_token"] == ["t1"]
    digest = hmac.new(b"SEC-dingtalk-secret", f"{timestamp}\nSEC-dingtalk-secret".encode(), hashlib.sha256).digest()
    assert sign == base64.b64encode(digest).decode()
    assert abs(int(timestamp) / 1000 - time.time()) < 60


def test_a_robot_error_code_is_a_failed_attempt(world, receiver):
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url(), format="dingtalk")
    receiver.answer = b'{"errcode": 310000, "errmsg": "sign not match"}'
    notify(world.principal_a, "test_drill_due", "drill", 1, world.school_a)
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.pending and delivery.attempts == 1
    assert "310000" in delivery.last_error


def test_a_failing_webhook_is_retried_and_delivered_when_it_comes_back(world, receiver):
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url())
    notify(world.principal_a, "test_drill_due", "drill", 1, world.school_a)
    receiver.status = 500
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    [delivery] = deliveries()
    assert (delivery.attempts, delivery.last_error) == (1, "HTTP 500")
    assert delivery.next_attempt_at == T0 + timedelta(minutes=2)
    run("dispatch_notifications", T0 + timedelta(minutes=1, seconds=30))
    assert len(receiver.posts()) == 1  # not due yet

    receiver.status = 200
    run("dispatch_notifications", T0 + timedelta(minutes=2))
    run("dispatch_notifications", T0 + timedelta(minutes=3))
    assert len(receiver.posts()) == 2
    first, second = (json.loads(p["body"]) for p in receiver.posts())
    assert first["delivery_id"] == second["delivery_id"]  # the receiver can tell a retry from a new event
    assert deliveries()[0].status == DeliveryStatus.sent


def test_after_the_last_attempt_the_delivery_fails_but_the_notification_stays(world, receiver):
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url())
    notify(world.principal_a, "test_drill_due", "drill", 1, world.school_a)
    receiver.status = 503
    at = T0 + timedelta(minutes=1)
    for _ in range(MAX_ATTEMPTS):
        run("dispatch_notifications", at)
        at = deliveries()[0].next_attempt_at or at + timedelta(hours=1)
    run("dispatch_notifications", at + timedelta(days=1))
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.failed, MAX_ATTEMPTS)
    assert len(receiver.posts()) == MAX_ATTEMPTS
    assert db.session.scalars(select(Notification.read_at)).one() is None  # still unread in the inbox


def test_kind_filters_inactive_and_deleted_robots(world, receiver):
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url("/majors"),
                kinds=["hazard_major_reported"])
    add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url("/off"), active=False)
    doomed = add_webhook(world.principal_a, school_id=world.school_a.id, url=receiver.url("/doomed"))
    hazard = create_hazard(world.school_a)
    notify(world.principal_a, "test_drill_due", "drill", 1, world.school_a)
    notify(world.principal_a, "hazard_major_reported", "hazard", hazard.id, world.school_a)
    receiver.status = 500
    run("dispatch_notifications", T0 + timedelta(minutes=1))
    services.delete_webhook(world.principal_a, db.session.get(Webhook, doomed.id))
    db.session.commit()
    receiver.status = 200
    run("dispatch_notifications", T0 + timedelta(minutes=5))

    assert [json.loads(p["body"])["kind"] for p in receiver.posts("/majors")] == ["hazard_major_reported"] * 2
    assert receiver.posts("/off") == []
    assert len(receiver.posts("/doomed")) == 2  # the two failed attempts before it was deleted; none after
    assert sorted(d.status.value for d in deliveries()) == ["sent", "skipped", "skipped"]
