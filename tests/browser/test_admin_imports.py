"""The attendance imports screen: an administrator registers a biometric device at an office on a
tablet, then on a phone uploads a punch file (the report's numbers), the same file again
(nothing new), a file the server refuses (a readable message) and a leave file; keyboard use,
labels and the English catalogue."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from api.attendance.calendar import WorkingCalendar
from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

KL = ZoneInfo("Asia/Kuala_Lumpur")
OFFICE = "Kampus Presint 4 (Blok A dan Blok B)"
DEVICE = "BIO-UJI-1"


def days_last_year() -> tuple[str, str]:
    """A working day of the demo agency (Putrajaya) and the next day off, far from today, so the
    punches of this test change nothing the dashboard and attendance tests look at."""
    calendar = WorkingCalendar("PJY")
    day = date(datetime.now(KL).year - 1, 3, 2)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    off = day
    while calendar.is_working_day(off):
        off += timedelta(days=1)
    return day.isoformat(), off.isoformat()


def punch_file(server: HadirServer, folder: Path) -> Path:
    day, off = days_last_year()
    officer = server.account("officer").login_id
    supervisor = server.account("supervisor").login_id
    executive = server.account("executive").login_id
    lines = [
        "ID Peranti,No KP,Tarikh Masa",
        f"{DEVICE},{officer},{day} 07:50",
        f"{DEVICE},{officer},{day} 17:10",
        f"{DEVICE},{supervisor},{day} 08:05",
        f"PINTU-LAMA,{executive},{day} 08:20",  # a device nobody registered
        f"{DEVICE},990101010101,{day} 07:40",  # line 6: nobody has this IC number
        f"BIO UJI,{officer},{day} 07:45",  # line 7: not a device id
        f"{DEVICE},{officer},{day}",  # line 8: a date without a time
        f"{DEVICE},{officer},{off} 10:15",  # line 9: imported, and reported as a day off
    ]
    path = folder / "cap-jari.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def cards(region: Any) -> dict[str, str]:
    """The report's figures: label -> number."""
    result = {}
    for card in region.locator(".db-card").all():
        result[card.locator(".db-card__label").inner_text()] = card.locator(
            ".db-card__value"
        ).inner_text()
    return result


def below_the_header(element: Any) -> None:
    """Scrolls `element` to just below the fixed header, for a screenshot that shows it."""
    element.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - 72)")


def test_register_a_device_on_a_tablet(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/home")
    page.get_by_role("navigation").get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import kehadiran")
    expect(page).to_have_title("Import kehadiran · Hadir")
    devices = page.get_by_role("region", name="Peranti biometrik")
    expect(devices.get_by_text("Belum ada peranti didaftarkan.")).to_be_visible()

    # A code with a space is explained under the field before anything is sent.
    code = devices.get_by_label("Kod peranti")
    code.fill("BIO UJI")
    devices.get_by_role("button", name="Simpan peranti").click()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description(
        "Seperti dalam fail peranti, contohnya PINTU-1 (1–32 huruf, angka atau . _ : -). "
        "Kod peranti mesti 1–32 huruf, angka atau . _ : - tanpa ruang."
    )
    expect(code).to_be_focused()

    code.fill(DEVICE)
    devices.get_by_label("Pejabat").select_option(label=OFFICE)
    with page.expect_response("**/api/attendance/punch-devices/*") as saved:
        devices.get_by_role("button", name="Simpan peranti").click()
    assert saved.value.status == 200, saved.value.text()
    item = devices.locator(".ac-item", has_text=DEVICE)
    expect(item).to_contain_text(OFFICE)
    expect(item).to_contain_text("Didaftarkan")
    expect(code).to_have_value("")

    # Keyboard only: a second device, registered with Enter, then removed through the dialog.
    code.focus()
    page.keyboard.type("SEMENTARA-2")
    page.keyboard.press("Tab")
    expect(devices.get_by_label("Pejabat")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    with page.expect_response("**/api/attendance/punch-devices/SEMENTARA-2"):
        page.keyboard.press("Enter")
    remove = devices.get_by_role("button", name="Buang peranti SEMENTARA-2")
    expect(remove).to_be_visible()
    remove.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Buang peranti SEMENTARA-2?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Batal")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Batal")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Buang")).to_be_focused()
    with page.expect_response("**/api/attendance/punch-devices/SEMENTARA-2"):
        page.keyboard.press("Enter")
    expect(devices.locator(".ac-item")).to_have_count(1)
    expect(devices.locator(".ac-item")).to_contain_text(DEVICE)
    expect(code).to_be_focused()

    # Editing keeps the code and changes the office.
    devices.get_by_role("button", name=f"Ubah peranti {DEVICE}").click()
    expect(devices.get_by_role("heading", name=f"Tukar pejabat peranti {DEVICE}")).to_be_visible()
    expect(code).to_have_value(DEVICE)
    expect(code).to_have_attribute("readonly", "")
    expect(devices.get_by_label("Pejabat")).to_be_focused()
    devices.get_by_role("button", name="Batal").click()
    expect(devices.get_by_role("heading", name="Daftar peranti")).to_be_visible()
    expect(code).to_have_value("")
    page.screenshot(path=str(artifacts / "tablet-admin-imports-devices.png"), full_page=True)


def test_punch_and_leave_imports_on_a_phone(
    new_page: Any,
    hadir_server: HadirServer,
    admin_state: dict[str, Any],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/imports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import kehadiran")
    expect(page.get_by_text("09:30 dan 23:00")).to_be_visible()
    punches = page.get_by_role("region", name="Import cap jari peranti")
    file = punches.get_by_label("Fail CSV")
    expect(file).to_have_accessible_description(
        "Lajur: ID peranti, No. KP / ID log masuk dan masa (contohnya 2026-10-01 07:45), serta "
        "jenis (masuk/keluar) jika ada. Tajuk dalam Bahasa Melayu atau Inggeris diterima, "
        'contohnya "ID Peranti, No KP, Tarikh Masa" atau "Device ID, Login ID, Timestamp".'
    )
    upload = punches.get_by_role("button", name="Muat naik dan import")

    # Nothing chosen: said so, focus on the file input.
    upload.click()
    expect(punches.get_by_role("alert")).to_have_text("Pilih fail CSV dahulu.")
    expect(file).to_be_focused()

    path = punch_file(hadir_server, tmp_path)
    file.set_input_files(str(path))
    with page.expect_response("**/api/attendance/punch-imports") as answered:
        upload.click()
    assert answered.value.status == 200, answered.value.text()
    report = punches.locator(".ai-report")
    expect(report.locator(".alert")).to_have_text(
        "5 cap jari baharu diimport; 0 sudah ada sebelum ini."
    )
    assert cards(report) == {
        "Baris dibaca": "8",
        "Diimport": "5",
        "Sudah ada": "0",
        "ID tidak dikenali": "1",
        "Baris dengan ralat": "2",
        "Peranti tanpa pejabat": "1",
    }
    errors = report.locator(".ai-part", has_text="Baris dengan ralat (2)").locator("tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("7")
    expect(errors.nth(0)).to_contain_text("ID peranti")
    expect(errors.nth(0)).to_contain_text("Bukan ID peranti (1–32 huruf atau angka, tanpa ruang)")
    expect(errors.nth(1)).to_contain_text("Bukan tarikh dan masa yang sah")
    unknown = report.locator(".ai-part", has_text="ID log masuk tidak dikenali (1)")
    expect(unknown.locator("tbody tr")).to_have_text(
        ["6990101010101 No. KP / ID log masukTiada pegawai agensi ini dengan ID ini"]
    )
    without_office = report.locator(".ai-part", has_text="Peranti tanpa pejabat (1)")
    expect(without_office.locator("tbody tr")).to_have_text(["PINTU-LAMA1"])
    day_off = report.locator(".ai-part", has_text="Bukan hari bekerja (1)").locator("tbody tr")
    expect(day_off).to_have_count(1)
    expect(day_off).to_contain_text("10:15")
    no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "phone-admin-imports-report.png"), full_page=True)
    report.screenshot(path=str(artifacts / "phone-admin-imports-report-only.png"))

    # The same file again: nothing new, nothing changed.
    file.set_input_files(str(path))
    with page.expect_response("**/api/attendance/punch-imports") as again:
        upload.click()
    assert again.value.json()["imported"] == 0
    expect(report.locator(".alert")).to_have_text(
        "Tiada yang baharu: 5 rekod sudah diimport sebelum ini, jadi tiada apa-apa berubah."
    )
    assert cards(report)["Diimport"] == "0"
    assert cards(report)["Sudah ada"] == "5"
    below_the_header(report.locator(".alert"))
    page.screenshot(path=str(artifacts / "phone-admin-imports-again.png"))

    # A file that is not a punch file: the server's reason, in Malay, and no stale report.
    bad = tmp_path / "senarai.csv"
    bad.write_text("nama,umur\nAli,40\n")
    file.set_input_files(str(bad))
    with page.expect_response("**/api/attendance/punch-imports") as refused:
        upload.click()
    assert refused.value.status == 422
    expect(punches.get_by_role("alert")).to_have_text(
        "Lajur berikut tiada pada baris tajuk: device_id, login_id, timestamp."
    )
    expect(report).to_be_empty()
    below_the_header(punches.get_by_role("alert"))
    page.screenshot(path=str(artifacts / "phone-admin-imports-error.png"))

    # Larger than the server takes (10 MB): 413, said in words.
    huge = tmp_path / "besar.csv"
    huge.write_bytes(b"ID Peranti,No KP,Tarikh Masa\n" + b"X" * (11 * 1024 * 1024))
    file.set_input_files(str(huge))
    with page.expect_response("**/api/attendance/punch-imports") as too_large:
        upload.click()
    assert too_large.value.status == 413
    expect(punches.get_by_role("alert")).to_have_text("Kandungan yang dihantar terlalu besar.")

    # Leave records: one good, one ending before it starts.
    year = datetime.now(KL).year + 1
    leave = page.get_by_role("region", name="Import rekod cuti")
    leave_file = tmp_path / "cuti.csv"
    officer = hadir_server.account("officer").login_id
    leave_file.write_text(
        "No KP,Tarikh Mula,Tarikh Tamat,Jenis Cuti\n"
        f"{officer},{year}-03-02,{year}-03-04,Cuti Rehat\n"
        f"{officer},05/03/{year},01/03/{year},Cuti Sakit\n"
    )
    leave.get_by_label("Fail CSV").set_input_files(str(leave_file))
    with page.expect_response("**/api/attendance/leave-imports") as answered:
        leave.get_by_role("button", name="Muat naik dan import").click()
    assert answered.value.status == 200, answered.value.text()
    leave_report = leave.locator(".ai-report")
    expect(leave_report.locator(".alert")).to_have_text(
        "1 rekod cuti baharu diimport; 0 sudah ada sebelum ini."
    )
    assert cards(leave_report) == {
        "Baris dibaca": "2",
        "Diimport": "1",
        "Sudah ada": "0",
        "ID tidak dikenali": "0",
        "Baris dengan ralat": "1",
    }
    expect(leave_report.locator("tbody tr")).to_have_text(
        [f"301/03/{year} Tarikh tamatSebelum tarikh mula"]
    )
    no_horizontal_overflow(page)
    leave.screenshot(path=str(artifacts / "phone-admin-imports-leave.png"))

    # A check only (dry run) of the same leave file saves nothing and says so.
    leave.get_by_label("Semak sahaja (tiada apa-apa disimpan)").check()
    with page.expect_response("**/api/attendance/leave-imports?dryRun=true") as checked:
        leave.get_by_role("button", name="Muat naik dan import").click()
    assert checked.value.json()["dryRun"] is True
    expect(leave_report.locator(".alert")).to_have_text(
        "Semakan sahaja, tiada apa-apa disimpan: 0 rekod akan diimport; 1 sudah ada."
    )


def test_the_screen_in_english_on_a_tablet(
    new_page: Any,
    hadir_server: HadirServer,
    admin_state: dict[str, Any],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    page.add_init_script("localStorage.setItem('hadir.lang', 'en')")
    open_app(page, "/admin/imports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance imports")
    devices = page.get_by_role("region", name="Biometric devices")
    expect(devices.get_by_label("Device code")).to_be_visible()
    expect(devices.get_by_role("button", name=f"Remove device {DEVICE}")).to_be_visible()
    punches = page.get_by_role("region", name="Import device punches")
    punches.get_by_label("CSV file").set_input_files(str(punch_file(hadir_server, tmp_path)))
    with page.expect_response("**/api/attendance/punch-imports"):
        punches.get_by_role("button", name="Upload and import").click()
    report = punches.locator(".ai-report")
    expect(report.locator(".alert")).to_have_text(
        "Nothing new: 5 records were already imported, so nothing changed."
    )
    assert cards(report)["Already there"] == "5"
    reason = "Not a device ID (1–32 letters or digits, no spaces)"
    expect(report.get_by_text(reason)).to_be_visible()
    expect(report.get_by_role("heading", name="Not a working day (1)")).to_be_visible()
    no_horizontal_overflow(page)
    punches.screenshot(path=str(artifacts / "tablet-admin-imports-report-english.png"))
