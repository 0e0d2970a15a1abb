"""Movement slips in the supervisor's approvals page (phone and tablet): each slip with its
officer, window, destination and purpose; a red card for a slip left unanswered for weeks, a
note when its window has already ended; reject needs a note; approve and reject one by one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_attendance_flow import _signed_in_state
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser


def _csrf(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "__Host-hadir_csrf"))


def _ask(page: Any, destination: int, starts: datetime, purpose: str) -> int:
    response = page.request.post(
        "/api/attendance/movement-slips",
        data={
            "destinationId": destination,
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(hours=3)).isoformat(),
            "purpose": purpose,
        },
        headers={"x-csrf-token": _csrf(page)},
    )
    assert response.status == 201, response.text()
    return int(response.json()["id"])


def _shift(server: HadirServer, slip_id: int, column: str, by: timedelta) -> None:
    """Moves a stored time of a slip (the live server's SQLite file), keeping its text format."""
    with sqlite3.connect(server.var_dir / "b.sqlite3", timeout=10) as db:
        (stored,) = db.execute(
            f"SELECT {column} FROM movement_slip WHERE id = ?",
            (slip_id,),
        ).fetchone()
        moved = datetime.fromisoformat(stored) + by
        text = moved.isoformat(sep=" " if " " in stored else "T")
        db.execute(f"UPDATE movement_slip SET {column} = ? WHERE id = ?", (text, slip_id))


def test_supervisor_decides_movement_slips(
    browser: Any, new_page: Any, hadir_server: HadirServer, artifacts: Path
) -> None:
    officer_state = _signed_in_state(browser, hadir_server, hadir_server.account("officer"))
    supervisor_state = _signed_in_state(browser, hadir_server, hadir_server.account("supervisor"))
    officer = hadir_server.account("officer")
    asker = new_page(PHONE, storage_state=officer_state)
    open_app(asker, "/home")
    offices = asker.request.get("/api/attendance/offices").json()
    destination = offices[-1]["id"]
    now = datetime.now(UTC)
    fresh = _ask(asker, destination, now + timedelta(days=1), "Mesyuarat teknikal di cawangan")
    old = _ask(asker, destination, now + timedelta(days=2), "Lawatan tapak rangkaian")
    ended = _ask(asker, destination, now + timedelta(hours=1), "Taklimat vendor")
    _shift(hadir_server, old, "created_at", -timedelta(days=30))  # unanswered for weeks: red
    for column in ("starts_at", "ends_at"):
        _shift(hadir_server, ended, column, -timedelta(days=1))  # its window has ended

    boss = new_page(TABLET, storage_state=supervisor_state)
    open_app(boss, "/approvals")
    section = boss.get_by_role("region", name="Slip pergerakan")
    expect(section).to_be_visible()
    cards = {
        slip: section.locator(f'.approval[data-slip-id="{slip}"]') for slip in (fresh, old, ended)
    }
    expect(cards[fresh]).to_contain_text(officer.name)
    expect(cards[fresh]).to_contain_text("Mesyuarat teknikal di cawangan")
    expect(cards[fresh]).to_contain_text(offices[-1]["name"])
    expect(cards[fresh].locator(".badge")).to_have_count(0)
    expect(cards[old].get_by_text("Kad merah: turut dihantar kepada penyelia anda")).to_be_visible()
    expect(cards[ended].get_by_text("Tempoh slip telah tamat")).to_be_visible()
    boss.screenshot(path=str(artifacts / "tablet-approvals-slips.png"), full_page=True)
    no_horizontal_overflow(boss)

    phone = new_page(PHONE, storage_state=supervisor_state)
    open_app(phone, "/approvals")
    expect(phone.locator(f'.approval[data-slip-id="{old}"]')).to_be_visible()
    phone.locator(".slip-approvals").screenshot(path=str(artifacts / "phone-approvals-slips.png"))
    no_horizontal_overflow(phone)

    # Rejecting needs a note: the slip's own note field (on the item) says so and takes the focus.
    cards[old].get_by_role("button", name="Tolak").click()
    note = cards[old].get_by_label("Catatan keputusan slip")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    note.fill("Sila mohon semula dengan tarikh baharu")
    with boss.expect_response("**/api/attendance/approvals/movement-slips/decisions") as decided:
        cards[old].get_by_role("button", name="Tolak").click()
    assert decided.value.json()["decided"] == [old]
    expect(section.get_by_role("status")).to_have_text("1 permohonan ditolak.")
    expect(cards[old]).to_have_count(0)

    # Approve with the keyboard.
    cards[fresh].get_by_role("button", name="Luluskan").focus()
    with boss.expect_response("**/api/attendance/approvals/movement-slips/decisions") as decided:
        boss.keyboard.press("Enter")
    assert decided.value.json()["decided"] == [fresh]
    expect(section.get_by_role("status")).to_have_text("1 permohonan diluluskan.")
    expect(cards[fresh]).to_have_count(0)

    # Decided elsewhere meanwhile: the conflict is explained and the list refreshed.
    response = boss.request.post(
        "/api/attendance/approvals/movement-slips/decisions",
        data={"ids": [ended], "decision": "rejected", "note": "Tamat tempoh"},
        headers={"x-csrf-token": _csrf(boss)},
    )
    assert response.ok, response.text()
    cards[ended].get_by_role("button", name="Luluskan").click()
    expect(section.get_by_role("alert")).to_be_visible()
    expect(cards[ended]).to_have_count(0)
    expect(section.get_by_text("Tiada slip pergerakan menunggu.")).to_be_visible()
    boss.screenshot(path=str(artifacts / "tablet-approvals-slips-after.png"), full_page=True)

    listed = {
        s["id"]: s["status"] for s in asker.request.get("/api/attendance/movement-slips").json()
    }
    assert (listed[fresh], listed[old], listed[ended]) == ("approved", "rejected", "rejected")
