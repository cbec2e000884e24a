"""In a real browser: the pages are an installable web app (manifest, icons, service worker) for "add to home
screen", and a page never opened before shows the offline shell when there is no signal."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in, released
from tests.factories import PASSWORD


def test_chromium_finds_the_app_installable_and_offline_pages_fall_back_to_the_shell(browser, world):
    released()
    context = browser(PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, "officer_a", PASSWORD)
    manifest = page.request.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["name"] == "校园安全巡查" and body["display"] == "standalone" and body["start_url"] == "/"
    for icon in body["icons"]:
        assert page.request.get(icon["src"]).headers["content-type"] == "image/png"
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito ones, where nothing installs; nothing else may stand in the way.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], errors
    page.reload()
    context.set_offline(True)
    page.goto("/my/hazards")  # never opened online: the offline shell
    expect(page.locator("h1")).to_have_text("无网络连接")
    context.set_offline(False)
