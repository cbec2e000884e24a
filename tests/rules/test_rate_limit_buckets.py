"""Each rate limit (log-in failures, public hazard reports, parents' receipts) is a bucket of its own: an address
that shows up in several buckets, under the same key `ip:<address>`, spends each allowance apart, and a window
frees a place when the oldest hit of that bucket and that key leaves, never another bucket's or another key's. An
account's key is its whole name."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from safety.core.clock import frozen
from safety.extensions import db
from tests.api.test_throttling import login, report, retry_after
from tests.factories import create_point, create_user

T = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SCHOOL = "10.20.0.1"  # a school's NAT address: staff log in from it, the caretaker's phone reports from it
NEIGHBOUR = "10.20.0.2"


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="RLB-1")
    db.session.commit()
    return point


def receipt(client, token="no-such-letter", address=SCHOOL):
    return client.post(f"/api/v1/public/receipts/{token}", json={"child": "王小明", "signer": "王芳"},
                       environ_base={"REMOTE_ADDR": address})


def _reports(client, point, address, minutes):
    """One report at each of these minutes after T, every one accepted."""
    for minute in minutes:
        with frozen(T + minute * MINUTE):
            assert report(client, point.qr_token, address=address).status_code == 202


def test_parent_receipts_do_not_use_up_the_addresss_hazard_report_allowance(client, world, point, app,
                                                                            monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 2)
    monkeypatch.setitem(app.config, "CAMPAIGN_RECEIPTS_PER_HOUR", 3)
    with frozen(T):
        assert [receipt(client).status_code for _ in range(3)] == [404, 404, 404]  # unknown letters count too
    _reports(client, point, SCHOOL, [10, 20])
    with frozen(T + 30 * MINUTE):
        assert retry_after(report(client, point.qr_token, address=SCHOOL)) == 50 * 60  # when the report at 20 leaves
        assert retry_after(receipt(client)) == 30 * 60  # the receipts' own window, unmoved by the reports


def test_failed_log_ins_neither_use_up_the_report_allowance_nor_bring_forward_its_retry(client, world, point, app,
                                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 2)
    with frozen(T):  # inside the reports' hour and older than each: counted there, they would set the retry
        for _ in range(3):
            assert login(client, "principal_a", "wrong-password", address=SCHOOL).status_code == 401
    _reports(client, point, SCHOOL, [10, 20])
    with frozen(T + 30 * MINUTE):
        assert retry_after(report(client, point.qr_token, address=SCHOOL)) == 50 * 60
    with frozen(T + 80 * MINUTE):  # the reports at 10 and 20 have left; the refusal at 30 is alone in the hour
        assert report(client, point.qr_token, address=SCHOOL).status_code == 202


def test_another_addresss_earlier_reports_do_not_bring_forward_the_retry(client, world, point, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 2)
    _reports(client, point, NEIGHBOUR, [0, 5])
    _reports(client, point, SCHOOL, [10, 20])
    with frozen(T + 30 * MINUTE):
        assert retry_after(report(client, point.qr_token, address=SCHOOL)) == 50 * 60  # its own report at 20
        assert retry_after(report(client, point.qr_token, address=NEIGHBOUR)) == 35 * 60  # its own report at 5


def test_hazard_reports_from_an_address_are_not_failed_log_ins_from_it(client, world, point, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 3)
    _reports(client, point, SCHOOL, [0, 0, 0])
    with frozen(T):
        assert login(client, "principal_a", address=SCHOOL).status_code == 200


def test_the_address_lock_counts_only_failed_log_ins_and_runs_from_the_last_one(client, world, point, app,
                                                                                monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 3)
    with frozen(T):
        for n in range(2):
            assert login(client, f"ghost{n}", "wrong", address=SCHOOL).status_code == 401
    _reports(client, point, SCHOOL, [5, 5])
    with frozen(T + 6 * MINUTE):
        assert login(client, "principal_a", address=SCHOOL).status_code == 200  # two failures: not locked
        assert login(client, "ghost2", "wrong", address=SCHOOL).status_code == 401
    with frozen(T + 10 * MINUTE):
        assert retry_after(login(client, "principal_b", address=SCHOOL)) == 11 * 60  # fifteen from the third


def test_two_accounts_alike_in_their_first_sixty_letters_are_locked_apart(client, world):
    """Usernames run to 64 characters: the lock is the account's own, not every name sharing its first 60."""
    stem = "teacher." + "x" * 52  # 60 characters
    create_user(username=stem + ".a01")
    create_user(username=stem + ".b02")
    db.session.commit()
    with frozen(T):
        for _ in range(5):
            assert login(client, stem + ".a01", "wrong", address=SCHOOL).status_code == 401
        assert login(client, stem + ".a01", address=SCHOOL).status_code == 429
        assert login(client, stem + ".b02", address=SCHOOL).status_code == 200
