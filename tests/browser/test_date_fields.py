"""Dates and times typed the Malaysian way on every phone (issue 12, part 5): dd/mm/yyyy and a
24-hour hh:mm instead of the browser's own pickers (mm/dd/yyyy, AM/PM), on a 360 px phone at
130 % text, where the date and the time of a moment sit side by side without overflowing. The
movement slip, team, warnings, meeting form, agency calendar, working-pattern and audit
screens; a date or time that is not real is said on its field and nothing is sent."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow
from tests.browser.test_waiting import _larger_text

pytestmark = pytest.mark.browser

NATIVE_PICKERS = 'input[type="date"], input[type="time"], input[type="datetime-local"]'


def inside_group(group: Any) -> None:
    """The date and the time stay inside their group's box (none sticks out of the card)."""
    outer = group.bounding_box()
    for part in group.locator("input").all():
        box = part.bounding_box()
        assert outer and box and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5


def test_no_native_pickers_and_room_at_130_percent(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    state = _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))
    page = new_page(PHONE, storage_state=state)
    for route in ("/slips", "/team", "/warnings"):
        open_app(page, route)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.locator(NATIVE_PICKERS).count() == 0, route

    open_app(page, "/slips")
    starts = page.get_by_role("group", name="Dari")
    inside_group(starts)
    _larger_text(page)
    date, time = starts.get_by_label("Tarikh", exact=True), starts.get_by_label("Masa", exact=True)
    expect(date).to_have_value(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    expect(time).to_have_value(re.compile(r"^([01]\d|2[0-3]):[0-5]\d$"))
    # Both parts are described by the format line.
    for part in (date, time):
        described = part.get_attribute("aria-describedby") or ""
        texts = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
        assert "jj:mm" in texts and "hh/bb/tttt" in texts
    # "930" and "9.30" read as 09:30 when the field is left.
    time.fill("930")
    date.focus()
    expect(time).to_have_value("09:30")
    inside_group(starts)
    for part in (date, time):
        box = part.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
        # The whole value shows: nothing cut off at the field's edge.
        assert part.evaluate("(e) => e.scrollWidth <= e.clientWidth"), part.input_value()
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-130-slip-date-time.png"), full_page=True)
    assert_no_axe_violations(page, "movement slip form at 130 % text")

    # Not a real moment: said at the group, focus on its date.
    time.fill("25:00")
    page.get_by_role("button", name="Hantar permohonan").click()
    expect(starts.locator(".field__error").last).to_contain_text("24 jam")
    expect(date).to_have_attribute("aria-invalid", "true")


def writes_to(page: Any, method: str, url_part: str) -> list[Any]:
    """The requests the page sends with `method` to a URL containing `url_part` (collected)."""
    seen: list[Any] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request) if request.method == method and url_part in request.url else None
        ),
    )
    return seen


def test_meeting_form_at_360_px(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    state = _signed_in_state(browser, hadir_server, hadir_server.account("secretariat"))
    page = new_page(PHONE, storage_state=state)
    posts = writes_to(page, "POST", "/api/meetings")
    open_app(page, "/meetings/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mesyuarat baharu")
    assert page.locator(NATIVE_PICKERS).count() == 0
    starts = page.get_by_role("group", name="Mula", exact=True)
    ends = page.get_by_role("group", name="Tamat", exact=True)
    start_date = starts.get_by_label("Tarikh", exact=True)
    start_time = starts.get_by_label("Masa", exact=True)
    create = page.get_by_role("button", name="Wujudkan mesyuarat")

    # 31 February is no date; the end is missing: each said on its group, nothing sent.
    start_date.fill("31/02/2027")
    start_time.fill("9.30")
    create.click()
    expect(starts.locator(".field__error").last).to_have_text(
        "Tulis tarikh (hh/bb/tttt) dan masa (jj:mm, 24 jam)."
    )
    expect(ends.locator(".field__error").last).to_have_text("Nyatakan tarikh dan masa.")
    expect(start_date).to_be_focused()
    expect(start_date).to_have_attribute("aria-invalid", "true")
    assert posts == []

    # A real start fills the end two hours later, in the same dd/mm/yyyy and hh:mm.
    day = datetime.now(ZoneInfo("Asia/Kuala_Lumpur")).date() + timedelta(days=12)
    start_date.fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Perkara (pilihan)").focus()
    expect(start_time).to_have_value("09:30")
    expect(ends.get_by_label("Tarikh", exact=True)).to_have_value(day.strftime("%d/%m/%Y"))
    expect(ends.get_by_label("Masa", exact=True)).to_have_value("11:30")
    inside_group(starts)
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-meeting-form-dates.png"), full_page=True)
    assert_no_axe_violations(page, "meeting form on a phone")

    # What is sent: ISO moments in Malaysian time (+08:00), as before. The server's answer is
    # stood in for here (no meeting is left on the shared server); its field error shows on
    # the end's group.
    def refuse(route: Any) -> None:
        route.fulfill(
            status=422,
            content_type="application/problem+json",
            body=json.dumps(
                {
                    "status": 422,
                    "code": "validation_error",
                    "detail": "Ujian: semak borang",
                    "errors": [{"field": "endsAt", "message": "Ujian: masa tamat"}],
                }
            ),
        )

    page.route("**/api/meetings", refuse)
    with page.expect_request("**/api/meetings") as request:
        create.click()
    body = request.value.post_data_json
    assert body["startsAt"] == f"{day.isoformat()}T09:30:00+08:00"
    assert body["endsAt"] == f"{day.isoformat()}T11:30:00+08:00"
    expect(ends.locator(".field__error").last).to_have_text("Ujian: masa tamat")
    expect(ends.get_by_label("Tarikh", exact=True)).to_be_focused()


def test_admin_screens_refuse_what_is_not_a_date_or_time(
    new_page: Any, admin_state: dict[str, Any]
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    puts = writes_to(page, "PUT", "/api/attendance/")
    open_app(page, "/admin/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalendar agensi")
    assert page.locator(NATIVE_PICKERS).count() == 0
    for section, button in ((0, "Simpan pembetulan"), (1, "Tandakan rosak")):
        card = page.locator(".ac-section").nth(section)
        day = card.get_by_label("Tarikh")
        expect(day).to_have_attribute("placeholder", "hh/bb/tttt")
        day.fill("31/02/2027")
        card.get_by_role("button", name=button).click()
        expect(card.get_by_text("Tarikh tidak sah. Tulis hh/bb/tttt")).to_be_visible()
        expect(day).to_be_focused()
        expect(day).to_have_attribute("aria-invalid", "true")

    open_app(page, "/admin/patterns")
    own = page.locator("form", has=page.get_by_role("heading", name="Corak berperingkat agensi"))
    expect(own).to_be_visible()
    assert page.locator(NATIVE_PICKERS).count() == 0
    start, end = own.get_by_label("Masuk", exact=True), own.get_by_label("Keluar", exact=True)
    expect(start).to_have_value("08:00")
    own.get_by_label("Kod").fill("UJIAN")
    start.fill("25:00")
    end.fill("")
    own.get_by_label("Keluar pada bulan Ramadan").fill("16:75")
    own.get_by_role("button", name="Simpan corak").click()
    expect(own.locator(".field__error", has_text="Masa tidak sah")).to_have_count(2)
    expect(own.get_by_text("Masukkan masa (jj:mm, 24 jam).")).to_be_visible()
    expect(start).to_be_focused()
    no_horizontal_overflow(page)
    assert puts == []

    # The audit trail's date filters: dd/mm/yyyy, sent as the Malaysian day's start.
    open_app(page, "/admin/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak Audit")
    assert page.locator(NATIVE_PICKERS).count() == 0
    since = page.get_by_label("Dari tarikh")
    since.fill("32/01/2026")
    page.get_by_role("button", name="Tapis").click()
    expect(page.get_by_text("Tarikh tidak sah. Tulis hh/bb/tttt")).to_be_visible()
    expect(since).to_be_focused()
    since.fill("01/01/2026")
    with page.expect_request(re.compile(r"/api/audit\?")) as searched:
        page.get_by_role("button", name="Tapis").click()
    assert "from=2026-01-01T00%3A00%3A00%2B08%3A00" in searched.value.url
    no_horizontal_overflow(page)
