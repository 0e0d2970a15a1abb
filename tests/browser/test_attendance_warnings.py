"""Warnings in the PWA (issue 15, item 2): the officer checks in inside the office with an
accuracy that fake-location apps send (0 m): recorded, no approval needed, so not in the
supervisor's approvals list; the supervisor finds it under "Amaran" (Warnings) with the finding
in words, in Malay and then in English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import _signed_in_state, action_button, officer_page
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

MOCKED = {"latitude": 2.92655, "longitude": 101.69665, "accuracy": 0}


def test_supervisor_sees_the_warning_of_an_inside_check_in(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    officer_state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    supervisor_state = _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))
    page = officer_page(new_page, officer_state, MOCKED)
    with page.expect_response("**/api/attendance/check-ins") as answer:
        action_button(page).click()
    body = answer.value.json()
    assert body["verdict"]["status"] == "inside" and body["approval"] == "not_needed"
    assert "mock_accuracy" in {f["code"] for f in body["findings"]}
    # The officer's own record says it in words too.
    expect(page.locator(".checkin__result")).to_contain_text(
        "Ketepatan lokasi seperti aplikasi lokasi palsu"
    )

    boss = new_page(TABLET, storage_state=supervisor_state)
    open_app(boss, "/home")
    boss.get_by_role("link", name="Amaran").first.click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Amaran kehadiran")
    card = boss.locator(f'.warning[data-check-in="{body["id"]}"]')
    expect(card).to_contain_text("Ketepatan lokasi seperti aplikasi lokasi palsu")
    expect(boss.get_by_role("status").filter(has_text="daftar masuk dengan amaran")).to_be_visible()
    boss.screenshot(path=str(artifacts / "tablet-warnings.png"), full_page=True)
    no_horizontal_overflow(boss)

    # Filtered by another finding: not listed.
    boss.get_by_label("Jenis amaran").select_option("clock_ahead")
    boss.get_by_role("button", name="Tunjuk").click()
    expect(card).to_have_count(0)
    boss.get_by_label("Jenis amaran").select_option("mock_accuracy")
    boss.get_by_role("button", name="Tunjuk").click()
    expect(card).to_have_count(1)

    # Days are typed dd/mm/yyyy; one that is not a real day is said at its field.
    to_day = boss.get_by_label("Hingga")
    expect(to_day).to_have_value(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    kept = to_day.input_value()
    to_day.fill("30/02/2026")
    boss.get_by_role("button", name="Tunjuk").click()
    expect(to_day).to_have_attribute("aria-invalid", "true")
    expect(to_day).to_be_focused()
    to_day.fill(kept)
    boss.get_by_role("button", name="Tunjuk").click()
    expect(card).to_have_count(1)


def test_administrator_sets_the_late_sync_grace(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/calendar")
    grace = page.get_by_label("Tempoh tangguh hantar lewat (jam)")
    expect(grace).to_have_value("2")
    grace.fill("99")
    page.get_by_role("button", name="Simpan tempoh tangguh").click()
    expect(page.get_by_text("Masukkan bilangan jam antara 0 dan 48.")).to_be_visible()
    grace.fill("3")
    with page.expect_response("**/api/attendance/settings") as saved:
        page.get_by_role("button", name="Simpan tempoh tangguh").click()
    assert saved.value.json()["lateSyncGraceMinutes"] == 180
    expect(page.get_by_text("Tempoh tangguh disimpan: 3 jam.")).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-checkin-settings-grace.png"), full_page=True)
    # Back to the default for the other tests of the session.
    grace.fill("2")
    with page.expect_response("**/api/attendance/settings"):
        page.get_by_role("button", name="Simpan tempoh tangguh").click()
