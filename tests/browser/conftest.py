"""The pages served on a free localhost port, and Debian's Chromium driven by Playwright.

The app is the suite's test app on its real (committing) test database; the browser never downloads
anything: Playwright launches the system's Chromium, with no network beyond localhost.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from safety.extensions import db
from tests.conftest import require_tool, served, which

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def live_server(app):
    """The app on 127.0.0.1:<free port> in a background thread (plain HTTP: the session cookie may not be
    Secure-only here, as it is behind HTTPS in production)."""
    secure = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SECURE"] = False
    try:
        with served(app) as url:
            yield url
    finally:
        app.config["SESSION_COOKIE_SECURE"] = secure


@pytest.fixture(scope="session")
def chromium():
    require_tool("chromium", which("chromium"), "the browser tests drive Debian's Chromium (apt install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium, live_server):
    """New browser contexts (one per person) for a test, all closed afterwards."""
    contexts = []

    def new_context(size=DESK, **options):
        context = chromium.new_context(viewport=size, locale="zh-CN", base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


def open_campaign(world):
    """The shipped bullying-prevention campaign, opened by its job for a term around today (school_a with classes)."""
    from datetime import timedelta

    from safety.campaigns.runs.definitions import sync_default_definitions
    from safety.core.clock import now
    from safety.drills.models import CalendarKind, CalendarPeriod
    from safety.scheduler.registry import run_job
    from tests.factories import create_class
    for grade in (1, 2):
        create_class(world.school_a, grade=grade, name="1班")
    sync_default_definitions()
    today = now().date()
    db.session.add(CalendarPeriod(region_id=world.city.id, kind=CalendarKind.term, name_zh="本学期",
                                  name_en="This term", starts_on=today - timedelta(days=60),
                                  ends_on=today + timedelta(days=60)))
    db.session.commit()
    assert run_job("campaign_calendar", now()).status == "ok"
    db.session.commit()


def open_drowning_season():
    """The shipped anti-drowning campaign with its season moved around today, opened by its job."""
    from datetime import timedelta

    from sqlalchemy import select

    from safety.campaigns.models import CampaignDefinition
    from safety.campaigns.runs.definitions import sync_default_definitions
    from safety.core.clock import now
    from safety.scheduler.registry import run_job
    sync_default_definitions()
    today = now().date()
    for definition in db.session.scalars(select(CampaignDefinition)):
        definition.active = definition.code == "anti_drowning"
        definition.season_start = (today - timedelta(days=10)).strftime("%m-%d")
        definition.season_end = (today + timedelta(days=40)).strftime("%m-%d")
    db.session.commit()
    assert run_job("campaign_calendar", now()).status == "ok"
    db.session.commit()


def released():
    """End the test thread's database transaction: on SQLite it would hold the write lock the server needs."""
    db.session.rollback()


def log_in(page, username: str, password: str, landing: str | None = None) -> None:
    """Through the log-in form (also used after a redirect to it)."""
    if landing is None and "/login" not in page.url:
        page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"  # tools/package.json, `npm ci` in tools/
AXE_BLOCKING = ("serious", "critical")


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA and best practice).

    The script is evaluated through the DevTools protocol, as Playwright's evaluate is, so the pages' strict
    Content-Security-Policy stays on."""
    require_tool("axe-core", AXE.exists(), "accessibility checks (cd tools && npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.axe = axe; true")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in AXE_BLOCKING]


def capture(page, name: str) -> None:
    """Save phone (360×740) and desk (1280×800) screenshots of the page as it is now; at 360 px nothing may
    stick out sideways, and at both sizes axe-core finds no serious or critical accessibility problem."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, size in (("phone", PHONE), ("desk", DESK)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        if label == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: {width}px wide at 360px"
        problems = accessibility_problems(page)
        assert not problems, f"{name} at {label} size: " + "\n".join(problems)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(before)


def form_token(response) -> str:
    return CSRF.search(response.get_data(as_text=True)).group(1)


def page_login(client, username: str, password: str):
    """Log a Flask test client in through the page's form; returns the response (a redirect home)."""
    token = form_token(client.get("/login"))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})
