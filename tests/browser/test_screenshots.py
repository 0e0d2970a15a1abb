"""Screenshots of the main screens on a phone (360x740) and a tablet (1024x768), written to
tests/artifacts/ to be looked at; and the one layout rule a test can check: nothing is wider
than the screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": PHONE, "tablet": TABLET}


def no_horizontal_overflow(page: Any) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        culprits = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                 .filter((e) => e.getBoundingClientRect().right > width + 0.5)
                 .slice(0, 8)
                 .map((e) => `${e.tagName.toLowerCase()}.${e.className}`
                             + ` right=${Math.round(e.getBoundingClientRect().right)}`)""",
            widths[1],
        )
        raise AssertionError(f"page is {widths[0]} px wide on a {widths[1]} px screen: {culprits}")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_screenshots(
    new_page: Any,
    hadir_server: HadirServer,
    admin_state: dict[str, Any],
    artifacts: Path,
    device: str,
) -> None:
    viewport = VIEWPORTS[device]

    page = new_page(viewport)
    open_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    page.screenshot(path=str(artifacts / f"{device}-sign-in.png"), full_page=True)
    no_horizontal_overflow(page)

    page = new_page(viewport, storage_state=admin_state)
    open_app(page, "/home")
    # Masuk, or Keluar when an earlier test checked the administrator in today.
    expect(page.get_by_role("heading", name=re.compile(r"^Daftar (Masuk|Keluar)$"))).to_be_visible()
    page.screenshot(path=str(artifacts / f"{device}-home.png"), full_page=True)
    no_horizontal_overflow(page)

    open_app(page, "/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Urus Pengguna")
    expect(page.get_by_text("daripada", exact=False).first).to_be_visible()
    if device == "tablet":
        expect(page.get_by_role("table")).to_be_visible()
    else:
        expect(page.get_by_role("table")).to_have_count(0)
    page.screenshot(path=str(artifacts / f"{device}-admin-users.png"))
    page.screenshot(path=str(artifacts / f"{device}-admin-users-full.png"), full_page=True)
    page.get_by_role("navigation", name="Halaman senarai pengguna").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"{device}-admin-users-end.png"))
    no_horizontal_overflow(page)

    open_app(page, "/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akaun Saya")
    page.screenshot(path=str(artifacts / f"{device}-account.png"), full_page=True)
    no_horizontal_overflow(page)
