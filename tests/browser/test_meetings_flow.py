"""Meetings in the PWA: the secretariat creates a meeting and invites the committee on a tablet;
a member on a 360 px phone declines by sending a colleague as representative; the secretariat's
invitation list then shows the representative. Screenshots go to tests/artifacts/.

The tests run in file order and share the meeting through `hadir_server.shared`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from api.demo.loader import NAMES, _ic
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

# Demo person 9 (Seksyen Aplikasi, not on the committee): the member's representative.
COLLEAGUE = NAMES[8]
# Demo person 11 (not on the committee): a guest.
GUEST = NAMES[10]
SUBJECT = "Kajian semula sistem tempahan bilik"


def _signed_in(new_page: Any, server: HadirServer, role: str, viewport: dict[str, int]) -> Any:
    page = new_page(viewport)
    open_app(page)
    account = server.account(role)
    sign_in_fully(page, server, account)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {account.name}")
    return page


def test_the_secretariat_creates_a_meeting_and_invites(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = _signed_in(new_page, hadir_server, "secretariat", TABLET)
    open_app(page, "/meetings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mesyuarat saya")
    page.get_by_role("link", name="Mesyuarat baharu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mesyuarat baharu")
    day = datetime.now(ZoneInfo("Asia/Kuala_Lumpur")).date() + timedelta(days=10)
    # The secretariat serves more than one committee (other tests add some): pick this one.
    page.get_by_label("Jawatankuasa", exact=True).select_option(label="Jawatankuasa Pemandu ICT")
    page.get_by_label("Perkara (pilihan)").fill(SUBJECT)
    # Typed as a Malaysian user would: dd/mm/yyyy and a 24-hour hh:mm.
    for group, clock in (("Mula", "09:30"), ("Tamat", "11:00")):
        moment = page.get_by_role("group", name=group, exact=True)
        moment.get_by_label("Tarikh", exact=True).fill(day.strftime("%d/%m/%Y"))
        moment.get_by_label("Masa", exact=True).fill(clock)
    page.get_by_label("Pejabat", exact=True).select_option(label="Ibu Pejabat, Blok C4 Presint 1")
    page.get_by_label("Bilik", exact=True).fill("Bilik Mesyuarat Utama, Aras 3")
    page.get_by_label("Klasifikasi").select_option("TERHAD")
    page.get_by_label("Perkara agenda 1").fill("Pengesahan minit mesyuarat lalu")
    page.get_by_role("button", name="Tambah perkara").click()
    page.get_by_label("Perkara agenda 2").fill("Cadangan sistem tempahan baharu")
    page.screenshot(path=str(artifacts / "tablet-meeting-form.png"), full_page=True)
    with page.expect_response("**/api/meetings") as created:
        page.get_by_role("button", name="Wujudkan mesyuarat").click()
    assert created.value.status == 201, created.value.text()
    sent = created.value.request.post_data_json
    assert (sent["startsAt"], sent["endsAt"]) == (
        f"{day.isoformat()}T09:30:00+08:00",
        f"{day.isoformat()}T11:00:00+08:00",
    )
    meeting = created.value.json()
    hadir_server.shared["meeting_id"] = meeting["id"]
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        re.compile(r"^Mesyuarat Jawatankuasa Pemandu ICT Bil\. \d+/\d{4}$")
    )
    assert meeting["number"] in heading.inner_text()
    expect(page.get_by_text("Draf", exact=True)).to_be_visible()
    agenda = page.locator(".mtg-agenda__title")
    expect(agenda).to_have_text(
        ["Pengesahan minit mesyuarat lalu", "Cadangan sistem tempahan baharu"]
    )
    # One guest from outside the committee (optional participant).
    page.get_by_label("Jemputan tambahan (pilihan)").fill(GUEST.split()[0])
    page.locator(".mtg-rep__option").filter(has_text=GUEST).first.click()
    expect(page.locator(".mtg-guests__item")).to_have_text([re.compile(GUEST)])
    with page.expect_response(f"**/api/meetings/{meeting['id']}/invitations") as sent:
        page.get_by_role("button", name="Hantar jemputan").click()
    assert sent.value.status == 200
    expect(page.get_by_role("status").filter(has_text="Jemputan dihantar")).to_be_visible()
    invitations = page.locator(".mtg-invitee")
    expect(invitations).to_have_count(9)  # chair, six members, the guest, secretariat
    expect(invitations.filter(has_text=GUEST)).to_contain_text("Jemputan")
    expect(invitations.first).to_contain_text("Pengerusi")
    expect(invitations.last).to_contain_text("Urus setia")
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "tablet-meeting-secretariat.png"), full_page=True)


def test_a_member_on_a_phone_sends_a_colleague_as_representative(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    meeting_id = hadir_server.shared.get("meeting_id")
    if meeting_id is None:
        pytest.skip("needs the meeting of the previous test")
    page = _signed_in(new_page, hadir_server, "member", PHONE)
    page.get_by_role("link", name="Mesyuarat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mesyuarat saya")
    card = page.locator(f'a[href="#/meetings/{meeting_id}"]')
    expect(card).to_contain_text(SUBJECT)
    expect(card).to_contain_text("Belum dijawab")
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-meetings.png"), full_page=True)
    card.click()
    expect(page.get_by_role("heading", name="Pengesahan kehadiran")).to_be_visible()
    page.get_by_label("Hantar wakil").check()
    # Sending a representative needs a colleague (or a typed name): try without first.
    page.get_by_role("button", name="Hantar jawapan").click()
    expect(page.get_by_text("Pilih rakan sekerja atau taip nama wakil.")).to_be_visible()
    page.get_by_label("Cari rakan sekerja sebagai wakil").fill(
        COLLEAGUE.split()[0] + " " + COLLEAGUE.split()[1]
    )
    option = page.locator(".mtg-rep__option").filter(has_text=COLLEAGUE).first
    option.click()
    expect(page.get_by_text(f"Wakil dipilih: {COLLEAGUE}")).to_be_visible()
    page.get_by_label("Sebab").fill("Bertugas di luar kawasan")
    with page.expect_response(f"**/api/meetings/{meeting_id}/rsvp") as saved:
        page.get_by_role("button", name="Hantar jawapan").click()
    assert saved.value.status == 200, saved.value.text()
    assert saved.value.json()["representativeName"] == COLLEAGUE
    expect(page.get_by_text("Jawapan anda disimpan.")).to_be_visible()
    expect(page.locator(".mtg-rsvp__current")).to_contain_text(f"Wakil: {COLLEAGUE}")
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-meeting-rsvp.png"), full_page=True)
    # The private calendar feed: made on the list screen, shown once, readable by a calendar app.
    open_app(page, "/meetings")
    page.get_by_role("button", name="Buat pautan kalendar").click()
    link = page.get_by_label("Pautan kalendar peribadi")
    expect(link).to_have_value(re.compile(r"^webcal://localhost:\d+/calendar/[\w-]+\.ics$"))
    # BASE_URL of the test server is http://localhost:<port>, so the https link is http here.
    feed = page.context.request.get("http://" + link.input_value().removeprefix("webcal://"))
    assert feed.status == 200
    calendar = icalendar.Calendar.from_ical(feed.body())
    assert any(str(e["UID"]).startswith(f"meeting-{meeting_id}@") for e in calendar.events)
    page.get_by_text("Simpan pautan ini sekarang").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "phone-meetings-feed.png"))


def test_the_secretariat_sees_the_representative(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    meeting_id = hadir_server.shared.get("meeting_id")
    if meeting_id is None:
        pytest.skip("needs the meeting of the first test")
    page = _signed_in(new_page, hadir_server, "secretariat", TABLET)
    open_app(page, f"/meetings/{meeting_id}")
    member = hadir_server.account("member")
    row = page.locator(".mtg-invitee").filter(has_text=member.name)
    expect(row).to_contain_text("Hantar wakil")
    expect(row).to_contain_text(f"Diwakili oleh {COLLEAGUE}")
    expect(page.locator(".mtg-invitations")).to_contain_text("1 hantar wakil")
    page.locator(".mtg-invitations").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "tablet-meeting-representative.png"), full_page=True)


def test_the_committee_screen_lists_members_in_order(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = _signed_in(new_page, hadir_server, "secretariat", PHONE)
    open_app(page, "/committees")
    page.get_by_role("link", name=re.compile("Jawatankuasa Pemandu ICT")).click()
    members = page.locator(".mtg-member")
    expect(members.first).to_contain_text(hadir_server.account("chair").name)
    expect(members).to_have_count(8)
    expect(page.get_by_role("heading", name="Import ahli (CSV)")).to_be_visible()
    # The CSV import is checked first and reports per line; only checked here (not applied),
    # so the demo committee stays as the other browser tests expect it.
    page.get_by_label("Fail CSV").set_input_files(
        files=[
            {
                "name": "ahli.csv",
                "mimeType": "text/csv",
                "buffer": (
                    f"login_id,role,seniority\n{_ic(12)},ahli,50\n999999999999,ahli,60\n"
                ).encode(),
            }
        ]
    )
    with page.expect_response("**/members/import?dryRun=true") as checked:
        page.get_by_role("button", name="Semak fail").click()
    assert checked.value.status == 200, checked.value.text()
    expect(page.locator(".mtg-import__report")).to_contain_text("1 baris bermasalah")
    expect(page.locator(".mtg-import__report tbody tr").nth(1)).to_contain_text("Ralat")
    expect(page.get_by_role("button", name="Import sekarang")).to_be_hidden()
    page.get_by_label("Fail CSV").set_input_files(
        files=[
            {"name": "ahli.csv", "mimeType": "text/csv", "buffer": f"{_ic(12)},ahli,50\n".encode()}
        ]
    )
    page.get_by_role("button", name="Semak fail").click()
    expect(page.locator(".mtg-import__report")).to_contain_text("Sedia untuk diimport: 1 baharu")
    expect(page.get_by_role("button", name="Import sekarang")).to_be_visible()
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-committee.png"), full_page=True)


def test_the_secretariat_changes_the_room_and_everyone_must_answer_again(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    meeting_id = hadir_server.shared.get("meeting_id")
    if meeting_id is None:
        pytest.skip("needs the meeting of the first test")
    page = _signed_in(new_page, hadir_server, "secretariat", TABLET)
    open_app(page, f"/meetings/{meeting_id}")
    page.get_by_role("link", name="Pinda", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pinda mesyuarat")
    expect(page.get_by_text("Jemputan telah dihantar: pindaan masa")).to_be_visible()
    page.get_by_label("Bilik", exact=True).fill("Bilik Perbincangan 2, Aras 5")
    # Move the second agenda item up (its "Naik" button).
    page.locator(".mtg-agenda-edit__item").nth(1).get_by_role(
        "button", name=re.compile("^Naik")
    ).click()
    with page.expect_response(f"**/api/meetings/{meeting_id}") as saved:
        page.get_by_role("button", name="Simpan pindaan").click()
    assert saved.value.status == 200, saved.value.text()
    assert saved.value.json()["sequence"] == 1
    expect(page.get_by_text("Disimpan.", exact=True)).to_be_visible()
    expect(page.locator(".mtg-notice")).to_contain_text("Bilik Perbincangan 2, Aras 5")
    expect(page.locator(".mtg-agenda__title")).to_have_text(
        ["Cadangan sistem tempahan baharu", "Pengesahan minit mesyuarat lalu"]
    )
    member = hadir_server.account("member")
    expect(page.locator(".mtg-invitee").filter(has_text=member.name)).to_contain_text(
        "Belum dijawab"
    )
    page.screenshot(path=str(artifacts / "tablet-meeting-updated.png"), full_page=True)
