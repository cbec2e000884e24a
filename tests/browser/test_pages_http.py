"""The pages over plain HTTP (Flask's test client): log-in, scoping, CSRF, CSP, language."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import HazardSource
from safety.hazards.services import report
from tests.browser.conftest import form_token, open_campaign, page_login
from tests.factories import PASSWORD, create_point


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


def hazard_at(school, title="楼梯扶手松动", level=0, days_late=0):
    hazard = report(None, school, {"title": title, "description": "二楼东侧"}, HazardSource.direct)
    hazard.level = level
    if days_late:
        hazard.deadline = now() - timedelta(days=days_late)
    db.session.commit()
    return hazard


def logged_in(client, user):
    response = page_login(client, user.username, PASSWORD)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def test_log_in_sends_each_role_home_and_the_cookie_is_httponly_and_lax(app, world):
    homes = {"principal_a": f"/school/{world.school_a.id}", "office_a": "/office", "officer_a": "/inspect",
             "admin": "/admin"}
    for name, home in homes.items():
        client = app.test_client()
        response = logged_in(client, getattr(world, name))
        assert response.headers["Location"] == home
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert client.get(home).status_code == 200


def test_requests_that_change_nothing_do_not_resend_the_cookie(app, world):
    """A script fetched with the old cookie must not put back flashes a page has already shown (seen in CI)."""
    client = app.test_client()
    logged_in(client, world.principal_a)
    home = client.get(f"/school/{world.school_a.id}")
    assert home.status_code == 200
    for address in ("/sw.js", "/offline", f"/school/{world.school_a.id}"):
        response = client.get(address)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, address


def test_a_wrong_password_is_a_401_form_and_the_next_address_stays_on_this_site(client, world):
    token = form_token(client.get("/login"))
    response = client.post("/login", data={"username": "principal_a", "password": "nope", "csrf_token": token})
    assert response.status_code == 401 and 'name="password"' in response.get_data(as_text=True)
    token = form_token(client.get("/login"))
    response = client.post("/login", data={"username": "principal_a", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/steal"})
    assert response.headers["Location"] == f"/school/{world.school_a.id}"


def test_pages_need_a_log_in(client, world, point):
    response = client.get(f"/school/{world.school_a.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/school/")
    assert client.get("/office/queue").status_code == 302


def test_another_schools_hazard_or_board_is_the_404_page(client, world):
    foreign = hazard_at(world.school_c)
    mine = hazard_at(world.school_a)
    logged_in(client, world.principal_a)
    assert client.get(f"/hazards/{mine.id}").status_code == 200
    for path in (f"/hazards/{foreign.id}", f"/school/{world.school_c.id}", f"/hazards/{foreign.id}/notice.pdf",
                 f"/school/{world.school_c.id}/ledger.xlsx", "/hazards/999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "text/html" and "<h1>404</h1>" in response.get_data(as_text=True)
    token = form_token(client.get(f"/hazards/{mine.id}"))
    response = client.post(f"/hazards/{foreign.id}/dismiss", data={"csrf_token": token, "reason": "不是隐患"})
    assert response.status_code == 404
    assert client.get("/office").status_code == 403  # a principal has no office desk


def test_a_district_office_sees_its_district_only(client, world):
    foreign = hazard_at(world.school_c, level=1, days_late=2)
    logged_in(client, world.office_a)
    assert client.get(f"/hazards/{foreign.id}").status_code == 404
    assert client.get(f"/office?region={world.district_b.id}").status_code == 404
    for beyond in (0, -1, 10**20):  # ids no column holds are not found, never a database error
        assert client.get(f"/office?region={beyond}").status_code == 404
    assert client.get(f"/school/{world.school_b.id}").status_code == 200
    assert f"H{foreign.id:06d}" not in client.get("/office/queue").get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_a_400(client, world):
    hazard = hazard_at(world.school_a)
    logged_in(client, world.principal_a)
    for data in ({"assignee_id": world.officer_a.id}, {"assignee_id": world.officer_a.id, "csrf_token": "forged"}):
        response = client.post(f"/hazards/{hazard.id}/assign", data=data)
        assert response.status_code == 400 and response.mimetype == "text/html"
    assert client.post("/logout").status_code == 400
    db.session.refresh(hazard)
    assert hazard.status.value == "reported"
    token = form_token(client.get(f"/hazards/{hazard.id}"))
    response = client.post(f"/hazards/{hazard.id}/assign", data={"assignee_id": world.officer_a.id,
                                                                  "csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(hazard)
    assert hazard.status.value == "assigned"


def test_the_login_form_itself_needs_the_token(client):
    response = client.post("/login", data={"username": "principal_a", "password": PASSWORD})
    assert response.status_code == 400


def test_a_refused_action_shows_the_hazard_with_the_apis_status(client, world):
    hazard = hazard_at(world.school_a)
    logged_in(client, world.principal_a)
    token = form_token(client.get(f"/hazards/{hazard.id}"))
    response = client.post(f"/hazards/{hazard.id}/verify", data={"accepted": "true", "csrf_token": token})
    assert response.status_code == 409  # a reported hazard cannot be verified, as in the API
    assert hazard.title in response.get_data(as_text=True)
    response = client.post(f"/hazards/{hazard.id}/rectify", data={"note": "", "csrf_token": token})
    assert response.status_code == 422 and "note" in response.get_data(as_text=True)


def test_every_page_has_a_content_security_policy_without_inline_script(client, world, point):
    for path in ("/login", f"/q/{point.qr_token}", f"/q/{point.qr_token}/report", "/no-such-page"):
        response = client.get(path, headers={"Accept": "text/html"})
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html), path
        assert " style=" not in html and "<style" not in html
    assert "Content-Security-Policy" not in client.get("/api/v1/health").headers


def test_the_language_switch_is_remembered(client, world):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "校园安全" in page
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Campus safety" in page
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    logged_in(client, world.principal_a)
    assert '<html lang="en">' in client.get(f"/school/{world.school_a.id}").get_data(as_text=True)
    assert '<html lang="zh-CN">' in client.get(f"/school/{world.school_a.id}?lang=zh").get_data(as_text=True)


def test_a_qr_code_opens_the_landing_the_checklist_or_says_plainly_it_is_not_yours(app, world, point):
    anonymous = app.test_client()
    page = anonymous.get(f"/q/{point.qr_token}").get_data(as_text=True)
    assert "一楼走廊灭火器" in page and f"/q/{point.qr_token}/report" in page and 'id="checklist"' not in page
    officer = app.test_client()
    logged_in(officer, world.officer_a)
    page = officer.get(f"/q/{point.qr_token}")
    assert page.status_code == 200 and page.headers["X-Offline-Cache"] == "yes"
    html = page.get_data(as_text=True)
    assert 'id="checklist"' in html and 'capture="environment"' in html and 'accept="image/*"' in html
    auth = json.loads(re.search(r'<meta name="api-auth" content="([^"]+)"', html).group(1).replace("&#34;", '"'))
    assert auth["username"] == "officer_a"
    assert officer.get("/api/v1/me", headers={"Authorization": f"Bearer {auth['token']}"}).status_code == 200
    stranger = app.test_client()
    logged_in(stranger, world.principal_c)
    response = stranger.get(f"/q/{point.qr_token}")
    assert response.status_code == 403 and 'id="checklist"' not in response.get_data(as_text=True)
    assert world.principal_c.display_name in response.get_data(as_text=True)
    assert anonymous.get("/q/not-a-token").status_code == 404


def test_logging_out_revokes_the_token_the_page_handed_to_its_script(client, world, point):
    logged_in(client, world.officer_a)
    html = client.get(f"/q/{point.qr_token}").get_data(as_text=True)
    auth = json.loads(re.search(r'<meta name="api-auth" content="([^"]+)"', html).group(1).replace("&#34;", '"'))
    response = client.post("/logout", data={"csrf_token": form_token(client.get("/inspect"))})
    assert response.status_code == 303 and response.headers["Location"] == "/login?bye=1"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {auth['token']}"}).status_code == 401
    assert client.get("/inspect").status_code == 302


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript" and response.headers["Service-Worker-Allowed"] == "/"
    script = response.get_data(as_text=True)
    assert "/static/pages/inspect.js?v=" in script and "/offline" in script
    assert client.get("/offline").status_code == 200


def test_downloads_for_the_school_and_the_office(client, world):
    hazard_at(world.school_a)
    logged_in(client, world.principal_a)
    response = client.get(f"/school/{world.school_a.id}/ledger.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    office = client.application.test_client()
    logged_in(office, world.office_a)
    response = office.get(f"/office/figures.csv?region={world.district_a.id}")
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("\ufeff")
    assert "甲区第一小学" in response.get_data(as_text=True)
    assert office.get(f"/office/ledger.xlsx?region={world.district_a.id}").data[:2] == b"PK"


def test_campaign_progress_on_the_school_board_and_the_office_dashboard(app, world):
    open_campaign(world)
    principal = app.test_client()
    logged_in(principal, world.principal_a)
    board = principal.get(f"/school/{world.school_a.id}").get_data(as_text=True)
    assert "防欺凌专项治理" in board and 'id="campaigns"' in board
    link = re.search(r'href="(/school/\d+/campaigns/\d+)"', board).group(1)
    detail = principal.get(link)
    assert detail.status_code == 200 and "防欺凌主题班会" in detail.get_data(as_text=True)
    office = app.test_client()
    logged_in(office, world.office_a)
    dashboard = office.get("/office").get_data(as_text=True)
    assert "防欺凌专项治理" in dashboard and "甲区第一小学" in dashboard
    ledger = re.search(r'href="(/office/campaigns/\d+/ledger.xlsx\?region=\d+)"', dashboard).group(1)
    assert office.get(ledger).data[:2] == b"PK"
    other = app.test_client()
    logged_in(other, world.principal_c)
    assert other.get(link).status_code == 404
