"""The committee screen (issue 16): the agency administrator edits the committee's settings
with a unit picker shaped as the unit hierarchy (tablet), and the committee's archive of
meetings pages through every year (phone, 360 px and 130 % text). Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app, sign_in_fully
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser
COMMITTEE = "Jawatankuasa Pemandu ICT"


def _committee_page(new_page: Any, server: HadirServer, role: str, viewport: dict[str, int]) -> Any:
    page = new_page(viewport)
    open_app(page)
    account = server.account(role)
    sign_in_fully(page, server, account)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {account.name}")
    open_app(page, "/committees")
    page.get_by_role("link", name=re.compile(COMMITTEE)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMMITTEE)
    return page


def test_the_administrator_moves_the_committee_with_the_unit_tree(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = _committee_page(new_page, hadir_server, "agency_admin", TABLET)
    settings = page.get_by_role("region", name="Tetapan jawatankuasa")
    expect(settings).to_be_visible()
    tree = settings.get_by_role("group", name="Unit")
    # The committee's unit is chosen and its branch is open; deeper branches are folded.
    expect(tree.get_by_label("Bahagian Teknologi Maklumat", exact=True)).to_be_checked()
    expect(tree.get_by_label("Seksyen Aplikasi", exact=True)).to_be_visible()
    expect(tree.get_by_label("Unit Kewangan", exact=True)).to_be_hidden()
    toggle = tree.get_by_role(
        "button", name="Tunjuk atau sembunyi unit di bawah Bahagian Khidmat Pengurusan"
    )
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(tree.get_by_label("Unit Kewangan", exact=True)).to_be_visible()
    toggle.click()
    # The filter finds a unit deep in the tree and keeps the units above it.
    tree.get_by_label("Tapis unit mengikut nama atau kod").fill("infra")
    expect(tree.get_by_label("Seksyen Infrastruktur", exact=True)).to_be_visible()
    expect(tree.get_by_label("Seksyen Aplikasi", exact=True)).to_be_hidden()
    expect(tree.get_by_label("Bahagian Teknologi Maklumat", exact=True)).to_be_visible()
    tree.get_by_label("Seksyen Infrastruktur", exact=True).check()
    assert_no_axe_violations(page, "committee settings with the unit tree")
    page.screenshot(path=str(artifacts / "tablet-committee-settings.png"), full_page=True)
    with page.expect_response(re.compile(r".*/api/committees/\d+$")) as saved:
        settings.get_by_role("button", name="Simpan tetapan").click()
    assert saved.value.status == 200, saved.value.text()
    assert saved.value.json()["unitName"] == "Seksyen Infrastruktur"
    expect(settings.get_by_role("status")).to_have_text("Tetapan jawatankuasa disimpan.")
    expect(page.locator(".page__header .page__lead").first).to_have_text("Seksyen Infrastruktur")
    # Back where it was, for the other browser tests.
    tree.get_by_label("Tapis unit mengikut nama atau kod").fill("")
    tree.get_by_label("Bahagian Teknologi Maklumat", exact=True).check()
    with page.expect_response(re.compile(r".*/api/committees/\d+$")) as restored:
        settings.get_by_role("button", name="Simpan tetapan").click()
    assert restored.value.json()["unitName"] == "Bahagian Teknologi Maklumat"


def test_a_member_reads_the_archive_on_a_phone(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = _committee_page(new_page, hadir_server, "member", PHONE)
    page.evaluate("document.documentElement.style.fontSize = '130%'")
    archive = page.get_by_role("region", name="Arkib mesyuarat")
    expect(archive.locator(".mtg-card").first).to_be_visible()
    # Newest first; the demo's past and coming meetings, every one listed.
    numbers = archive.locator(".mtg-card__number").all_inner_texts()
    assert len(numbers) >= 4 and all(n.startswith("Bil. ") for n in numbers)
    expect(
        archive.get_by_text(re.compile(r"Halaman 1 daripada \d+ \(\d+ mesyuarat\)"))
    ).to_be_visible()
    expect(archive.get_by_role("button", name="Sebelumnya")).to_be_disabled()
    # A member does not edit the committee's settings.
    expect(page.get_by_role("region", name="Tetapan jawatankuasa")).to_have_count(0)
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "committee archive on a phone")
    archive.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "phone-committee-archive.png"), full_page=True)


def test_the_secretariat_reads_the_use_by_members(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    page = _committee_page(new_page, hadir_server, "secretariat", TABLET)
    usage = page.get_by_role("region", name="Penggunaan oleh ahli")
    expect(usage).to_be_visible()
    people = usage.locator(".committee-usage__person")
    expect(people.first).to_contain_text(hadir_server.account("chair").name)
    expect(people.first).to_contain_text("Jawab jemputan sebelum mesyuarat")
    expect(people.first).to_contain_text("Kertas mesyuarat dibuka")
    assert_no_axe_violations(page, "committee use by members")
    usage.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "tablet-committee-usage.png"))
    phone = _committee_page(new_page, hadir_server, "chair", PHONE)
    phone.evaluate("document.documentElement.style.fontSize = '130%'")
    expect(phone.get_by_role("region", name="Penggunaan oleh ahli")).to_be_visible()
    no_horizontal_overflow(phone)
    phone.get_by_role("region", name="Penggunaan oleh ahli").scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "phone-committee-usage.png"))


def test_a_guest_from_another_agency_is_named_by_e_mail(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    """An address without a Hadir account is refused in Malay and nothing is sent."""
    page = new_page(PHONE)
    open_app(page)
    account = hadir_server.account("secretariat")
    sign_in_fully(page, hadir_server, account)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {account.name}")
    open_app(page, "/meetings")
    page.get_by_role("link", name=re.compile("Perolehan perkakasan 2027")).first.click()
    field = page.get_by_label("Tetamu dari agensi lain (e-mel)")
    field.fill("tiada.akaun@agensi-lain.gov.my")
    with page.expect_response(re.compile(r".*/api/meetings/\d+/invitations$")) as sent:
        page.locator(".mtg-manage .button--primary").click()
    assert sent.value.status == 422
    alert = page.locator(".mtg-manage [role=alert]")
    expect(alert).to_contain_text("Tiada akaun Hadir aktif")
    expect(alert).to_contain_text("tiada.akaun@agensi-lain.gov.my")
    expect(field).to_have_value("tiada.akaun@agensi-lain.gov.my")  # nothing lost
    page.evaluate("document.documentElement.style.fontSize = '130%'")
    no_horizontal_overflow(page)
    assert_no_axe_violations(page, "meeting guests by e-mail")
    field.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "phone-meeting-guest-emails.png"))
