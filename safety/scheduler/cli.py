import contextlib
import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.clock import parse_aware
from .registry import load_jobs, run_job


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler in this process (Ctrl-C stops it). Run one per deployment."""
    from .process import build_scheduler
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # APScheduler narrates every job added and every run at INFO; our own line per run says what matters.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler(current_app._get_current_object())
    click.echo(f"scheduler: {len(scheduler.get_jobs())} jobs")
    for name in load_jobs():  # catch up at start: jobs compute from state and time, so this is always safe
        run_job(name)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


@click.group("jobs")
def jobs_group():
    """List or run the scheduler's jobs."""


@jobs_group.command("list")
@with_appcontext
def list_jobs():
    """One job per line: its name, its schedule, what it does."""
    for definition in load_jobs().values():
        schedule = ", ".join(f"{k}={v}" for k, v in definition.trigger_args.items())
        click.echo(f"{definition.name}\t{definition.trigger}({schedule})\t{definition.description}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--at", "at", default=None, help="ISO time to compute for (default: now).")
@with_appcontext
def run_one(name, at):
    """Run one job once, as the scheduler would (operators and tests)."""
    jobs = load_jobs()
    if name not in jobs:
        raise click.ClickException(f"no job {name}; jobs: {', '.join(jobs)}")
    run = run_job(name, parse_aware(at) if at else None)
    click.echo(f"{name}: {run.status}, {run.rows_affected} rows{(' — ' + run.error.strip()) if run.error else ''}")
    if run.status == "error":
        raise SystemExit(1)
