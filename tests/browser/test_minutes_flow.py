"""Minutes in the PWA: the secretariat drafts the minutes on a tablet and sends them for review,
a member comments on a section, the chair approves from the approvals inbox on a tablet, the
secretariat distributes them (members see "Diedarkan", the outbox holds their e-mails), asks for
feedback; the assignee opens the feedback link on a phone and answers; the feedback report
lists it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, ROOT, TABLET, HadirServer, _server_env
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow

PDF = b"%PDF-1.4\n% pelan pelaksanaan\ntrailer<<>>\n%%EOF\n"

_MAKE_MEETING = """
import asyncio, json
from datetime import UTC, datetime, timedelta
from api import db, piccolo_conf
from api.meetings.tables import AgendaItem, Committee, CommitteeMember, Invitation, Meeting

async def main():
    await db.start(piccolo_conf.DB)
    committee = await Committee.select(Committee.id).where(Committee.code == "JPICT").first()
    start = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)
    meeting = (await Meeting.insert(Meeting(
        committee=committee["id"], year=2026, number=81,
        title="Mesyuarat JPICT Bil. 81/2026", classification="TERBUKA", status="scheduled",
        starts_at=start, ends_at=start + timedelta(hours=2),
    )).returning(Meeting.id))[0]["id"]
    await AgendaItem.insert(
        AgendaItem(meeting=meeting, position=1, title="Pengesahan minit"),
        AgendaItem(meeting=meeting, position=2, title="Pendigitalan fail meja"),
    )
    later = (await Meeting.insert(Meeting(
        committee=committee["id"], year=2026, number=82,
        title="Mesyuarat JPICT Bil. 82/2026", classification="TERBUKA", status="scheduled",
        starts_at=start + timedelta(days=60), ends_at=start + timedelta(days=60, hours=2),
    )).returning(Meeting.id))[0]["id"]
    await AgendaItem.insert(AgendaItem(meeting=later, position=1, title="Pengesahan minit"))
    members = await CommitteeMember.select().where(CommitteeMember.committee == committee["id"])
    await Invitation.insert(*[
        Invitation(meeting=meeting, user=m["user"], role=m["role"], seniority=m["seniority"],
                   response="accepted", attendance="present")
        for m in members
    ])
    await db.stop(piccolo_conf.DB)
    print(json.dumps({"meeting": meeting, "later": later}))

asyncio.run(main())
"""

_OUTBOX = """
import asyncio, json, sys
from api import db, piccolo_conf
from api.outbox.tables import Notification

async def main():
    await db.start(piccolo_conf.DB)
    rows = await Notification.select(
        Notification.kind, Notification.channel, Notification.url,
        Notification.recipient.login_id.as_alias("login"),
    ).where(Notification.kind == sys.argv[1])
    await db.stop(piccolo_conf.DB)
    print(json.dumps(rows))

asyncio.run(main())
"""


def _script(server: HadirServer, code: str, *args: str) -> Any:
    env = _server_env(server.var_dir, 0)
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def meetings(hadir_server: HadirServer) -> dict[str, int]:
    return {k: int(v) for k, v in _script(hadir_server, _MAKE_MEETING).items()}


@pytest.fixture(autouse=True)
def patient_expectations() -> Any:
    """This flow makes four people wait on one shared 2-core machine: allow slower answers."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


def _signed_in(new_page: Any, server: HadirServer, role: str, viewport: dict[str, int]) -> Any:
    page = new_page(viewport=viewport)
    page.set_default_timeout(15_000)
    open_app(page)
    sign_in_fully(page, server, server.account(role))
    page.get_by_role("heading", level=1).wait_for()
    return page


def _open(page: Any, route: str) -> None:
    """Opens `route` afresh (reloads when the page is already there)."""
    if page.url.endswith(f"#{route}"):
        page.reload()
        page.locator("html[data-ready]").wait_for(state="attached")
    else:
        open_app(page, route)
    page.get_by_role("heading", level=1).wait_for()


def _status(page: Any, text: str) -> None:
    expect(page.get_by_role("status")).to_have_text(text)


def test_minutes_from_draft_to_feedback(
    new_page: Any, hadir_server: HadirServer, meetings: dict[str, int], artifacts: Path
) -> None:
    meeting_id = meetings["meeting"]
    minutes_route = f"/meetings/{meeting_id}/minutes"
    officer = hadir_server.account("officer")
    member = hadir_server.account("member")

    # 1. The secretariat drafts the minutes on a tablet.
    sec = _signed_in(new_page, hadir_server, "secretariat", TABLET)
    open_app(sec, minutes_route)
    expect(sec.get_by_role("heading", name="Minit mesyuarat", level=1)).to_be_visible()
    expect(sec.get_by_role("heading", name="Kehadiran")).to_be_visible()
    attendance = sec.locator('[data-section="attendance"]')
    expect(attendance).to_contain_text(officer.name)
    item = sec.locator('[data-section="item:2"]')
    item.get_by_label("Perbincangan").fill(
        "Urus setia membentangkan cadangan pendigitalan fail meja."
    )
    item.get_by_role("button", name="Tambah keputusan").click()
    item.get_by_label("Keputusan", exact=True).fill("Mesyuarat bersetuju projek dimulakan.")
    item.get_by_role("button", name="Tambah tindakan").click()
    item.get_by_label("Tindakan", exact=True).fill("Sediakan pelan pelaksanaan.")
    item.get_by_label("Tindakan oleh").select_option(label=officer.name)
    due = (date.today() + timedelta(days=21)).isoformat()
    item.get_by_label("Tarikh akhir").fill(due)
    with sec.expect_response(f"**/api/meetings/{meeting_id}/minutes"):
        sec.get_by_role("button", name="Simpan versi baharu").click()
    _status(sec, "Versi baharu disimpan.")
    # A second version, then the diff between them reads as changes.
    sec.locator('[data-section="item:2"]').get_by_label("Perbincangan").fill(
        "Urus setia membentangkan cadangan pendigitalan fail meja.\nKos dianggarkan RM120,000."
    )
    with sec.expect_response(f"**/api/meetings/{meeting_id}/minutes") as saved:
        sec.get_by_role("button", name="Simpan versi baharu").click()
    assert saved.value.json()["version"] == 2
    expect(sec.locator(".page__header")).to_contain_text("Versi 2")
    sec.get_by_role("button", name="Senarai versi").click()
    sec.get_by_role("button", name="Banding versi 2 dengan sebelumnya").click()
    diff = sec.locator(".minutes-diff")
    expect(diff).to_contain_text("Perubahan dari versi 1 ke versi 2")
    expect(diff.locator(".minutes-diff__line--add")).to_contain_text("Kos dianggarkan RM120,000.")
    sec.screenshot(path=str(artifacts / "minutes-1-secretariat-diff-tablet.png"), full_page=True)
    # The same editor on a phone: nothing wider than the screen.
    sec.set_viewport_size(PHONE)
    no_horizontal_overflow(sec)
    sec.screenshot(path=str(artifacts / "minutes-1b-editor-phone.png"), full_page=True)
    sec.set_viewport_size(TABLET)

    # Appoint a reviewer (a member) with a due date.
    sec.get_by_label(member.name).check()
    sec.get_by_label("Tarikh akhir semakan").fill((date.today() + timedelta(days=3)).isoformat())
    sec.get_by_role("button", name="Hantar untuk semakan").click()
    _status(sec, "Minit dihantar kepada penyemak.")
    expect(sec.locator(".page__header")).to_contain_text("Dalam semakan")
    sec.screenshot(path=str(artifacts / "minutes-2-in-review-tablet.png"), full_page=True)

    # 2. The reviewer comments on the discussion of item 2 (on a phone).
    rev = _signed_in(new_page, hadir_server, "member", PHONE)
    open_app(rev, minutes_route)
    box = rev.locator('[data-comments-for="item:2"]')
    box.get_by_text("Ulas bahagian ini").click()
    box.get_by_label("Ulasan anda untuk bahagian ini").fill("Sila nyatakan sumber peruntukan.")
    box.get_by_role("button", name="Hantar ulasan").click()
    _status(rev, "Ulasan dihantar.")
    expect(rev.locator('[data-comments-for="item:2"]')).to_contain_text(
        "Sila nyatakan sumber peruntukan."
    )
    no_horizontal_overflow(rev)
    rev.screenshot(path=str(artifacts / "minutes-3-reviewer-comment-phone.png"), full_page=True)

    # The secretariat resolves it and submits to the chair.
    _open(sec, minutes_route)
    sec.locator('[data-comments-for="item:2"]').get_by_role(
        "button", name="Tandakan selesai"
    ).click()
    _status(sec, "Ulasan ditandakan selesai.")
    sec.get_by_role("button", name="Hantar kepada pengerusi untuk kelulusan").click()
    _status(sec, "Minit dihantar kepada pengerusi.")

    # 3. The chair approves from the approvals inbox on a tablet.
    chair = _signed_in(new_page, hadir_server, "chair", TABLET)
    open_app(chair, "/approvals")
    inbox = chair.locator(".minutes-inbox")
    expect(inbox.get_by_role("heading", name="Minit untuk kelulusan")).to_be_visible()
    chair.screenshot(path=str(artifacts / "minutes-4-chair-inbox-tablet.png"), full_page=True)
    inbox.get_by_role("link", name="Mesyuarat JPICT Bil. 81/2026 (Bil. 81/2026)").click()
    expect(chair.get_by_role("heading", name="Minit mesyuarat", level=1)).to_be_visible()
    expect(chair.locator('[data-section="item:2"]')).to_contain_text("Sediakan pelan pelaksanaan.")
    chair.get_by_role("button", name="Luluskan minit").click()
    _status(chair, "Minit diluluskan.")
    expect(chair.locator(".page__header")).to_contain_text("Diluluskan")
    chair.screenshot(path=str(artifacts / "minutes-5-chair-approved-tablet.png"), full_page=True)

    # 4. The secretariat distributes; members receive them.
    _open(sec, minutes_route)
    sec.get_by_role("button", name="Edarkan kepada ahli").click()
    _status(sec, "Minit diedarkan kepada ahli.")
    rows = _script(hadir_server, _OUTBOX, "minutes_distributed")
    receivers = {r["login"] for r in rows if r["channel"] == "email"}
    assert {member.login_id, officer.login_id, hadir_server.account("chair").login_id} <= receivers
    assert {r["url"] for r in rows} == {f"/#{minutes_route}"}  # the fragment route
    _open(rev, minutes_route)
    expect(rev.locator(".page__header")).to_contain_text("Diedarkan")

    # The secretariat asks for feedback from the report screen.
    open_app(sec, f"/meetings/{meeting_id}/report")
    sec.get_by_role("button", name="Minta maklum balas").click()
    expect(sec.get_by_role("status")).to_contain_text("Permintaan maklum balas dihantar")
    link = next(
        r["url"]
        for r in _script(hadir_server, _OUTBOX, "feedback_requested")
        if r["login"] == officer.login_id
    )
    assert link.startswith("/#/actions/")

    # 5. The assignee opens the link from the e-mail on a phone (as it is) and gives feedback.
    phone = _signed_in(new_page, hadir_server, "officer", PHONE)
    phone.goto(link)
    phone.locator("html[data-ready]").wait_for(state="attached")
    expect(phone.get_by_role("heading", name="Tindakan", level=1)).to_be_visible()
    expect(phone.locator(".actions-text")).to_have_text("Sediakan pelan pelaksanaan.")
    phone.get_by_text("Dalam tindakan", exact=True).click()
    phone.get_by_label("Maklum balas anda").fill(
        "Pelan pelaksanaan 60% siap; draf akhir minggu depan."
    )
    phone.get_by_label("Lampiran (pilihan)").set_input_files(
        {"name": "pelan.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    phone.get_by_role("button", name="Hantar maklum balas").click()
    _status(phone, "Maklum balas dihantar. Terima kasih.")
    expect(phone.locator(".minutes-comments")).to_contain_text("Pelan pelaksanaan 60% siap")
    expect(phone.locator(".minutes-comments")).to_contain_text("Lampiran: pelan.pdf")
    no_horizontal_overflow(phone)
    phone.screenshot(path=str(artifacts / "minutes-6-feedback-phone.png"), full_page=True)

    # 6. The feedback report lists it.
    _open(sec, f"/meetings/{meeting_id}/report")
    table = sec.locator("table.actions-report")
    expect(table).to_contain_text("Sediakan pelan pelaksanaan.")
    expect(table).to_contain_text("Pelan pelaksanaan 60% siap")
    expect(table).to_contain_text("Dalam tindakan")
    expect(table.get_by_role("link", name="Lampiran: pelan.pdf (1 KB)")).to_be_visible()
    with sec.expect_download() as download:
        sec.get_by_role("link", name="Muat turun XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sec.screenshot(path=str(artifacts / "minutes-7-report-tablet.png"), full_page=True)

    # 7. The next meeting: the open action is a matter arising, with its latest feedback.
    open_app(sec, f"/meetings/{meetings['later']}/minutes")
    matters = sec.locator('[data-section="matters"]')
    expect(matters.get_by_role("heading", name="Perkara berbangkit")).to_be_visible()
    expect(matters).to_contain_text("Sediakan pelan pelaksanaan.")
    expect(matters).to_contain_text("Maklum balas terkini: Pelan pelaksanaan 60% siap")

    # 8. Confirmed at that meeting, without amendments: locked.
    open_app(sec, minutes_route)
    sec.get_by_label("Disahkan dalam mesyuarat").select_option(
        label="Mesyuarat JPICT Bil. 82/2026 (Bil. 82/2026)"
    )
    sec.get_by_role("button", name="Sahkan tanpa pindaan").click()
    _status(sec, "Minit disahkan dan dikunci.")
    expect(sec.locator(".page__header")).to_contain_text("Disahkan dan dikunci")
    expect(sec.get_by_role("button", name="Simpan versi baharu")).to_have_count(0)
    sec.screenshot(path=str(artifacts / "minutes-8-confirmed-tablet.png"), full_page=True)

    # 9. The meeting pages show the minutes' status and the next meeting's matters arising.
    open_app(sec, f"/meetings/{meeting_id}")
    summary = sec.locator(".minutes-summary")
    expect(summary).to_contain_text("Disahkan dan dikunci")
    expect(summary.get_by_role("link", name="Laporan maklum balas")).to_be_visible()
    open_app(sec, f"/meetings/{meetings['later']}")
    arising = sec.locator(".minutes-section", has_text="Perkara berbangkit")
    expect(arising.get_by_role("link", name="Sediakan pelan pelaksanaan.")).to_be_visible()
    sec.screenshot(path=str(artifacts / "minutes-9-next-meeting-tablet.png"), full_page=True)
