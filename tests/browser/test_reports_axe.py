"""axe on the other screens of issue 14 (the audit trail in words, the office list with its
outlines and import), at a phone (130 % text) and a tablet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_audit_and_offices_screens_pass_axe(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path, viewport: dict[str, int]
) -> None:
    name = "tablet" if viewport is TABLET else "phone"
    page = new_page(viewport, storage_state=admin_state)
    open_app(page, "/admin/audit")
    if viewport is PHONE:
        page.evaluate("document.documentElement.style.fontSize = '130%'")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Actions in words and people by name, pick-lists for both.
    expect(page.locator("main")).to_contain_text("Log masuk")
    expect(page.get_by_label("Tindakan").first).to_be_visible()
    page.screenshot(path=str(artifacts / f"{name}-audit-axe.png"), full_page=True)
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, f"audit trail ({name})")

    open_app(page, "/admin/offices")
    expect(page.get_by_role("link", name="Pejabat baharu")).to_be_visible()
    expect(page.locator("main svg[role=img]").first).to_be_visible()
    page.screenshot(path=str(artifacts / f"{name}-offices-axe.png"), full_page=True)
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, f"offices ({name})")
