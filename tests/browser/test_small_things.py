"""The smaller things of issue 12 (part 5), each as a person meets it on a 360 px phone or a
1024 px tablet: no 401 on a signed-out load; location refused offers "record with a reason"
and does not talk about an address bar; the tapped calendar day's detail comes into view with
its pattern explained; "Statistik" is offered only to those who may read it; the executive
dashboard counts open issues of any day."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def test_a_signed_out_load_answers_no_401(new_page: Any, artifacts: Path) -> None:
    page = new_page(PHONE)
    statuses: list[tuple[int, str]] = []
    page.on("response", lambda r: statuses.append((r.status, r.url)))
    open_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    assert [s for s in statuses if s[0] == 401] == []
    assert any(url.endswith("/api/auth/session") for _, url in statuses)


def test_location_refused_offers_recording_with_a_reason(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    page = new_page(PHONE, storage_state=state)  # no geolocation permission: refused
    open_app(page, "/home")
    button = page.locator(".checkin .button--huge")
    kind = "Masuk" if "Masuk" in button.inner_text() else "Keluar"
    button.click()
    result = page.locator(".checkin__result")
    expect(result.get_by_role("alert")).to_contain_text("tetapan telefon")
    expect(result).not_to_contain_text("alamat")
    result.get_by_role("button", name="Rekod tanpa lokasi, dengan sebab").click()
    form = page.get_by_role("form", name="Rekod tanpa lokasi")
    form.get_by_role("button", name="Rekod dan hantar kepada penyelia").click()
    expect(form.get_by_role("alert")).to_contain_text("beri sebab")
    form.get_by_label("Sebab", exact=True).fill("GPS telefon rosak, berada di pejabat")
    page.screenshot(path=str(artifacts / "phone-location-refused-reason.png"), full_page=True)
    with page.expect_response("**/api/attendance/check-ins") as sent:
        form.get_by_role("button", name="Rekod dan hantar kepada penyelia").click()
    assert sent.value.status == 200, sent.value.text()
    body = sent.value.json()
    assert body["approval"] == "pending" and body["note"] == "GPS telefon rosak, berada di pejabat"
    expect(result).to_contain_text("Direkodkan tanpa lokasi.")
    expect(result).to_contain_text(f"Daftar {kind.lower()} direkodkan pada")
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "home after a tap without a location")


def test_the_tapped_day_comes_into_view_with_its_pattern_explained(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    page = new_page(PHONE, storage_state=state)
    open_app(page, "/attendance?tab=month")
    days = page.locator("button[data-day]")
    expect(days.first).to_be_visible()
    days.first.click()
    detail = page.locator(".ma-detail")
    expect(detail).to_be_in_viewport()
    pattern = detail.locator(".details__row", has_text="Waktu bekerja")
    if pattern.count():
        expect(pattern).to_contain_text(":")  # "WP2: waktu bekerja berperingkat 2, 08:00–17:00"
    page.screenshot(path=str(artifacts / "phone-attendance-day-in-view.png"))


def test_statistics_are_offered_only_to_those_who_may_read_them(
    browser: Any, new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    officer = new_page(
        PHONE,
        storage_state=_signed_in_state(browser, hadir_server, hadir_server.account("officer")),
    )
    open_app(officer, "/meetings")
    expect(officer.get_by_role("heading", level=1)).to_be_visible()
    expect(officer.get_by_role("link", name="Statistik")).to_have_count(0)
    admin = new_page(TABLET, storage_state=admin_state)
    open_app(admin, "/meetings")
    expect(admin.get_by_role("link", name="Statistik")).to_be_visible()


def test_the_dashboard_shows_open_issues_of_any_day(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/dashboard")
    with page.expect_response("**/api/attendance/dashboard?*") as answer:
        page.reload()
    data = answer.value.json()
    card = page.locator(".db-card", has_text="Isu kehadiran terbuka (semua tarikh)")
    expect(card.locator(".db-card__value")).to_have_text(str(data["openIssuesNow"]))
    page.screenshot(path=str(artifacts / "tablet-dashboard-open-issues.png"), full_page=True)

    # Dates read and typed dd/mm/yyyy (Malaysian), whatever the browser's own format.
    start = page.get_by_label("Dari")
    expect(start).to_have_value(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    start.fill("01/10/2026")
    page.get_by_label("Hingga").fill("5/10/2026")
    with page.expect_response("**/api/attendance/dashboard?*") as answer:
        page.get_by_role("button", name="Papar").click()
    assert "from=2026-10-01" in answer.value.url and "to=2026-10-05" in answer.value.url
    start.fill("31/02/2026")  # no such day: said so, nothing asked of the server
    page.get_by_role("button", name="Papar").click()
    expect(page.get_by_role("alert")).to_contain_text("Tarikh tidak sah")
    phone = new_page(PHONE, storage_state=admin_state)
    open_app(phone, "/dashboard")
    expect(phone.get_by_label("Dari")).to_have_value(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(artifacts / "phone-dashboard-dates.png"), full_page=True)
