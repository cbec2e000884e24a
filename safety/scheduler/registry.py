"""Jobs declared in code with fixed ids; running one under a lease and recording the run."""
from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..core.clock import frozen, now
from ..extensions import db
from .models import JobLease, JobRun

log = logging.getLogger(__name__)


def holder() -> str:
    """Who holds a lease: host, process and thread (the scheduler runs jobs in a thread pool)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], int]  # computes everything due at `as_of`; returns rows changed
    trigger: str                    # "interval" or "cron" (APScheduler triggers)
    trigger_args: dict = field(default_factory=dict)
    description: str = ""
    lease: timedelta = timedelta(minutes=15)


JOBS: dict[str, Job] = {}


def job(name: str, trigger: str, description: str, **trigger_args):
    """Register a domain function as a scheduler job under a fixed id."""
    def register(func: Callable[[datetime], int]):
        JOBS[name] = Job(name, func, trigger, trigger_args, description)
        return func
    return register


def load_jobs() -> dict[str, Job]:
    """Import every module that declares jobs (kept in one list, so the registry is complete)."""
    from . import jobs  # noqa: F401
    return JOBS


def _take_lease(name: str, duration: timedelta) -> bool:
    moment, me = now(), holder()
    taken = db.session.execute(
        update(JobLease).where(JobLease.name == name, (JobLease.expires_at < moment) | (JobLease.holder == me))
        .values(holder=me, expires_at=moment + duration)).rowcount
    if not taken:
        try:
            with db.session.begin_nested():
                db.session.add(JobLease(name=name, holder=me, expires_at=moment + duration))
            taken = 1
        except IntegrityError:
            taken = 0
    db.session.commit()  # the lease must be visible to other processes before the work starts
    return bool(taken)


def _release_lease(name: str) -> None:
    db.session.execute(update(JobLease).where(JobLease.name == name, JobLease.holder == holder())
                       .values(expires_at=now()))
    db.session.commit()


def run_job(name: str, as_of: datetime | None = None, triggered_by: int | None = None) -> JobRun:
    """Run one job once for `as_of` (default: now), unless another process holds its lease."""
    definition = load_jobs()[name]
    as_of = as_of or now()
    started = now()
    if not _take_lease(name, definition.lease):
        run = JobRun(job=name, holder=holder(), as_of=as_of, started_at=started, finished_at=now(), status="skipped",
                     triggered_by=triggered_by)
        db.session.add(run)
        db.session.commit()
        return run
    try:
        with frozen(as_of):
            rows = definition.run(as_of)
        run = JobRun(job=name, holder=holder(), as_of=as_of, started_at=started, finished_at=now(), status="ok",
                     rows_affected=rows or 0, triggered_by=triggered_by)
        db.session.add(run)
        db.session.commit()  # the job's changes and its record land together
    except Exception as error:  # a failing job is recorded and reported; the scheduler keeps going
        db.session.rollback()
        log.exception("job %s failed", name)
        run = JobRun(job=name, holder=holder(), as_of=as_of, started_at=started, finished_at=now(), status="error",
                     error="".join(traceback.format_exception_only(error))[-4000:], triggered_by=triggered_by)
        db.session.add(run)
        db.session.commit()
    finally:
        _release_lease(name)
    return run
