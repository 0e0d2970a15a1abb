"""A link opened while signed out (an e-mail's /#/meetings/42, a push's /#/attendance) lands on
its screen after the sign-in: through the second factor, and through a forced password change
and the enrolment of a second factor (issue 12, part 3)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import expect_home, open_app, sign_in, sign_in_fully
from tests.browser.test_second_factor import first_password_change, keep_recovery_codes, new_person

pytestmark = pytest.mark.browser


def test_a_meeting_link_opens_the_meeting_after_password_and_code(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    member = hadir_server.account("member")
    # The meeting the e-mail is about (looked up as the member, in another context).
    lookup = new_page(TABLET)
    open_app(lookup)
    sign_in_fully(lookup, hadir_server, member)
    expect_home(lookup, member.name)
    meetings = lookup.request.get("/api/meetings").json()
    items = meetings if isinstance(meetings, list) else meetings["items"]
    meeting = items[0]

    page = new_page(PHONE)
    open_app(page, f"/meetings/{meeting['id']}")
    expect(page).to_have_url(re.compile(r"#/sign-in$"))
    sign_in_fully(page, hadir_server, member)
    expect(page).to_have_url(re.compile(rf"#/meetings/{meeting['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting["number"])
    page.screenshot(path=str(artifacts / "phone-link-after-sign-in.png"))

    # The link is used once: the next sign-in in this tab ends on Home as usual.
    assert page.evaluate("sessionStorage.getItem('hadir.returnTo')") is None


def test_an_attendance_link_survives_the_password_change_and_enrolment(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any]
) -> None:
    name = "Farah Diyana binti Osman"
    login_id = "900202145902"
    _, temporary = new_person(new_page, admin_state, login_id, name)

    page = new_page(PHONE)
    open_app(page, "/attendance?tab=issues")
    expect(page).to_have_url(re.compile(r"#/sign-in$"))
    assert sign_in(page, login_id, temporary).json()["stage"] == "change_password"
    first_password_change(page, temporary, "pokok-kelapa-di-tepi-pantai")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sediakan Pengesahan Dua Langkah")
    manual = page.get_by_text("Tidak dapat mengimbas? Masukkan kunci secara manual")
    if manual.count():  # a tablet shows the QR code first; a phone shows the key itself
        manual.click()
    secret = page.locator("#totp-secret").text_content().replace(" ", "")
    page.get_by_label("Kod daripada aplikasi").fill(hadir_server.totp_code(secret))
    page.get_by_role("button", name="Sahkan dan aktifkan").click()
    keep_recovery_codes(page)

    expect(page).to_have_url(re.compile(r"#/attendance\?tab=issues$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kehadiran saya")
    expect(page.get_by_role("tab", name="Isu")).to_have_attribute("aria-selected", "true")


def test_without_a_link_the_sign_in_ends_on_home(new_page: Any, hadir_server: HadirServer) -> None:
    officer = hadir_server.account("officer")
    page = new_page(PHONE)
    open_app(page)
    sign_in_fully(page, hadir_server, officer)
    expect_home(page, officer.name)
    expect(page).to_have_url(re.compile(r"#/home$"))
