"""The channels a delivery goes out on: e-mail over SMTP and webhooks (generic JSON, WeCom, DingTalk robots).

A channel either returns (delivered) or raises ChannelError (a failed attempt, retried by the dispatch job).
Nothing here touches the database: the dispatch job renders first, ends its transaction, then sends.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid

from flask import current_app

SMTP_TIMEOUT = 10      # seconds per SMTP operation
WEBHOOK_TIMEOUT = 5    # seconds per webhook POST
MAX_RESPONSE = 64 * 1024


class ChannelError(Exception):
    """The message did not go out; the text is kept as the delivery's last error. `unreachable`: the server
    could not be reached at all, so the other messages for it in this batch need not wait for their timeouts."""

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


# --- e-mail ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _mail_from() -> str:
    return current_app.config.get("MAIL_FROM") or "safety@localhost"


def build_email(email: Email, sender: str) -> EmailMessage:
    """A proper MIME message: UTF-8 subject (RFC 2047) and UTF-8 text body, Date and Message-ID."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or "localhost")
    message.set_content(email.body, charset="utf-8")
    return message


class Mailer:
    """One SMTP connection for a batch of messages, opened on first use and reopened after an error.

    Config: SMTP_HOST, SMTP_PORT (25), SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS (False), MAIL_FROM.
    """

    def __init__(self):
        config = current_app.config
        self.host = config.get("SMTP_HOST")
        self.port = int(config.get("SMTP_PORT") or 25)
        self.user = config.get("SMTP_USER")
        self.password = config.get("SMTP_PASSWORD") or ""
        self.starttls = bool(config.get("SMTP_STARTTLS"))
        self.sender = _mail_from()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        if not self.host:
            raise ChannelError("SMTP_HOST is not configured")
        smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def check(self) -> None:
        """Connect (and log in) as sending would, then hang up; raises what sending would (safety doctor)."""
        self._connect().quit()

    def send(self, email: Email) -> None:
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as error:
                raise ChannelError(f"SMTP: {type(error).__name__}: {error}"[:500], unreachable=True) from error
        try:
            self._smtp.send_message(build_email(email, self.sender))
        except (smtplib.SMTPException, OSError, UnicodeError) as error:
            self.close()  # the connection may be in any state; the next message starts afresh
            raise ChannelError(f"SMTP: {type(error).__name__}: {error}"[:500]) from error

    def close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


# --- webhooks --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WebhookPost:
    url: str
    body: bytes
    headers: dict[str, str]
    robot: bool  # WeCom/DingTalk answer 200 with {"errcode": …}; anything but 0 is a failure


def sign(secret: str, body: bytes) -> str:
    """X-Safety-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook's secret>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key=secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": base64.b64encode(digest).decode()})
    return f"{url}{'&' if urllib.parse.urlsplit(url).query else '?'}{query}"


def markdown(title: str, body: str) -> str:
    """Robots show markdown to people in a group chat; the API link (which needs a token) is left out."""
    return f"### {title}\n\n{body}"


def build_webhook_post(*, url: str, secret: str, format: str, title: str, body: str, link: str | None,
                       event: dict) -> WebhookPost:
    """The request for one message in the webhook's format. Timestamps are the real time: receivers check
    them against their own clocks (DingTalk rejects a `timestamp` more than an hour off)."""
    timestamp = time.time()
    if format == "wecom":
        payload = {"msgtype": "markdown", "markdown": {"content": markdown(title, body)}}
    elif format == "dingtalk":
        payload = {"msgtype": "markdown",
                   "markdown": {"title": title, "text": markdown(title, body)}}
        if secret:
            url = dingtalk_signed_url(url, secret, int(timestamp * 1000))
    else:
        payload = {**event, "title": title, "body": body, "link": link}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "campus-safety-webhooks/1",
               "X-Safety-Timestamp": str(int(timestamp))}
    if secret:
        headers["X-Safety-Signature"] = sign(secret, raw)
    return WebhookPost(url, raw, headers, robot=format in ("wecom", "dingtalk"))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we did not ask for (and a way to point us at internal addresses): a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_webhook(post: WebhookPost) -> None:
    request = urllib.request.Request(post.url, data=post.body, headers=post.headers, method="POST")
    try:
        with _opener.open(request, timeout=WEBHOOK_TIMEOUT) as response:
            status = response.status
            answer = response.read(MAX_RESPONSE)
    except urllib.error.HTTPError as error:
        error.close()
        raise ChannelError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelError(f"{type(error).__name__}: {reason}"[:500], unreachable=True) from None
    if not 200 <= status < 300:
        raise ChannelError(f"HTTP {status}")
    if post.robot:
        try:
            errcode = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0  # not JSON: the 2xx status is all we know
        if errcode not in (0, None):
            raise ChannelError(f"robot errcode {errcode}: {answer[:300].decode(errors='replace')}")
