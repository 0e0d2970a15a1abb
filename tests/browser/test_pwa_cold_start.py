"""The installed app starting where there is no signal (issue 12, part 2).

A person who used the app on this device opens it offline: the cached shell starts as the last
known person (kept on the device: who, nothing secret), Home shows the last known today-card
"as of" when it was received and the check-in button queues the tap (sent and judged when the
connection is back), the attendance month likewise, and the papers saved for offline reading
are listed. Everything kept for the person goes at sign-out, and when another person signs in on
the same device."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import expect_home, nav_link, open_app, sign_in_fully

pytestmark = pytest.mark.browser

INSIDE = {"latitude": 2.92650, "longitude": 101.69660, "accuracy": 10}
PDF = b"%PDF-1.4\n% Kertas makluman luar talian\ntrailer<<>>\n%%EOF\n"
PAPER_TITLE = "Kertas makluman untuk dibaca di lapangan"
KEPT_KEYS = ("hadir.person", "hadir.answers", "hadir.papers.saved")


def wait_for_worker(page: Any) -> None:
    page.evaluate(
        """navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
             || new Promise((resolve) =>
                  navigator.serviceWorker.addEventListener("controllerchange", resolve)))"""
    )


def kept(page: Any) -> dict[str, Any]:
    """What the device holds: localStorage keys, cache names, queued taps."""
    return dict(
        page.evaluate(
            """async (keys) => ({
                 storage: Object.fromEntries(keys.map((k) => [k, localStorage.getItem(k)])),
                 caches: await caches.keys(),
                 queued: await new Promise((resolve) => {
                   const req = indexedDB.open("hadir-queue");
                   req.onupgradeneeded = () =>
                     req.result.createObjectStore("checkins", {keyPath: "clientId"});
                   req.onsuccess = () => {
                     const store = req.result.transaction("checkins").objectStore("checkins");
                     const all = store.getAll();
                     all.onsuccess = () => { req.result.close(); resolve(all.result.length); };
                   };
                 }),
               })""",
            list(KEPT_KEYS),
        )
    )


@pytest.fixture(scope="module")
def paper_meeting(new_page_module: Any, hadir_server: HadirServer) -> int:
    """A TERBUKA or TERHAD paper on a meeting of the demo committee, uploaded by its secretariat."""
    page = new_page_module(TABLET)
    open_app(page)
    sign_in_fully(page, hadir_server, hadir_server.account("secretariat"))
    expect_home(page, hadir_server.account("secretariat").name)
    meetings = page.request.get("/api/meetings").json()
    items = meetings if isinstance(meetings, list) else meetings["items"]
    # A paper is at least as classified as its meeting; SULIT is never kept offline.
    meeting = next(m for m in items if m["classification"] in ("TERBUKA", "TERHAD"))
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf")
    uploaded = page.request.post(
        f"/api/meetings/{meeting['id']}/papers",
        headers={"x-csrf-token": csrf},
        multipart={
            "title": PAPER_TITLE,
            "classification": meeting["classification"],
            "file": {"name": "makluman.pdf", "mimeType": "application/pdf", "buffer": PDF},
        },
    )
    assert uploaded.ok, uploaded.text()
    return int(meeting["id"])


@pytest.fixture(scope="module")
def new_page_module(browser: Any, hadir_server: HadirServer) -> Any:
    contexts: list[Any] = []

    def make(viewport: dict[str, int]) -> Any:
        context = browser.new_context(viewport=viewport, base_url=hadir_server.base_url)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def save_paper(page: Any, meeting_id: int) -> None:
    open_app(page, f"/meetings/{meeting_id}/papers")
    paper = page.locator(".papers__item", has_text=PAPER_TITLE)
    paper.get_by_role("button", name="Simpan untuk luar talian").click()
    expect(paper.get_by_text("Tersimpan di peranti")).to_be_visible()


def test_the_app_starts_offline_as_the_last_person_and_sign_out_wipes_the_device(
    new_page: Any, hadir_server: HadirServer, paper_meeting: int, artifacts: Path
) -> None:
    member = hadir_server.account("member")
    page = new_page(PHONE, geolocation=INSIDE, permissions=["geolocation"])
    open_app(page)
    sign_in_fully(page, hadir_server, member)
    expect_home(page, member.name)
    wait_for_worker(page)
    save_paper(page, paper_meeting)
    with page.expect_response(re.compile(r"/api/attendance/months/\d{4}-\d{2}$")):
        open_app(page, "/attendance")
    open_app(page, "/home")
    expect(page.get_by_role("heading", name="Kehadiran hari ini")).to_be_visible()
    expect(page.locator(".today__status")).to_be_visible()
    status = page.locator(".today__status").text_content()

    # Who the device remembers: the name and roles, never the login ID or a token.
    person = page.evaluate("JSON.parse(localStorage.getItem('hadir.person'))")
    assert person["name"] == member.name
    assert "loginId" not in person and member.login_id not in str(person)

    # A cold start without signal: the page is closed, the phone goes offline, the app opens.
    context = page.context
    page.close()
    context.set_offline(True)
    try:
        page = context.new_page()
        open_app(page)
        expect_home(page, member.name)
        banner = page.locator("#as-of-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Dipaparkan seperti pada")
        expect(page.locator("#offline-banner")).to_be_visible()
        expect(page.locator(".today__status")).to_have_text(status or "")
        page.screenshot(path=str(artifacts / "phone-cold-start-offline-home.png"), full_page=True)

        # The tap is queued, to be judged when it is sent.
        page.get_by_role("button", name=re.compile(r"^Daftar (Masuk|Keluar)$")).click()
        queued = page.locator(".record--queued")
        expect(queued).to_have_count(1)
        client_id = queued.get_attribute("data-client-id")

        # The month, as of when it was received.
        nav_link(page, "Kehadiran").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kehadiran saya")
        expect(banner).to_be_visible()
        expect(page.locator(".ma-panel").first).to_be_visible()
        page.screenshot(path=str(artifacts / "phone-cold-start-offline-month.png"), full_page=True)

        # The saved paper is there to read.
        page.goto(f"/#/meetings/{paper_meeting}/papers")
        expect(page.get_by_text("Hanya kertas yang disimpan di peranti ini")).to_be_visible()
        expect(page.get_by_text(PAPER_TITLE)).to_be_visible()
        expect(banner).to_be_hidden()  # nothing on this screen comes from a kept answer
    finally:
        context.set_offline(False)

    # Back online: the server confirms the session and the tap is sent (once).
    page.goto("/#/home")
    record = page.locator(f'.record[data-client-id="{client_id}"]')
    expect(record).to_be_visible()
    expect(page.locator(".record--queued")).to_have_count(0)
    expect(page.locator("#as-of-banner")).to_be_hidden()
    check_ins = page.request.get("/api/attendance/today").json()["checkIns"]
    assert [c["clientId"] for c in check_ins].count(client_id) == 1

    before = kept(page)
    assert all(before["storage"][key] for key in KEPT_KEYS)
    assert "hadir-papers" in before["caches"]

    nav_link(page, "Akaun").click()
    page.get_by_role("button", name="Log Keluar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk")
    after = kept(page)
    assert after["storage"] == dict.fromkeys(KEPT_KEYS)
    assert "hadir-papers" not in after["caches"]
    assert after["queued"] == 0
    assert any(name.startswith("hadir-shell-") for name in after["caches"])  # the app stays

    # Signed out and offline: nobody is taken as signed in.
    context.set_offline(True)
    try:
        page.reload()
        page.locator("html[data-ready]").wait_for(state="attached")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tiada sambungan")
    finally:
        context.set_offline(False)


def test_another_person_signing_in_on_the_device_finds_nothing_of_the_first(
    new_page: Any, hadir_server: HadirServer, paper_meeting: int, artifacts: Path
) -> None:
    member, supervisor = hadir_server.account("member"), hadir_server.account("supervisor")
    page = new_page(TABLET)
    open_app(page)
    sign_in_fully(page, hadir_server, member)
    expect_home(page, member.name)
    wait_for_worker(page)
    save_paper(page, paper_meeting)
    # A first load of Home asks for today's card early, with the session (app.js
    # preloadFirstView): not after the session's answer and the screen's module.
    events: list[str] = []
    page.on(
        "request",
        lambda r: events.append("today asked") if r.url.endswith("/api/attendance/today") else None,
    )
    page.on(
        "response",
        lambda r: events.append("session known") if r.url.endswith("/api/auth/session") else None,
    )
    open_app(page, "/home")
    expect(page.locator(".today__status")).to_be_visible()
    events.clear()
    page.reload()
    page.locator("html[data-ready]").wait_for(state="attached")
    expect(page.locator(".today__status")).to_be_visible()
    assert events.index("today asked") < events.index("session known"), events
    first = kept(page)
    assert "hadir-papers" in first["caches"] and first["storage"]["hadir.answers"]

    # The member's session ends without a sign-out (it expired, the tab was closed)…
    page.context.clear_cookies()
    page.reload()
    # The last known person's Home may show until the session's answer says signed out (a
    # loaded machine answers late).
    expect(page.get_by_role("heading", level=1)).to_have_text("Log Masuk", timeout=15_000)
    # …their things are still theirs until someone else signs in here.
    assert kept(page)["storage"]["hadir.papers.saved"]

    sign_in_fully(page, hadir_server, supervisor)
    expect_home(page, supervisor.name)
    second = kept(page)
    assert "hadir-papers" not in second["caches"]
    assert second["storage"]["hadir.papers.saved"] is None
    person = page.evaluate("JSON.parse(localStorage.getItem('hadir.person'))")
    assert person["name"] == supervisor.name
    answers = page.evaluate("JSON.parse(localStorage.getItem('hadir.answers'))")
    assert answers is None or answers["owner"] == person["id"]
    page.screenshot(path=str(artifacts / "tablet-second-person-home.png"))
