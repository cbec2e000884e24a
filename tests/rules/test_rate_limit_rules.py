"""Rate limits at their exact edges, through HTTP with the clock frozen: Retry-After to the second, the moment a
lock ends, the cap on a doubled lock, the last report allowed in a window, and the housekeeping job that forgets
only the hits no limit can still see."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from safety.core.clock import frozen
from safety.core.ratelimit import RateLimitHit
from safety.extensions import db
from safety.scheduler.registry import run_job
from tests.api.test_throttling import login, report, retry_after
from tests.factories import create_point

T = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _fail(client, times, moment=T, username="principal_a"):
    with frozen(moment):
        for _ in range(times):
            assert login(client, username, "wrong-password").status_code == 401


def test_four_failures_do_not_lock_and_the_fifth_locks_for_exactly_fifteen_minutes(client, world):
    _fail(client, 4)
    with frozen(T):
        assert login(client, "principal_a").status_code == 200  # the right password also forgets the pair's
    _fail(client, 5)
    with frozen(T):
        refused = login(client, "principal_a")
        assert retry_after(refused) == 15 * 60
        assert "15" in refused.json["error"]["message"]


def test_the_lock_ends_at_the_second_retry_after_named(client, world):
    _fail(client, 5)
    with frozen(T + timedelta(minutes=15) - SECOND / 5):
        refused = login(client, "principal_a")
        assert retry_after(refused) == 1  # a fraction of a second left: wait one second, not zero
    with frozen(T + timedelta(minutes=14, seconds=30)):
        assert retry_after(login(client, "principal_a")) == 30
    with frozen(T + timedelta(minutes=15)):
        assert login(client, "principal_a").status_code == 200


def test_a_doubled_lock_never_outlasts_the_failure_memory(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT", timedelta(hours=1))
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_MEMORY", timedelta(minutes=90))
    _fail(client, 5)
    later = T + timedelta(hours=1, seconds=1)
    _fail(client, 1, later)  # doubled would be two hours; the failures are remembered for ninety minutes
    with frozen(later):
        assert retry_after(login(client, "principal_a")) == 90 * 60


def test_a_window_admits_exactly_its_limit_and_frees_a_place_when_the_oldest_leaves(client, world, app,
                                                                                 monkeypatch):
    point = create_point(world.school_a, code="RL-1")
    db.session.commit()
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 2)
    for offset in (0, 1):
        with frozen(T + offset * SECOND):
            assert report(client, point.qr_token).status_code == 202
    with frozen(T + 2 * SECOND):
        refused = report(client, point.qr_token)
        assert retry_after(refused) == 3600 - 1  # when the second report leaves
        assert "60" in refused.json["error"]["message"]  # minutes, rounded up
    with frozen(T + timedelta(hours=1)):  # the first has just left; the second and the refusal are still inside
        assert retry_after(report(client, point.qr_token)) == 2  # until the refusal at 2 s leaves
    with frozen(T + timedelta(hours=1, seconds=2)):  # the refusal at 2 s has just left; the one at 1 h has not
        assert report(client, point.qr_token).status_code == 202


@pytest.mark.parametrize(("memory_hours", "kept_ages_hours"), [(24, [1, 23, 24]), (48, [1, 23, 24, 25, 47, 48])])
def test_housekeeping_forgets_hits_older_than_any_limit_can_see(client, world, app, monkeypatch, memory_hours,
                                                                kept_ages_hours):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_MEMORY", timedelta(hours=memory_hours))
    for age in (1, 23, 24, 25, 47, 48, 49):  # a hit exactly as old as the window is still inside it
        db.session.add(RateLimitHit(bucket="login", key=f"age:{age}", at=T - timedelta(hours=age)))
    db.session.commit()
    assert run_job("purge_rate_limits", T).status == "ok"
    db.session.expire_all()
    kept = sorted(int(k.split(":")[1]) for k in db.session.scalars(select(RateLimitHit.key)))
    assert kept == kept_ages_hours


def test_failures_exactly_as_old_as_the_memory_are_forgotten(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_MEMORY", timedelta(minutes=90))
    _fail(client, 5)
    _fail(client, 1, T + timedelta(minutes=80))  # the first lock is long over: a sixth failure, counted
    with frozen(T + timedelta(minutes=90)):  # the five are forgotten now: one failure locks nothing
        assert login(client, "principal_a").status_code == 200
