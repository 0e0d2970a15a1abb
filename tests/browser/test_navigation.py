"""The navigation fits a phone: at most five tabs, the rest behind "Lagi" (More); a tablet's
side bar shows everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def test_an_administrator_reaches_every_screen_on_a_phone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/home")
    nav = page.get_by_role("navigation")
    tabs = nav.locator(".nav__list > li:visible")
    expect(tabs).to_have_count(5)
    more = nav.get_by_role("button", name="Lagi")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    sheet = nav.locator("#nav-more")
    expect(sheet.get_by_role("link").first).to_be_focused()
    audit = sheet.get_by_role("link", name="Audit")
    expect(audit).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-nav-more.png"))
    no_horizontal_overflow(page)
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(more).to_be_focused()
    more.click()
    audit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak Audit")
    expect(nav.locator("#nav-more")).to_be_hidden()

    tablet = new_page(TABLET, storage_state=admin_state)
    open_app(tablet, "/home")
    side = tablet.get_by_role("navigation")
    expect(side.get_by_role("button", name="Lagi")).to_be_hidden()
    for name in ("Utama", "Pengguna", "Pejabat", "Audit", "Akaun"):
        expect(
            side.locator(".nav__list").get_by_role("link", name=name, exact=True)
        ).to_be_visible()
