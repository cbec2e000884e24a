"""`safety doctor`: what this installation needs to work, checked the way the service itself would use it.

Each check returns (status, what it found); `scripts/start.sh` asks `safety doctor --fonts` whether to install
a Chinese font, so the script and the service judge fonts by the same rule.
"""
from __future__ import annotations

import secrets
import smtplib
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from .core.clock import now
from .extensions import db

OK, WARN, FAIL = "ok", "warn", "FAIL"
STALE_SCHEDULER = timedelta(minutes=15)  # the most frequent job runs every minute


def check_fonts() -> tuple[str, str]:
    from .labels.fonts import FontMissing, find_fonts
    configured = current_app.config.get("CJK_FONT_PATH")
    try:
        regular, bold = find_fonts(configured), find_fonts(configured, bold=True)
    except FontMissing as error:
        return FAIL, f"labels and PDFs cannot be printed: {error.detail}"
    return OK, f"{regular.describe()}; bold: {bold.chinese.name}"


def check_database() -> tuple[str, str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        return FAIL, f"{url} does not answer: {type(error).__name__}: {str(error).splitlines()[0]}"
    heads = set(ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_heads())
    if current != heads:
        return FAIL, f"{url} is at {', '.join(sorted(current)) or 'no revision'}, the code at " \
                     f"{', '.join(sorted(heads))}: run `safety db upgrade`"
    return OK, f"{url}, schema at {', '.join(sorted(heads))}"


def check_photo_storage() -> tuple[str, str]:
    from .photos.services import storage
    kind = current_app.config.get("PHOTO_STORAGE", "folder")
    where = current_app.config.get("PHOTO_STORAGE_DIR") if kind == "folder" else current_app.config.get("S3_BUCKET")
    key, probe = f"doctor-probe/{secrets.token_hex(8)}", secrets.token_bytes(32)
    try:
        store = storage()
        store.put(key, probe)
        with store.open(key) as stored:
            readable = stored.read() == probe
        store.delete(key)
    except Exception as error:  # any failure of any backend is the finding itself
        return FAIL, f"{kind} {where}: cannot write, read and delete a file: {type(error).__name__}: {error}"
    if not readable:
        return FAIL, f"{kind} {where}: a file written came back different"
    return OK, f"{kind} {where}: writes, reads and deletes"


def check_scheduler() -> tuple[str, str]:
    from .scheduler.models import JobRun
    try:
        last = db.session.scalar(select(func.max(JobRun.started_at)))
        latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
        failing = db.session.scalars(select(JobRun.job).join(latest, JobRun.id == latest.c.id)
                                     .where(JobRun.status == "error").order_by(JobRun.job)).all()
    except SQLAlchemyError:
        db.session.rollback()
        return WARN, "no job runs can be read (see the database check)"
    if last is None:
        return WARN, "no job has run yet: start `safety scheduler` (one per deployment)"
    age = now() - last
    if failing:
        return WARN, f"the last run of {', '.join(failing)} failed: `safety jobs run NAME` shows why"
    if age > STALE_SCHEDULER:
        return WARN, f"the last job ran {_ago(age)} ago: is `safety scheduler` running?"
    return OK, f"the last job ran {_ago(age)} ago"


def check_mail() -> tuple[str, str]:
    from .notifications.channels import Mailer
    mailer = Mailer()
    if not mailer.host:
        return OK, "SMTP_HOST is not set: nothing is e-mailed (in-app and webhook notifications still go out)"
    try:
        mailer.check()
    except (smtplib.SMTPException, OSError) as error:
        return FAIL, f"{mailer.host}:{mailer.port}: {type(error).__name__}: {error}"
    return OK, f"{mailer.host}:{mailer.port} accepts a connection{' and the login' if mailer.user else ''}, " \
               f"mail from {mailer.sender}"


def _ago(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


CHECKS: dict[str, Callable[[], tuple[str, str]]] = {
    "fonts": check_fonts,
    "database": check_database,
    "photo storage": check_photo_storage,
    "scheduler": check_scheduler,
    "mail": check_mail,
}
