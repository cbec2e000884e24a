"""The accessibility check every screenshot runs (axe-core) does find a serious problem when there is one."""
from __future__ import annotations

from tests.browser.conftest import PHONE, accessibility_problems, released


def test_the_axe_check_catches_an_image_without_a_text_alternative(browser, world):
    released()
    page = browser(PHONE).new_page()
    page.goto("/login")
    assert accessibility_problems(page) == []
    page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('img'),"
                  " {src: '/static/pages/icon-192.png'}))")
    assert any(problem.startswith("image-alt") for problem in accessibility_problems(page))
