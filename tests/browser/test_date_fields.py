"""Dates and times typed the Malaysian way on every phone (issue 12, part 5): dd/mm/yyyy and a
24-hour hh:mm instead of the browser's own pickers (mm/dd/yyyy, AM/PM), on a 360 px phone at
130 % text, where the date and the time of a moment sit side by side without overflowing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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
        native = page.locator(
            'input[type="date"], input[type="time"], input[type="datetime-local"]'
        )
        assert native.count() == 0, route

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
