"""Attendance in the PWA: the officer checks in inside the office on a phone, checks out outside
with a reason, the supervisor approves it on a tablet, and a tap made offline is queued in
IndexedDB (surviving a reload) and recorded exactly once when the connection comes back.

Positions are emulated (Playwright geolocation). The tests run in file order and share the demo
officer's day: every test reads the next action from the button instead of assuming it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, DemoAccount, HadirServer
from tests.browser.helpers import open_app, sign_in, verify_code
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

OFFICE = "Ibu Pejabat, Blok C4 Presint 1"
INSIDE = {"latitude": 2.92650, "longitude": 101.69660, "accuracy": 10}
OUTSIDE = {"latitude": 2.9400, "longitude": 101.7100, "accuracy": 20}
# test_accounts_flow gives the officer a temporary password and then this one.
OFFICER_CHANGED_PASSWORD = "nasi-lemak-sambal-petai-2026"
ACTION = re.compile(r"^Daftar (Masuk|Keluar)$")


def _signed_in_state(browser: Any, server: HadirServer, account: DemoAccount) -> dict[str, Any]:
    context = browser.new_context(base_url=server.base_url, viewport=PHONE, locale="ms-MY")
    try:
        page = context.new_page()
        open_app(page)
        candidates = [account.password]
        if account.role == "officer":
            # Whichever the earlier tests left: the changed one first if they changed it.
            if "officer_temporary_password" in server.shared:
                candidates.insert(0, OFFICER_CHANGED_PASSWORD)
            else:
                candidates.append(OFFICER_CHANGED_PASSWORD)
        for password in candidates:
            response = sign_in(page, account.login_id, password)
            if response.status == 200:
                break
        else:
            pytest.fail(f"cannot sign in as {account.role}")
        assert response.json()["stage"] == "mfa"
        done = verify_code(page, server.totp_code(account.totp_secret))
        assert done.json()["stage"] == "done", done.text()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {account.name}")
        state: dict[str, Any] = context.storage_state()
        return state
    finally:
        context.close()


@pytest.fixture(scope="module")
def officer_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("officer"))


@pytest.fixture(scope="module")
def supervisor_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    return _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))


def officer_page(new_page: Any, state: dict[str, Any], where: dict[str, float]) -> Any:
    page = new_page(PHONE, storage_state=state, geolocation=where, permissions=["geolocation"])
    open_app(page, "/home")
    expect(page.get_by_role("heading", name="Kehadiran hari ini")).to_be_visible()
    return page


def today(page: Any) -> dict[str, Any]:
    response = page.request.get("/api/attendance/today")
    assert response.ok, response.text()
    data: dict[str, Any] = response.json()
    return data


def action_button(page: Any) -> Any:
    return page.get_by_role("button", name=ACTION)


def test_officer_checks_in_inside_the_office(
    new_page: Any, officer_state: dict[str, Any], artifacts: Path
) -> None:
    page = officer_page(new_page, officer_state, INSIDE)
    before = len(today(page)["checkIns"])
    button = action_button(page)
    kind = "Masuk" if button.inner_text() == "Daftar Masuk" else "Keluar"

    button.click()
    result = page.locator(".checkin__result")
    expect(result).to_contain_text(f"Di dalam {OFFICE}.")
    expect(result).to_contain_text(f"Daftar {kind.lower()} direkodkan pada")
    # Inside: nothing to explain, no reason form.
    expect(result.get_by_label("Sebab", exact=True)).to_have_count(0)

    card = page.get_by_role("region", name="Kehadiran hari ini")
    records = card.locator(".record")
    expect(records).to_have_count(before + 1)
    expect(records.last).to_contain_text(kind)
    expect(records.last).to_contain_text("Direkodkan")
    expect(records.last).to_contain_text(f"Di dalam {OFFICE}.")
    if kind == "Masuk":
        expect(card).to_contain_text("Masuk pertama")
        expect(action_button(page)).to_have_text("Daftar Keluar")
    expect(card.locator(".today__status .badge")).not_to_be_empty()
    assert len(today(page)["checkIns"]) == before + 1

    page.screenshot(path=str(artifacts / "phone-attendance-inside.png"), full_page=True)
    no_horizontal_overflow(page)


def test_outside_check_in_with_reason_is_approved_by_the_supervisor(
    new_page: Any,
    hadir_server: HadirServer,
    officer_state: dict[str, Any],
    supervisor_state: dict[str, Any],
    artifacts: Path,
) -> None:
    officer = hadir_server.account("officer")
    page = officer_page(new_page, officer_state, OUTSIDE)
    action_button(page).click()

    result = page.locator(".checkin__result")
    expect(result).to_contain_text(f"m di luar {OFFICE} — ketepatan 20 m.")
    expect(result).to_contain_text("menunggu kelulusan penyelia")
    # The reason is required; the mode is a labelled radio group.
    form = page.get_by_role("form", name="Jenis dan sebab")
    form.get_by_role("button", name="Hantar kepada penyelia").click()
    reason = form.get_by_label("Sebab", exact=True)
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    form.get_by_role("radio", name="Tugas rasmi di luar pejabat").check()
    reason.fill("Mesyuarat JPICT di Kementerian Kewangan")
    with page.expect_response("**/api/attendance/check-ins/*") as patched:
        form.get_by_role("button", name="Hantar kepada penyelia").click()
    assert patched.value.ok, patched.value.text()
    # (In #main: the live region announces the same words 50 ms later.)
    expect(
        page.locator("#main").get_by_text("Sebab anda telah dihantar kepada penyelia.")
    ).to_be_visible()
    last = page.locator(".record").last
    expect(last).to_contain_text("Menunggu kelulusan")
    expect(last).to_contain_text("Mesyuarat JPICT di Kementerian Kewangan")
    page.screenshot(path=str(artifacts / "phone-attendance-outside-reason.png"), full_page=True)
    no_horizontal_overflow(page)
    check_in_id = today(page)["checkIns"][-1]["id"]

    # The supervisor, on a tablet.
    boss = new_page(TABLET, storage_state=supervisor_state)
    open_app(boss, "/approvals")
    expect(boss.get_by_role("heading", level=1)).to_have_text("Kelulusan")
    item = boss.locator(f'.approval[data-id="{check_in_id}"]')
    expect(item).to_contain_text(officer.name)
    expect(item).to_contain_text("Tugas rasmi di luar pejabat")
    expect(item).to_contain_text("Mesyuarat JPICT di Kementerian Kewangan")
    expect(item).to_contain_text(f"di luar {OFFICE}")
    # From inside the office to 2 km away within seconds: flagged, not refused.
    expect(item.locator(".badge", has_text="Perjalanan mustahil")).to_be_visible()
    # …and what the sign means, in the user's language and on the screen (no hover tooltip).
    explained = item.locator(".finding-notes li", has_text="Perjalanan mustahil")
    expect(explained).to_contain_text("terlalu jauh untuk masa yang berlalu")
    expect(item.locator(".badge[title]")).to_have_count(0)
    # The tap drawn against the office outline with its accuracy circle (inline SVG).
    sketch = item.get_by_role("img", name=re.compile(f"m di luar {re.escape(OFFICE)}"))
    expect(sketch).to_be_visible()
    expect(sketch.locator(".office-sketch__office")).to_have_count(1)
    expect(sketch.locator(".office-sketch__accuracy")).to_have_count(1)
    boss.screenshot(path=str(artifacts / "tablet-approvals.png"), full_page=True)
    no_horizontal_overflow(boss)

    # The same list fits a phone.
    phone = new_page(PHONE, storage_state=supervisor_state)
    open_app(phone, "/approvals")
    expect(phone.locator(f'.approval[data-id="{check_in_id}"]')).to_be_visible()
    expect(phone.locator(f'.approval[data-id="{check_in_id}"] .office-sketch')).to_be_visible()
    phone.screenshot(path=str(artifacts / "phone-approvals.png"), full_page=True)
    no_horizontal_overflow(phone)

    # Rejecting needs a note; the item's own note field says so and takes the focus.
    item.get_by_role("button", name="Tolak", exact=False).click()
    note = item.get_by_label("Catatan kepada pegawai")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")

    # Approve it with the check box and the batch button (keyboard: Space on the check box).
    item.get_by_role("checkbox").focus()
    boss.keyboard.press("Space")
    expect(boss.get_by_text("1 dipilih")).to_be_visible()
    with boss.expect_response("**/api/attendance/approvals/decisions") as decided:
        boss.get_by_role("button", name="Luluskan yang dipilih").click()
    assert decided.value.json()["decided"] == [check_in_id]
    expect(boss.get_by_role("status").filter(has_text="1 permohonan diluluskan.")).to_be_visible()
    expect(boss.locator(f'.approval[data-id="{check_in_id}"]')).to_have_count(0)
    boss.screenshot(path=str(artifacts / "tablet-approvals-after.png"), full_page=True)

    # Back on the officer's phone: approved.
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    record = page.locator(f'.record[data-client-id="{today(page)["checkIns"][-1]["clientId"]}"]')
    expect(record).to_contain_text("Diluluskan")
    page.screenshot(path=str(artifacts / "phone-attendance-approved.png"), full_page=True)
    no_horizontal_overflow(page)

    # The officer's day detail draws each of today's taps against the office.
    open_app(page, "/attendance")
    taps = page.locator(".ma-detail__tap")
    expect(taps.last.get_by_role("img", name=re.compile("m di luar"))).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-attendance-day-sketch.png"), full_page=True)
    no_horizontal_overflow(page)


def test_offline_tap_is_queued_survives_a_reload_and_is_recorded_once(
    new_page: Any, officer_state: dict[str, Any], artifacts: Path
) -> None:
    page = officer_page(new_page, officer_state, INSIDE)
    # The shell must be cached (service worker in control) for the offline reload.
    page.evaluate(
        """navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
             || new Promise((resolve) =>
                  navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )
    before = today(page)["checkIns"]

    page.context.set_offline(True)
    try:
        action_button(page).click()
        expect(page.locator(".checkin__result")).to_contain_text(
            "disimpan pada peranti ini dan akan dihantar secara automatik"
        )
        queued = page.locator(".record--queued")
        expect(queued).to_have_count(1)
        expect(queued).to_contain_text("Menunggu untuk dihantar")
        client_id = queued.get_attribute("data-client-id")
        assert client_id
        page.screenshot(path=str(artifacts / "phone-attendance-offline-queued.png"), full_page=True)
        no_horizontal_overflow(page)

        # A reload while still offline: the app starts as the last known person (issue 12) and
        # the tap is still there, in IndexedDB.
        page.reload()
        page.locator("html[data-ready]").wait_for(state="attached")
        expect(page.get_by_role("heading", name="Kehadiran hari ini")).to_be_visible()
        expect(page.locator(f'.record--queued[data-client-id="{client_id}"]')).to_be_visible()
        page.screenshot(path=str(artifacts / "phone-attendance-offline-reload.png"))
    finally:
        page.context.set_offline(False)

    # Online again: the app starts by itself and sends the queued tap.
    expect(page.get_by_role("heading", name="Kehadiran hari ini")).to_be_visible()
    record = page.locator(f'.record[data-client-id="{client_id}"]')
    expect(record).to_be_visible()
    expect(record).not_to_have_class(re.compile("record--queued"))
    expect(page.locator(".record--queued")).to_have_count(0)
    after = today(page)["checkIns"]
    assert [c["clientId"] for c in after].count(client_id) == 1
    assert len(after) == len(before) + 1
    mine = next(c for c in after if c["clientId"] == client_id)
    assert mine["offline"] is True
    assert (
        page.evaluate(
            """new Promise((resolve) => {
             const req = indexedDB.open("hadir-queue");
             req.onsuccess = () => {
               const tx = req.result.transaction("checkins", "readonly");
               const all = tx.objectStore("checkins").getAll();
               all.onsuccess = () => resolve(all.result.length);
             };
           })"""
        )
        == 0
    )
    page.screenshot(path=str(artifacts / "phone-attendance-offline-synced.png"), full_page=True)


def test_uncertain_position_offers_a_retry_and_denied_location_says_what_to_do(
    new_page: Any, officer_state: dict[str, Any], artifacts: Path
) -> None:
    # No permission: the officer is told that location is needed and how to allow it.
    denied = new_page(PHONE, storage_state=officer_state)
    open_app(denied, "/home")
    before = len(today(denied)["checkIns"])
    action_button(denied).click()
    alert = denied.get_by_role("alert")
    expect(alert).to_contain_text("Hadir memerlukan lokasi anda")
    # An installed app has no address bar: the phone's settings, and a way on with a reason.
    expect(alert).to_contain_text("Benarkan lokasi untuk Hadir dalam tetapan telefon")
    expect(alert).not_to_contain_text("alamat")
    expect(denied.get_by_role("button", name="Rekod tanpa lokasi, dengan sebab")).to_be_visible()
    expect(action_button(denied)).to_be_enabled()
    assert len(today(denied)["checkIns"]) == before  # nothing recorded until the officer asks

    # 5 m inside the west wall with a 25 m circle: it straddles the boundary -> uncertain,
    # judged before anything is recorded; "Cuba lagi" takes a new fix.
    edge = {"latitude": 2.92650, "longitude": 101.69625, "accuracy": 25}
    page = officer_page(new_page, officer_state, edge)
    action_button(page).click()
    result = page.locator(".checkin__result")
    expect(result).to_contain_text(
        "Lokasi anda tidak pasti (ketepatan 25 m) — cuba lagi atau beri sebab."
    )
    retry = page.get_by_role("button", name="Cuba lagi")
    expect(retry).to_be_focused()
    expect(page.get_by_role("button", name="Rekod dan beri sebab")).to_be_visible()
    assert len(today(page)["checkIns"]) == before
    page.screenshot(path=str(artifacts / "phone-attendance-uncertain.png"), full_page=True)
    no_horizontal_overflow(page)

    page.context.set_geolocation(INSIDE)
    retry.click()
    expect(result).to_contain_text(f"Di dalam {OFFICE}.")
    assert len(today(page)["checkIns"]) == before + 1
