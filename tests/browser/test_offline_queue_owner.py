"""A tap queued offline belongs to the person who made it (issue 12, parts 2 and 5).

Offline and without a position (location refused), the tap is still kept with its kind and
reason, to be judged when it is sent. When another person signs in on the same phone before it
could go, it is neither sent in their session nor lost: it waits, tagged with its owner, and goes
out when the owner signs in here again. Taps queued before they carried an owner are the last
known person's."""

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
from tests.browser.helpers import expect_home, nav_link, open_app, sign_in_fully
from tests.browser.test_pwa_cold_start import wait_for_worker
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

REASON = "Di tapak projek, tiada isyarat GPS"
LEGACY_ID = "0f6f8a52-3c1e-4b8e-9a57-2f3c4d5e6f70"

QUEUED = """() => new Promise((resolve) => {
  const req = indexedDB.open("hadir-queue");
  req.onupgradeneeded = () => req.result.createObjectStore("checkins", {keyPath: "clientId"});
  req.onsuccess = () => {
    const all = req.result.transaction("checkins").objectStore("checkins").getAll();
    all.onsuccess = () => { req.result.close(); resolve(all.result); };
  };
})"""

# A tap as the app queued it before taps carried their owner.
PUT_LEGACY = """(item) => new Promise((resolve, reject) => {
  const req = indexedDB.open("hadir-queue");
  req.onsuccess = () => {
    const tx = req.result.transaction("checkins", "readwrite");
    tx.objectStore("checkins").put(item);
    tx.oncomplete = () => { req.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def client_ids(page: Any) -> list[str]:
    return [c["clientId"] for c in page.request.get("/api/attendance/today").json()["checkIns"]]


def test_an_offline_tap_without_a_position_waits_for_its_owner(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    owner, colleague = hadir_server.account("member"), hadir_server.account("supervisor")
    page = new_page(PHONE)  # no geolocation permission: the position is refused
    open_app(page)
    sign_in_fully(page, hadir_server, owner)
    expect_home(page, owner.name)
    wait_for_worker(page)
    owner_id = page.evaluate("JSON.parse(localStorage.getItem('hadir.person')).id")

    context = page.context
    context.set_offline(True)
    try:
        button = page.locator(".checkin .button--huge")
        kind = "in" if "Masuk" in button.inner_text() else "out"
        button.click()
        result = page.locator(".checkin__result")
        expect(result.get_by_role("alert")).to_be_visible()
        # Offline too, the way on is to record with a reason: it is queued, not lost.
        result.get_by_role("button", name="Rekod tanpa lokasi, dengan sebab").click()
        form = page.get_by_role("form", name="Rekod tanpa lokasi")
        form.get_by_role("button", name="Rekod dan hantar kepada penyelia").click()
        expect(form.get_by_role("alert")).to_contain_text("sebab")
        form.get_by_label("Sebab", exact=True).fill(REASON)
        form.get_by_role("button", name="Rekod dan hantar kepada penyelia").click()
        queued = page.locator(".record--queued")
        expect(queued).to_have_count(1)
        client_id = queued.get_attribute("data-client-id")
        shot = artifacts / "phone-offline-no-position-queued.png"
        page.screenshot(path=str(shot), full_page=True)
        no_horizontal_overflow(page)
        [item] = page.evaluate(QUEUED)
        assert item["owner"] == owner_id and item["fix"] is None
        assert item["note"] == REASON and item["mode"] and item["kind"] == kind
        page.evaluate(
            PUT_LEGACY,
            {
                "clientId": LEGACY_ID,
                "kind": "out" if kind == "in" else "in",
                "fix": None,
                "clientAt": item["clientAt"],
                "mode": "official_duty",
                "note": REASON,
                "passkey": None,
                "offline": True,
                "queuedAt": item["queuedAt"] + "z",  # after the first
                "state": "waiting",
                "error": "",
            },
        )
        # The owner's session ends before the signal is back (expired, phone handed over).
        context.clear_cookies()
    finally:
        context.set_offline(False)

    # A colleague signs in on the same phone: the owner's taps are not sent as theirs.
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    sign_in_fully(page, hadir_server, colleague)
    expect_home(page, colleague.name)
    others = page.locator(".others-queued")
    expect(others).to_contain_text("2 rekod kehadiran orang lain")
    expect(page.locator(".record--queued")).to_have_count(0)
    page.screenshot(path=str(artifacts / "phone-colleague-sees-others-waiting.png"), full_page=True)
    assert_no_axe_violations(page, "home with another person's taps waiting")
    assert client_id not in client_ids(page) and LEGACY_ID not in client_ids(page)
    kept = {i["clientId"]: i["owner"] for i in page.evaluate(QUEUED)}
    assert kept == {client_id: owner_id, LEGACY_ID: owner_id}  # the unowned one is the owner's

    nav_link(page, "Akaun").click()
    page.get_by_role("button", name="Log Keluar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    assert len(page.evaluate(QUEUED)) == 2  # a sign-out keeps other people's waiting taps

    # The owner signs in here again: both taps go out, in their session, judged as they are.
    sign_in_fully(page, hadir_server, owner)
    expect_home(page, owner.name)
    expect(page.locator(f'.record[data-client-id="{client_id}"]')).to_be_visible()
    expect(page.locator(".record--queued")).to_have_count(0)
    expect(page.locator(".others-queued")).to_have_count(0)
    today = page.request.get("/api/attendance/today").json()["checkIns"]
    sent = {c["clientId"]: c for c in today}
    assert client_id in sent and LEGACY_ID in sent
    tap = sent[client_id]
    assert tap["approval"] == "pending" and tap["note"] == REASON
    assert "no_position" in [f["code"] for f in tap["findings"]]
    assert page.evaluate(QUEUED) == []
    assert re.match(r"^\d{4}-", tap["occurredAt"])
