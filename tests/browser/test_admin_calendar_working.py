"""The agency calendar screen on a phone: the administrator declares a replacement working
Saturday (a `working` override on a weekend day), sees it marked as replacing the weekend, and
an error from the server is shown in the shared form alert."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from api.attendance.calendar import WorkingCalendar
from tests.browser.conftest import PHONE
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

KL = ZoneInfo("Asia/Kuala_Lumpur")


def a_plain_saturday(year: int) -> date:
    """A Saturday of `year` that is neither a public holiday in Putrajaya (the demo agency's
    state) nor the other calendar test's date."""
    calendar = WorkingCalendar("PJY")
    day = date(year, 11, 1)
    while day.weekday() != 5 or calendar.is_holiday(day):
        day += timedelta(days=1)
    return day


def test_declare_a_working_saturday_on_a_phone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalendar agensi")
    year = datetime.now(KL).year
    saturday = a_plain_saturday(year)
    overrides = page.locator(".ac-section").first

    overrides.get_by_label("Tarikh").fill(saturday.strftime("%d/%m/%Y"))
    kind = overrides.get_by_label("Jenis")
    kind.select_option(label="Hari bekerja")
    # The hint explains that a working day wins over the weekend; it describes the select.
    expect(overrides.get_by_text("Hari bekerja mengatasi hujung minggu")).to_be_visible()
    hint_id = overrides.locator(".field__hint", has_text="mengatasi hujung minggu").get_attribute(
        "id"
    )
    assert kind.get_attribute("aria-describedby") == hint_id
    overrides.get_by_label("Nama cuti").fill("Hari bekerja ganti")

    # A refusal from the server appears in the form alert (role=alert), nothing is listed.
    def refuse(route: Any) -> None:
        route.fulfill(
            status=409,
            content_type="application/problem+json",
            body=json.dumps({"status": 409, "code": "conflict", "detail": "Ujian: ditolak"}),
        )

    page.route("**/api/attendance/calendar/overrides/*", refuse)
    overrides.get_by_role("button", name="Simpan pembetulan").click()
    alert = page.get_by_role("alert").filter(has_text="Ujian: ditolak")
    expect(alert).to_be_visible()
    page.unroute("**/api/attendance/calendar/overrides/*")

    with page.expect_response("**/api/attendance/calendar/overrides/*") as saved:
        overrides.get_by_role("button", name="Simpan pembetulan").click()
    assert saved.value.url.endswith(f"/overrides/{saturday.isoformat()}")
    item = overrides.locator(".ac-item", has_text="Hari bekerja ganti")
    expect(item).to_contain_text("Hari bekerja")
    expect(item.get_by_text("Menggantikan hujung minggu")).to_be_visible()
    # A successful reload clears the earlier error.
    expect(page.get_by_text("Ujian: ditolak")).to_be_hidden()
    # Not a holiday: the public-holiday list does not show it.
    holidays = page.locator(".ac-section").last
    expect(holidays.locator(".ac-item", has_text="Hari bekerja ganti")).to_have_count(0)
    no_horizontal_overflow(page)
    page.screenshot(
        path=str(artifacts / "phone-admin-calendar-working-saturday.png"), full_page=True
    )

    # Removed again (the live server is shared by the browser tests).
    item.get_by_role("button", name="Buang").click()
    expect(overrides.locator(".ac-item", has_text="Hari bekerja ganti")).to_have_count(0)
