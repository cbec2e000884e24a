from datetime import timedelta

import pytest

from safety.core.clock import frozen, now
from tests.factories import PASSWORD, auth_headers, create_user


def login(client, username, password=PASSWORD, **kwargs):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, **kwargs)


def test_login_returns_a_bearer_token_that_opens_me(client, world):
    response = login(client, "principal_a")
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 12 * 3600
    assert body["user"]["roles"] == [{"role": "principal", "school_id": world.school_a.id, "school_code": "SA",
                                      "region_id": None, "region_code": None, "class_id": None}]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json["username"] == "principal_a"


def test_token_is_stored_hashed(client, world):
    from safety.accounts.models import ApiToken
    from safety.extensions import db
    token = login(client, "principal_a").json["access_token"]
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_username_is_case_insensitive(client, world):
    assert login(client, "Principal_A").status_code == 200


@pytest.mark.parametrize("username,password", [("principal_a", "wrong-password"), ("nobody", PASSWORD)])
def test_bad_credentials_are_401_in_the_one_shape(client, world, username, password):
    response = login(client, username, password)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_credentials"


def test_logout_revokes_the_token(client, world):
    headers = auth_headers(world.principal_a)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_expires(client, world):
    headers = auth_headers(world.principal_a)
    with frozen(now() + timedelta(hours=12, seconds=1)):
        response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "token"])
def test_missing_or_bad_tokens_are_401(client, world, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_disabling_a_user_revokes_all_their_tokens_and_login(client, world):
    victim_headers = [auth_headers(world.principal_a) for _ in range(2)]
    response = client.patch(f"/api/v1/users/{world.principal_a.id}", json={"active": False},
                            headers=world.headers("office_a"))
    assert response.status_code == 200 and response.json["active"] is False
    for headers in victim_headers:
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert login(client, "principal_a").status_code == 401


def test_repeated_failures_for_a_username_lock_it_for_a_while(client, world):
    for _ in range(5):
        assert login(client, "principal_a", "wrong-password").status_code == 401
    locked = login(client, "principal_a")  # even the right password waits out the lock
    assert locked.status_code == 429 and locked.json["error"]["code"] == "rate_limited"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert login(client, "principal_b", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    with frozen(now() + timedelta(minutes=16)):
        assert login(client, "principal_a").status_code == 200


def test_login_and_failures_are_audited(client, world):
    login(client, "principal_a", "wrong-password")
    login(client, "principal_a")
    actions = [e["action"] for e in client.get("/api/v1/audit?per_page=10",
                                                  headers=world.headers("admin")).json["items"]]
    assert actions[:2] == ["auth.login", "auth.login_failed"]


def test_disabled_user_cannot_log_in(client, world):
    create_user("inspector", school=world.school_a, username="gone", active=False)
    from safety.extensions import db
    db.session.commit()
    assert login(client, "gone").status_code == 401
