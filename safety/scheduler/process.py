"""The scheduler process: APScheduler 3's BlockingScheduler, one per deployment (a second is harmless)."""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from .registry import load_jobs, run_job

log = logging.getLogger(__name__)


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Jobs with fixed ids, coalesced, one instance at a time, with a misfire grace; each run in the app."""
    timezone = app.config["BABEL_DEFAULT_TIMEZONE"]
    scheduler = BlockingScheduler(timezone=timezone, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 15 * 60})

    def run_in_app(name: str) -> None:
        with app.app_context():
            run = run_job(name)
            # A run that changed nothing (most minutes) is not worth a console line.
            level = logging.INFO if run.rows_affected or run.status != "ok" else logging.DEBUG
            log.log(level, "job %s: %s, %s rows", name, run.status, run.rows_affected)

    for definition in load_jobs().values():
        scheduler.add_job(run_in_app, definition.trigger, args=[definition.name], id=definition.name,
                          name=definition.description, replace_existing=True, **definition.trigger_args)
    return scheduler
