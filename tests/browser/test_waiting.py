"""What waits for me (issue 12, part 4), as people see it on a 360 px phone (also at 130 %
text) and a 1024 px tablet: Home's "Menunggu tindakan anda" with a count per kind, each opening
its screen; the counts on the navigation; the notification feed (read / unread, mark all read);
the approvals page in sections with headings and counts, the reject note asked on the item; a
pending check-in's reason given later from Home and from My attendance."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import nav_link, open_app
from tests.browser.test_attendance_flow import _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

FAR_AWAY = {"lat": 3.1579, "lon": 101.7116, "accuracy": 12.0}  # Kuala Lumpur, not the office


def _csrf(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf"))


def _tap_outside(page: Any) -> dict[str, Any]:
    """A check-in outside every office, sent without a reason (as after a dropped signal)."""
    response = page.request.post(
        "/api/attendance/check-ins",
        data={
            "clientId": str(uuid.uuid4()),
            "kind": "in",
            "fix": FAR_AWAY,
            "clientAt": datetime.now(UTC).isoformat(),
        },
        headers={"x-csrf-token": _csrf(page)},
    )
    assert response.status == 200, response.text()
    body: dict[str, Any] = response.json()
    assert body["approval"] == "pending"
    return body


def _waiting(page: Any) -> dict[str, Any]:
    return dict(page.request.get("/api/waiting").json())


def _larger_text(page: Any) -> None:
    """The phone's text size at 130 % (the app sizes its text in rem)."""
    # Through the CSSOM: the page's CSP refuses a <style> element, not a property set by script.
    page.evaluate("document.documentElement.style.fontSize = '130%'")


def test_the_officer_sees_what_waits_and_gives_a_reason_later(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    officer_state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    page = new_page(PHONE, storage_state=officer_state)
    open_app(page, "/home")
    first = _tap_outside(page)
    second = _tap_outside(page)
    open_app(page, "/attendance")
    open_app(page, "/home")
    waiting = _waiting(page)
    assert waiting["ownCheckInsWithoutReason"] >= 2

    card = page.get_by_role("region", name="Menunggu tindakan anda")
    line = card.get_by_role("link", name=re.compile("Daftar masuk anda yang belum diberi sebab"))
    expect(line).to_contain_text(str(waiting["ownCheckInsWithoutReason"]))
    page.screenshot(path=str(artifacts / "phone-home-waiting-officer.png"), full_page=True)
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "officer's home")

    # The reason, later, from the today card of Home.
    record = page.locator(f'.record[data-client-id="{first["clientId"]}"]')
    record.get_by_text("Beri sebab", exact=True).click()
    record.get_by_label("Bekerja dari rumah").check()
    record.get_by_label("Sebab", exact=True).fill("Menunggu juruteknik di rumah")
    with page.expect_response(f"**/api/attendance/check-ins/{first['id']}") as sent:
        record.get_by_role("button", name="Hantar kepada penyelia").click()
    assert sent.value.status == 200
    left = _waiting(page)["ownCheckInsWithoutReason"]
    assert left == waiting["ownCheckInsWithoutReason"] - 1
    expect(line).to_contain_text(str(left))

    # …and from My attendance, where the card's line leads.
    line.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kehadiran saya")
    pending = page.locator(f'.ma-pending [data-check-in-id="{second["id"]}"]')
    expect(pending).to_be_visible()
    pending.get_by_text("Beri sebab", exact=True).click()
    pending.get_by_label("Lain-lain").check()
    pending.get_by_label("Sebab", exact=True).fill("Lupa membawa telefon ke pejabat")
    page.screenshot(path=str(artifacts / "phone-attendance-pending-reason.png"), full_page=True)
    with page.expect_response(f"**/api/attendance/check-ins/{second['id']}") as sent:
        pending.get_by_role("button", name="Hantar kepada penyelia").click()
    assert sent.value.status == 200
    expect(page.locator(f'.ma-pending [data-check-in-id="{second["id"]}"]')).to_contain_text(
        "Lupa membawa telefon"
    )
    assert_no_axe_violations(page, "My attendance, issues tab")


def test_the_supervisor_counts_sections_inline_reject_and_the_feed(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    officer_state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    boss_state = _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))
    officer = new_page(PHONE, storage_state=officer_state)
    open_app(officer, "/home")
    tapped = _tap_outside(officer)

    phone = new_page(PHONE, storage_state=boss_state)
    open_app(phone, "/home")
    _larger_text(phone)
    waiting = _waiting(phone)
    assert waiting["checkInsToDecide"] >= 1 and waiting["unreadNotifications"] >= 1
    card = phone.get_by_role("region", name="Menunggu tindakan anda")
    line = card.get_by_role("link", name=re.compile("Daftar masuk untuk diputuskan"))
    expect(line).to_contain_text(str(waiting["checkInsToDecide"]))
    # The approvals tab carries the count of what waits there (its name stays "Kelulusan").
    approvals_tab = nav_link(phone, "Kelulusan")
    to_decide = (
        waiting["checkInsToDecide"]
        + waiting["issuesToDecide"]
        + waiting["slipsToDecide"]
        + waiting["minutesToApprove"]
    )
    expect(approvals_tab.locator(".nav__count")).to_have_text(str(to_decide))
    expect(approvals_tab).to_have_attribute("aria-describedby", re.compile("nav-count"))
    phone.screenshot(path=str(artifacts / "phone-130-home-waiting-supervisor.png"), full_page=True)
    no_horizontal_overflow(phone)
    # At 130 % text the tab labels stay inside their own tabs.
    boxes = phone.evaluate(
        """[...document.querySelectorAll('.nav__list > li:not(.nav__item--overflow) .nav__label')]
             .filter((e) => e.offsetParent).map((e) => {
               const r = e.getBoundingClientRect(), t = e.closest('li').getBoundingClientRect();
               return [r.left >= t.left - 0.5, r.right <= t.right + 0.5];
             })"""
    )
    assert boxes and all(left and right for left, right in boxes), boxes
    assert_no_axe_violations(phone, "supervisor's home at 130 %")

    line.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kelulusan")
    section = phone.locator(".checkin-approvals")
    expect(section.get_by_role("heading", level=2)).to_contain_text(
        f"Daftar masuk luar pejabat ({waiting['checkInsToDecide']})"
    )
    expect(phone.get_by_text("Tiada apa-apa menunggu keputusan anda.")).to_have_count(0)
    # No shared note field at the top: the note is asked on the item.
    expect(section.get_by_label("Catatan untuk yang dipilih")).to_be_hidden()
    item = section.locator(f'.approval[data-id="{tapped["id"]}"]')
    item.get_by_role("button", name="Tolak", exact=False).click()  # no note yet: asked for
    note = item.get_by_label("Catatan kepada pegawai")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    phone.screenshot(path=str(artifacts / "phone-130-approvals-inline-reject.png"), full_page=True)
    note.fill("Tiada kebenaran bekerja di luar hari ini")
    with phone.expect_response("**/api/attendance/approvals/decisions") as decided:
        item.get_by_role("button", name="Tolak", exact=False).click()
    assert decided.value.status == 200
    assert (
        decided.value.request.post_data_json["note"] == "Tiada kebenaran bekerja di luar hari ini"
    )
    expect(phone.locator(f'.approval[data-id="{tapped["id"]}"]')).to_have_count(0)

    # The feed: the pending item came as a notification; read it, then mark everything read.
    tablet = new_page(TABLET, storage_state=boss_state)
    open_app(tablet, "/notifications")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Pemberitahuan")
    unread = tablet.locator(".feed__item--unread")
    expect(unread.first).to_be_visible()
    bell = tablet.get_by_role("navigation").locator('.nav__list a[data-path="/notifications"]')
    expect(bell.locator(".nav__count")).to_have_text(str(_waiting(tablet)["unreadNotifications"]))
    tablet.screenshot(path=str(artifacts / "tablet-notification-feed.png"), full_page=True)
    assert_no_axe_violations(tablet, "notification feed")
    with tablet.expect_response("**/api/notifications/feed/read-all"):
        tablet.get_by_role("button", name="Tandakan semua sudah dibaca").click()
    expect(tablet.get_by_role("status")).to_have_text(
        "Semua pemberitahuan ditandakan sudah dibaca."
    )
    expect(tablet.locator(".feed__item--unread")).to_have_count(0)
    expect(bell.locator(".nav__count")).to_be_hidden()
    assert _waiting(tablet)["unreadNotifications"] == 0

    _tap_outside(officer)  # one more waiting, to see the page with its sections
    open_app(tablet, "/approvals")
    expect(tablet.locator(".checkin-approvals .approval").first).to_be_visible()
    tablet.screenshot(path=str(artifacts / "tablet-approvals-sections.png"), full_page=True)
    assert_no_axe_violations(tablet, "approvals page")
