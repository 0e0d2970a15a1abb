"""Each signed-in page draws its heading before its data arrives (issue 12, part 1: the largest
paint on a phone must not wait for the API).

The API answers are held back by the test: meanwhile the page's heading (and on Home the check-in
card, its button waiting for today's answer) is on the screen; once released the page fills in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.test_attendance_flow import _signed_in_state

pytestmark = pytest.mark.browser

APPROVALS_FILLED = ".approvals__section, .approvals__empty"
# route -> (the API request held back, the page's heading, something drawn from the data)
PAGES = [
    ("/attendance", "**/api/attendance/months/*", "Kehadiran saya", ".ma-panel"),
    ("/slips", "**/api/attendance/movement-slips", "Slip pergerakan", ".slips__body > *"),
    ("/approvals", "**/api/attendance/approvals", "Kelulusan", APPROVALS_FILLED),
]


class Held:
    """Holds the matching requests until release()."""

    def __init__(self, page: Any, pattern: str) -> None:
        self.routes: list[Any] = []
        self.page = page
        self.pattern = pattern
        self.released = False
        page.route(pattern, self.hold)

    def hold(self, route: Any) -> None:
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


@pytest.fixture(scope="module")
def member_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))


@pytest.mark.parametrize(("route", "api", "heading", "filled"), PAGES)
def test_the_heading_comes_before_the_data(
    new_page: Any,
    member_state: dict[str, Any],
    artifacts: Path,
    route: str,
    api: str,
    heading: str,
    filled: str,
) -> None:
    page = new_page(PHONE, storage_state=member_state)
    held = Held(page, api)
    page.goto(f"/#{route}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".page--frame .page__loading")).to_have_text("Memuatkan…")
    expect(page.locator("#main")).to_have_attribute("aria-busy", "true")
    # The view asks for its data once its module has loaded, which may follow the frame.
    for _ in range(100):
        if held.routes:
            break
        page.wait_for_timeout(100)
    assert held.routes, "the page's data was not asked for"
    expect(page.locator(filled).first).to_have_count(0)
    page.screenshot(path=str(artifacts / f"phone-frame{route.replace('/', '-')}.png"))
    held.release()
    expect(page.locator(filled).first).to_be_visible()
    expect(page.locator(".page--frame")).to_have_count(0)
    expect(page.locator("#main")).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_home_shows_the_check_in_card_before_today_is_known(
    new_page: Any, hadir_server: HadirServer, member_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=member_state)
    held = Held(page, "**/api/attendance/today")
    page.goto("/#/home")
    name = hadir_server.account("supervisor").name
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {name}")
    button = page.locator(".checkin .button--huge")
    expect(button).to_be_visible()
    # It cannot tell "in" from "out" yet: it waits for today's answer.
    expect(button).to_be_disabled()
    expect(page.locator("html[data-ready]")).to_have_count(0)
    page.screenshot(path=str(artifacts / "tablet-home-before-today.png"))
    held.release()
    expect(page.locator(".today__status")).to_be_visible()
    expect(button).to_be_enabled()
    page.locator("html[data-ready]").wait_for(state="attached")
    assert_no_axe_violations(page, "home once today is known")
