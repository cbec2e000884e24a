"""The escalation sweep's statements do not grow with the hazards it moves: per level one INSERT … SELECT of
history events, one UPDATE of the hazards, one audit row when any moved, and notifications once per recipient
(not per hazard)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardEvent
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job
from tests.perf.test_statement_budgets import add_hazards, counted


def _writes(statements: list[str]) -> list[str]:
    """The sweep's writes to hazards, their history and audit (the job's own bookkeeping left out)."""
    tables = ("hazard_events", "hazards", "audit_events", "notifications")
    return [s.split("(")[0].split(" SET ")[0].strip() for s in statements
            if s.lstrip().upper().startswith(("INSERT", "UPDATE")) and any(f" {t}" in s.split("\n")[0] for t in tables)]


def _sweep_counted(school_id: int, overdue: int) -> tuple[list[str], int]:
    add_hazards(school_id, overdue)  # of these, the ones with a past deadline are overdue
    moving = db.session.scalar(select(func.count()).select_from(Hazard).where(Hazard.level == 0,
                                                                               Hazard.deadline < now()))
    with counted() as statements:
        run = run_job("escalate_hazards", now() + timedelta(seconds=1))
    assert run.status == "ok", run.error
    return statements, moving


def test_a_sweep_of_many_hazards_costs_what_a_sweep_of_few_does(client, world):
    school_id = world.school_a.id
    assert run_job("escalate_hazards", now()).status == "ok"  # the job's lease row exists from now on
    small, few = _sweep_counted(school_id, 9)
    large, many = _sweep_counted(school_id, 90)
    assert (few, many) == (5, 50)  # 5 in every 9 have a deadline from 4 days ago to the moment they were made
    assert len(large) == len(small), (small, large)
    writes = _writes(large)
    # school → district moves 50; district → city none (their clock has just started), still one statement each
    assert writes.count("INSERT INTO hazard_events") == 2 and writes.count("UPDATE hazards") == 2, writes
    assert writes.count("INSERT INTO audit_events") == 1 and writes.count("INSERT INTO notifications") == 4, writes
    db.session.expire_all()
    events = db.session.scalar(select(func.count()).select_from(HazardEvent).where(HazardEvent.action == "escalated"))
    assert events == few + many
    per_recipient = db.session.execute(select(Notification.recipient_id, func.count()).where(
        Notification.kind == "hazards_escalated").group_by(Notification.recipient_id)).all()
    assert per_recipient and all(n == 2 for _recipient, n in per_recipient)  # one per sweep, two sweeps
