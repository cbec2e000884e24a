"""Login throttling (OWASP Authentication Cheat Sheet) and the anonymous endpoints' rate limits, through HTTP."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety import create_app
from safety.audit.models import AuditEvent
from safety.core.clock import frozen, now
from safety.extensions import db
from safety.hazards.models import Hazard
from safety.photos.models import Photo
from tests.factories import PASSWORD, create_point, jpeg_bytes


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


def login(client, username, password=PASSWORD, address="10.1.1.1"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def retry_after(response) -> int:
    assert response.status_code == 429 and response.json["error"]["code"] == "rate_limited"
    return int(response.headers["Retry-After"])


# --- login ------------------------------------------------------------------------------------------------

def test_one_users_wrong_passwords_do_not_lock_out_the_school_behind_the_same_address(client, world):
    for _ in range(5):
        assert login(client, "principal_a", "wrong-password").status_code == 401
    assert login(client, "principal_b").status_code == 200  # a colleague behind the same NAT
    assert 14 * 60 < retry_after(login(client, "principal_a")) <= 15 * 60  # even the right password waits
    # The account itself locks only at a higher count, so its owner elsewhere still gets in.
    assert login(client, "principal_a", address="10.2.2.2").status_code == 200


def test_an_account_attacked_from_many_addresses_locks_for_everyone(client, world):
    for n in range(20):  # four from each of five addresses: no (account, address) pair reaches five
        assert login(client, "principal_a", "wrong-password", address=f"10.3.3.{n // 4}").status_code == 401
    assert retry_after(login(client, "principal_a", address="10.4.4.4")) > 14 * 60
    assert login(client, "principal_b", address="10.3.3.0").status_code == 200


def test_each_further_failure_doubles_the_lock(client, world):
    start = now()
    for _ in range(5):
        login(client, "principal_a", "wrong-password")
    locks = [retry_after(login(client, "principal_a"))]
    moment = start
    for _ in range(2):  # wait the lock out, fail once more: the next lock is twice as long
        moment += timedelta(seconds=locks[-1] + 1)
        with frozen(moment):
            assert login(client, "principal_a", "wrong-password").status_code == 401
            locks.append(retry_after(login(client, "principal_a")))
    assert [round(seconds / 60) for seconds in locks] == [15, 30, 60]
    with frozen(moment + timedelta(minutes=61)):
        assert login(client, "principal_a").status_code == 200  # the right password ends it
        assert login(client, "principal_a", "wrong-password").status_code == 401
        assert login(client, "principal_a").status_code == 200  # the pair's failures were forgotten


def test_an_address_locks_only_at_a_much_higher_count(client, world, app, monkeypatch):
    assert app.config["LOGIN_ADDRESS_MAX_FAILURES"] >= 10 * app.config["LOGIN_MAX_FAILURES"]
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 12)  # a spray over many names, cheaper to run
    for n in range(11):
        assert login(client, f"ghost{n}", "wrong", address="10.5.5.5").status_code == 401
    assert login(client, "principal_a", address="10.5.5.5").status_code == 200
    assert login(client, "ghost11", "wrong", address="10.5.5.5").status_code == 401
    assert retry_after(login(client, "principal_b", address="10.5.5.5")) <= 15 * 60
    assert login(client, "principal_b", address="10.5.5.6").status_code == 200


def test_an_attempt_counts_before_the_password_is_checked_and_is_withdrawn_when_right(client, world):
    from safety.core.ratelimit import RateLimitHit
    assert login(client, "nobody", "wrong").status_code == 401
    counted = db.session.scalars(select(RateLimitHit.key).where(RateLimitHit.bucket == "login")).all()
    assert sorted(counted) == ["ip:10.1.1.1", "user:nobody", "user:nobody@10.1.1.1"]
    assert login(client, "principal_a").status_code == 200  # success withdraws its own attempt
    assert db.session.scalar(select(func.count()).select_from(RateLimitHit)) == 3


# --- public reports -----------------------------------------------------------------------------------------

def report(client, qr_token, address="10.6.6.6", **form):
    return client.post(f"/api/v1/public/reports/{qr_token}", data={"description": "灭火器不见了", **form},
                       content_type="multipart/form-data", environ_base={"REMOTE_ADDR": address})


def test_reports_whose_photo_does_not_decode_still_count(client, world, point, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 3)
    for n in range(3):
        broken = jpeg_bytes(size=(2000, 1500), seed=n)[:30_000]  # a JPEG cut short: the server tries to decode it
        refused = report(client, point.qr_token, file=(io.BytesIO(broken), f"{n}.jpg"))
        assert refused.status_code == 422, refused.json
    assert retry_after(report(client, point.qr_token)) > 59 * 60
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 0
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert report(client, point.qr_token, address="10.6.6.7").status_code == 202  # another address


def test_refused_reports_count_so_a_client_that_keeps_knocking_stays_out(client, world, point, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 2)
    start = now()
    assert [report(client, point.qr_token).status_code for _ in range(2)] == [202, 202]
    for minutes in (50, 55):
        with frozen(start + timedelta(minutes=minutes)):
            assert report(client, point.qr_token).status_code == 429
    with frozen(start + timedelta(minutes=61)):  # the two accepted ones left the window, the refusals did not
        assert 53 * 60 <= retry_after(report(client, point.qr_token)) <= 54 * 60
    with frozen(start + timedelta(minutes=125)):
        assert report(client, point.qr_token).status_code == 202


def test_reports_are_limited_per_point_and_unknown_codes_count_per_address(client, world, point, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_POINT_HOUR", 3)
    assert [report(client, point.qr_token, address=f"10.7.0.{n}").status_code for n in range(4)] == \
        [202, 202, 202, 429]
    other = create_point(world.school_a, name_zh="二楼灭火器")
    db.session.commit()
    assert report(client, other.qr_token, address="10.7.0.9").status_code == 202
    monkeypatch.setitem(app.config, "PUBLIC_REPORTS_PER_HOUR", 3)
    assert [report(client, f"guess{n}", address="10.7.1.1").status_code for n in range(4)] == [404, 404, 404, 429]


# --- behind a proxy -------------------------------------------------------------------------------------------

@pytest.fixture
def proxied(database_url, tmp_path):
    """The service as deployed behind one nginx (TRUSTED_PROXY_COUNT=1), on the tests' database."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_CHEAP": True,
                      "PHOTO_STORAGE_DIR": str(tmp_path / "photos"), "TRUSTED_PROXY_COUNT": 1})
    yield app.test_client()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def via_proxy(client, username, password, forwarded_for, proxy="127.0.0.1"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
                       environ_base={"REMOTE_ADDR": proxy})


def test_behind_a_trusted_proxy_each_client_is_its_own_address(proxied, world):
    for _ in range(5):
        assert via_proxy(proxied, "principal_a", "wrong-password", "203.0.113.7").status_code == 401
    assert via_proxy(proxied, "principal_a", PASSWORD, "203.0.113.7").status_code == 429
    assert via_proxy(proxied, "principal_b", PASSWORD, "198.51.100.4").status_code == 200
    addresses = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action.like("auth.%"))).all()
    assert set(addresses) == {"203.0.113.7", "198.51.100.4"}  # the audit trail names the clients, not nginx


def test_forwarded_headers_are_believed_only_from_the_configured_proxies(proxied, client, world):
    for n in range(5):  # a client writing its own X-Forwarded-For: only nginx's right-most entry counts
        via_proxy(proxied, "principal_a", "wrong-password", f"1.2.3.{n}, 203.0.113.9")
    assert via_proxy(proxied, "principal_a", PASSWORD, "9.9.9.9, 203.0.113.9").status_code == 429
    # Without TRUSTED_PROXY_COUNT (the default) the header is ignored altogether.
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "principal_b", "password": "wrong-password"},
                    headers={"X-Forwarded-For": "198.51.100.1"}, environ_base={"REMOTE_ADDR": "10.8.8.8"})
    assert via_proxy(client, "principal_b", PASSWORD, "198.51.100.2", proxy="10.8.8.8").status_code == 429
