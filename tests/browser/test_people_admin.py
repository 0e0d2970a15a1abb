"""People administration (issue 13): a compact row per person with one actions button; add a
person with offices and a working pattern; edit, transfer and roles from the action list; the
HR CSV import with a dry run and the password slips. Tablet (1024 px), phone (360 px, 130 %
text), axe, screenshots."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app, search_user, user_action
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser
KL = ZoneInfo("Asia/Kuala_Lumpur")


def new_ic() -> str:
    """A valid-looking IC number nobody in the demo has (born 1 Jan 1990-1999)."""
    return f"9{random.randint(0, 9)}0101{random.randint(10, 99)}{random.randint(1000, 9999)}"


def test_rows_fit_a_page_and_people_are_added_and_edited(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Urus Pengguna")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    height = page.evaluate("document.querySelector('table tbody').getBoundingClientRect().height")
    # One line per person: 20 people were 5,600 px with five stacked buttons a row.
    assert height / count < 80, (height, count)
    page.screenshot(path=str(artifacts / "tablet-people-list.png"))
    assert_no_axe_violations(page, "people list (tablet)")

    # Add a person with an office and a working pattern.
    login = new_ic()
    page.get_by_role("button", name="Tambah pegawai").click()
    dialog = page.get_by_role("dialog", name="Tambah pegawai")
    dialog.get_by_label("Nama").fill("Siti Uji Tambah")
    dialog.get_by_label("No. KP / ID log masuk").fill(login)
    dialog.get_by_label("E-mel rasmi").fill(f"siti.{login}@example.gov.my")
    dialog.get_by_label("Corak waktu bekerja").select_option("WP2")
    dialog.get_by_label("Kampus Presint 4", exact=False).first.check()
    page.screenshot(path=str(artifacts / "tablet-people-add.png"))
    assert_no_axe_violations(page, "add person dialog")
    with page.expect_response("**/api/agencies/*/users") as created:
        dialog.get_by_role("button", name="Tambah", exact=True).click()
    assert created.value.status == 201, created.value.text()
    body = created.value.json()
    assert body["patternCode"] == "WP2" and len(body["officeIds"]) == 1
    expect(page.get_by_role("status").filter(has_text="telah ditambah")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=login)
    expect(row).to_have_count(1)

    # Edit: the action list, then the form with the person's details.
    user_action(page, row, "Siti Uji Tambah", "Kemas kini butiran Siti Uji Tambah")
    edit = page.get_by_role("dialog", name="Kemas kini Siti Uji Tambah")
    expect(edit.get_by_label("Corak waktu bekerja")).to_have_value("WP2")
    edit.get_by_label("Telefon").fill("03-8000 9999")
    edit.get_by_label("E-mel rasmi").fill("bukan e-mel")
    edit.get_by_role("button", name="Simpan").click()
    expect(edit.get_by_label("E-mel rasmi")).to_have_attribute("aria-invalid", "true")
    edit.get_by_label("E-mel rasmi").fill(f"siti.baru.{login}@example.gov.my")
    with page.expect_response("**/api/users/*") as saved:
        edit.get_by_role("button", name="Simpan").click()
    assert saved.value.status == 200 and saved.value.json()["phone"] == "03-8000 9999"
    expect(page.get_by_role("status").filter(has_text="telah disimpan")).to_be_visible()

    # A dated transfer (today, same unit and supervisor: changes nothing else for the demo).
    user_action(page, row, "Siti Uji Tambah", "Pertukaran Siti Uji Tambah")
    transfer = page.get_by_role("dialog", name="Pertukaran Siti Uji Tambah")
    transfer.get_by_label("Berkuat kuasa mulai").fill("31/12/2999")
    transfer.get_by_role("button", name="Rekod pertukaran").click()
    expect(transfer.get_by_role("alert")).to_contain_text("masa hadapan")
    today = datetime.now(KL).strftime("%d/%m/%Y")
    transfer.get_by_label("Berkuat kuasa mulai").fill(today)
    page.screenshot(path=str(artifacts / "tablet-people-transfer.png"))
    with page.expect_response("**/transfer") as moved:
        transfer.get_by_role("button", name="Rekod pertukaran").click()
    assert moved.value.status == 200, moved.value.text()
    expect(page.get_by_role("status").filter(has_text="telah direkodkan")).to_be_visible()

    # Roles: grant a unit-less executive role and revoke it.
    user_action(page, row, "Siti Uji Tambah", "Peranan Siti Uji Tambah")
    roles = page.get_by_role("dialog", name="Peranan Siti Uji Tambah")
    expect(roles).to_contain_text("Tiada peranan")
    with page.expect_response("**/roles") as granted:
        roles.get_by_role("button", name="Beri peranan").click()
    assert granted.value.status == 201, granted.value.text()
    expect(roles.get_by_role("button", name="Tarik balik")).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-people-roles.png"))
    roles.get_by_role("button", name="Tarik balik").click()
    expect(roles).to_contain_text("Tiada peranan")
    roles.get_by_role("button", name="Tutup").click()
    no_horizontal_overflow(page)


def test_people_on_a_phone_at_130_percent(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/users")
    page.evaluate("document.documentElement.style.fontSize = '130%'")
    expect(page.get_by_role("table")).to_have_count(0)
    cards = page.locator(".user-card")
    expect(cards.first).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-130-people-list.png"))
    no_horizontal_overflow(page)
    officer = hadir_server.account("officer")
    search_user(page, officer.login_id)
    cards.first.get_by_role("button", name=f"Tindakan untuk {officer.name}").click()
    menu = page.get_by_role("dialog", name=f"Tindakan: {officer.name}")
    expect(menu.get_by_role("button", name=f"Pertukaran {officer.name}")).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-130-people-actions.png"))
    assert_no_axe_violations(page, "people actions (phone)")
    no_horizontal_overflow(page)
    menu.get_by_role("button", name="Batal").click()
    expect(menu).to_have_count(0)


def test_the_hr_import_with_password_slips(
    new_page: Any,
    hadir_server: HadirServer,
    admin_state: dict[str, Any],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    first, second = new_ic(), new_ic()
    good = tmp_path / "pegawai.csv"
    good.write_text(
        "no_kp,nama,emel,unit,pejabat,corak_kerja\n"
        f"{first},Import Satu,satu.{first}@example.gov.my,,KAMPUS-P4,WP1\n"
        f"{second},Import Dua,dua.{second}@example.gov.my,,KAMPUS-P4,WBF\n",
        encoding="utf-8",
    )
    bad = tmp_path / "salah.csv"
    bad.write_text(
        f"no_kp,nama,emel,unit,pejabat,corak_kerja\n{first},Import Satu,bukan-emel,,TIADA,WP9\n",
        encoding="utf-8",
    )
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/imports")
    section = page.get_by_role("region", name="Import pegawai (CSV daripada sistem HR)")
    section.get_by_label("Fail CSV").set_input_files(str(bad))
    section.get_by_role("button", name="Muat naik").click()
    errors = section.get_by_role("table")
    expect(errors).to_contain_text("Bukan alamat e-mel.")
    expect(errors).to_contain_text("Tiada pejabat berkod 'TIADA' dalam agensi ini.")
    page.screenshot(path=str(artifacts / "tablet-people-import-errors.png"), full_page=True)

    section.get_by_label("Fail CSV").set_input_files(str(good))
    expect(section.get_by_label("Semak sahaja", exact=False)).to_be_checked()
    section.get_by_role("button", name="Muat naik").click()
    expect(section).to_contain_text("Semakan lulus: 2 baris, 2 pegawai baharu")
    section.get_by_role("button", name="Muat naik").click()
    expect(section).to_contain_text("2 baharu")
    with page.expect_response("**/password-slips") as slips:
        section.get_by_role("button", name="Keluarkan slip kata laluan (2)").click()
    assert slips.value.status == 200
    assert slips.value.headers["content-type"] == "application/pdf"
    expect(section.get_by_role("link", name="Muat turun slip (PDF)")).to_be_focused()
    page.screenshot(path=str(artifacts / "tablet-people-import-slips.png"), full_page=True)
    assert_no_axe_violations(page, "people import")
    no_horizontal_overflow(page)


def test_own_profile_and_acting_supervisor_on_a_phone(
    new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    from datetime import timedelta

    from tests.browser.helpers import sign_in_fully

    supervisor = hadir_server.account("supervisor")
    page = new_page(PHONE)
    open_app(page)
    assert sign_in_fully(page, hadir_server, supervisor).json()["stage"] == "done"
    open_app(page, "/profile")
    page.evaluate("document.documentElement.style.fontSize = '130%'")
    expect(page.get_by_role("heading", level=1)).to_have_text("Profil dan pemangku")
    # The agency lets officers change their phone and e-mail, not their title.
    expect(page.get_by_label("Gelaran")).to_have_count(0)
    page.get_by_label("Telefon").fill("03-8000 4321")
    with page.expect_response("**/api/me/profile") as saved:
        page.get_by_role("button", name="Simpan").click()
    assert saved.value.status == 200 and saved.value.json()["phone"] == "03-8000 4321"
    expect(page.get_by_role("status").filter(has_text="telah disimpan")).to_be_focused()

    # Name an acting supervisor from tomorrow (today's inboxes stay as the other tests expect).
    tomorrow = datetime.now(KL) + timedelta(days=1)
    later = tomorrow + timedelta(days=3)
    page.get_by_label("Pemangku", exact=True).fill("Ahmad")
    page.get_by_role("button", name="Ahmad Faizal bin Abdullah", exact=False).click()
    page.get_by_label("Dari").fill(tomorrow.strftime("%d/%m/%Y"))
    page.get_by_label("Hingga").fill(later.strftime("%d/%m/%Y"))
    page.get_by_label("Sebab (pilihan)", exact=False).fill("Kursus")
    with page.expect_response("**/api/me/acting") as named:
        page.get_by_role("button", name="Namakan pemangku").click()
    assert named.value.status == 201, named.value.text()
    expect(page.get_by_text("Ahmad Faizal bin Abdullah memangku anda")).to_be_visible()
    page.screenshot(path=str(artifacts / "phone-130-profile-acting.png"), full_page=True)
    assert_no_axe_violations(page, "profile and acting (phone)")
    no_horizontal_overflow(page)
    with page.expect_response("**/api/acting/*") as cancelled:
        page.get_by_role("button", name="Batalkan").click()
    assert cancelled.value.status == 204
    expect(page.get_by_text("Dibatalkan")).to_be_visible()
