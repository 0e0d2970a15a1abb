"""Administrators draw offices: a GeoJSON outline is checked (area, warnings) before it is
saved, a doubtful one needs a second Save, and an officer is assigned to the new office."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app, search_user, user_action
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

# About 80 m x 60 m in Putrajaya, as QGIS exports it (a FeatureCollection with one feature).
ANNEX = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Anjung"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [101.6930, 2.9260],
                        [101.6937, 2.9260],
                        [101.6937, 2.9265],
                        [101.6930, 2.9265],
                        [101.6930, 2.9260],
                    ]
                ],
            },
        }
    ],
}


def test_an_administrator_adds_an_office_and_assigns_an_officer(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/offices")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pejabat")
    expect(page.get_by_role("img", name="Blok A", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Pejabat baharu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pejabat Baharu")

    page.get_by_label("Kod").fill("ANJUNG")
    page.get_by_label("Nama").fill("Anjung Pentadbiran")
    outline = page.get_by_label("Sempadan (GeoJSON)")
    outline.fill("{not json")
    page.get_by_role("button", name="Semak sempadan").click()
    expect(page.get_by_role("alert")).to_have_text("Sempadan bukan JSON yang sah.")

    # The outline is in Putrajaya but Kedah is chosen: saving first shows the warning.
    outline.fill(json.dumps(ANNEX))
    page.get_by_label("Negeri").select_option("KDH")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Sila semak amaran")
    expect(page.locator(".offices__warnings li")).to_contain_text("dari negeri yang dipilih")
    expect(page.get_by_role("img", name="Anjung Pentadbiran")).to_be_visible()
    page.screenshot(path=str(artifacts / "tablet-office-editor-warning.png"), full_page=True)

    # Corrected state: the check is clean, shows the area, and Save stores it.
    page.get_by_label("Negeri").select_option("PJY")
    page.get_by_role("button", name="Semak sempadan").click()
    expect(page.get_by_text("Tiada perkara untuk disemak.")).to_be_visible()
    expect(page.get_by_text("Keluasan:")).to_contain_text("m²")
    with page.expect_response("**/offices") as saved:
        page.get_by_role("button", name="Simpan").click()
    assert saved.value.status == 201, saved.value.text()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pejabat")
    expect(page.get_by_text("Anjung Pentadbiran")).to_be_visible()
    expect(page.get_by_role("link", name="Ubah Anjung Pentadbiran")).to_be_visible()

    # Assign the new office to the officer from the users screen.
    officer = hadir_server.account("officer")
    open_app(page, "/admin/users")
    search_user(page, officer.login_id)
    row = page.get_by_role("row").filter(has_text=officer.login_id)
    user_action(page, row, officer.name, f"Pejabat untuk {officer.name}")
    dialog = page.get_by_role("dialog", name=f"Pejabat {officer.name}")
    annex = dialog.get_by_label("Anjung Pentadbiran (ANJUNG)")
    expect(annex).not_to_be_checked()
    annex.check()
    page.screenshot(path=str(artifacts / "tablet-office-assign-dialog.png"))
    with page.expect_response("**/offices") as assigned:
        dialog.get_by_role("button", name="Simpan").click()
    assert assigned.value.status in (200, 204), assigned.value.text()
    expect(page.get_by_role("status").filter(has_text="dikemas kini")).to_have_text(
        f"Pejabat {officer.name} telah dikemas kini."
    )
    office_ids = page.request.get(f"/api/users/{_user_id(page, officer.login_id)}/offices").json()
    offices = page.request.get(f"/api/agencies/{_agency_id(page)}/offices").json()
    annex_id = next(o["id"] for o in offices if o["code"] == "ANJUNG")
    assert annex_id in office_ids

    phone = new_page(PHONE, storage_state=admin_state)
    open_app(phone, "/admin/offices")
    expect(phone.get_by_text("Anjung Pentadbiran")).to_be_visible()
    phone.screenshot(path=str(artifacts / "phone-offices.png"), full_page=True)
    no_horizontal_overflow(phone)


def _agency_id(page: Any) -> int:
    return int(page.request.get("/api/auth/me").json()["agencyId"])


def _user_id(page: Any, login_id: str) -> int:
    users = page.request.get(
        f"/api/agencies/{_agency_id(page)}/users", params={"q": login_id}
    ).json()["items"]
    return int(next(u["id"] for u in users if u["loginId"] == login_id))
