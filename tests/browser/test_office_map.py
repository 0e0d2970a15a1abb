"""The office editor's map (Leaflet + geoman, loaded on demand, no tiles reachable): a second
part and a hole drawn with the mouse are what is saved; a test position shows its accuracy
circle and verdict; a GeoJSON file with several features becomes several offices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, HadirServer
from tests.browser.helpers import open_app
from tests.browser.test_screenshots import no_horizontal_overflow

pytestmark = pytest.mark.browser

# About 80 m x 60 m in Putrajaya.
ANNEX = {
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
}


def _square(lon: float, lat: float, size: float = 0.0004) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _draw(page: Any, points: list[tuple[float, float]]) -> None:
    """Clicks the points and then the first one again, which closes the polygon."""
    for x, y in [*points, points[0]]:
        page.mouse.move(x, y, steps=3)
        page.mouse.click(x, y)
        page.wait_for_timeout(120)


def _outline_box(page: Any) -> dict[str, float]:
    box = page.locator(".office-map .leaflet-overlay-pane path").first.bounding_box()
    assert box is not None
    return box  # type: ignore[no-any-return]


def test_draw_a_second_part_and_a_hole_then_try_a_position(
    new_page: Any, hadir_server: HadirServer, admin_state: dict[str, Any], artifacts: Path
) -> None:
    page = new_page(TABLET, storage_state=admin_state)
    # Only this screen loads the map libraries.
    open_app(page, "/admin/offices")
    assert page.evaluate("typeof window.L") == "undefined"
    page.get_by_role("link", name="Pejabat baharu").click()
    expect(page.locator(".office-map[data-ready=true]")).to_be_visible()
    assert page.evaluate("typeof window.L.PM") == "object"

    page.get_by_label("Kod").fill("PETA-1")
    page.get_by_label("Nama").fill("Kompleks Peta")
    outline = page.get_by_label("Sempadan (GeoJSON)")
    outline.fill(json.dumps(ANNEX))
    outline.dispatch_event("change")
    expect(page.locator(".office-map .leaflet-overlay-pane path")).to_have_count(1)
    page.wait_for_timeout(400)  # the map's zoom animation
    page.locator(".office-map").scroll_into_view_if_needed()

    # A hole in the middle (geoman's Cut).
    page.locator(".leaflet-pm-icon-cut").click()
    box = _outline_box(page)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    _draw(page, [(cx - 25, cy - 20), (cx + 25, cy - 20), (cx, cy + 25)])
    # A second part to the right of the first.
    page.locator(".leaflet-pm-icon-polygon").click()
    box = _outline_box(page)
    cy = box["y"] + box["height"] / 2
    right = box["x"] + box["width"] + 60
    _draw(page, [(right, cy - 40), (right + 80, cy - 40), (right + 80, cy + 40), (right, cy + 40)])

    drawn = json.loads(outline.input_value())
    assert drawn["type"] == "MultiPolygon"
    assert len(drawn["coordinates"]) == 2
    assert sorted(len(polygon) for polygon in drawn["coordinates"]) == [1, 2]  # one with a hole
    page.screenshot(path=str(artifacts / "tablet-office-map-drawn.png"), full_page=True)

    # A position about 1 km north, 20 m accuracy: its circle and "… m di luar pejabat".
    page.get_by_label("Latitud", exact=True).fill("2.9360")
    page.get_by_label("Longitud", exact=True).fill("101.69335")
    page.get_by_label("Ketepatan (m)").fill("20")
    with page.expect_response("**/offices/preview") as judged:
        page.get_by_role("button", name="Semak kedudukan").click()
    assert judged.value.json()["testVerdict"]["status"] == "outside"
    expect(page.locator(".offices__verdict")).to_contain_text("m di luar pejabat")
    expect(page.locator(".office-map .leaflet-overlay-pane path")).to_have_count(4)
    page.screenshot(path=str(artifacts / "tablet-office-map-test-position.png"), full_page=True)

    # The drawing is what is saved.
    page.get_by_role("button", name="Semak sempadan").click()
    expect(page.get_by_text("Keluasan:")).to_contain_text("m²")
    with page.expect_response("**/offices") as saved:
        page.get_by_role("button", name="Simpan").click()
    assert saved.value.status == 201, saved.value.text()
    stored = saved.value.json()["geometry"]
    assert stored["type"] == "MultiPolygon"
    assert sorted(len(polygon) for polygon in stored["coordinates"]) == [1, 2]
    expect(page.get_by_text("Kompleks Peta")).to_be_visible()

    phone = new_page(PHONE, storage_state=admin_state)
    office_id = saved.value.json()["id"]
    open_app(phone, f"/admin/offices/{office_id}")
    expect(phone.locator(".office-map[data-ready=true]")).to_be_visible()
    expect(phone.locator(".office-map .leaflet-overlay-pane path")).to_have_count(2)
    phone.screenshot(path=str(artifacts / "phone-office-map.png"), full_page=True)
    no_horizontal_overflow(phone)


def test_a_file_with_several_features_becomes_several_offices(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path, tmp_path: Path
) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kod": "CAW-UTARA", "nama": "Cawangan Utara"},
                "geometry": _square(101.6900, 2.9300),
            },
            {
                "type": "Feature",
                "properties": {"code": "CAW-SELATAN", "name": "Cawangan Selatan"},
                "geometry": _square(101.6900, 2.9200),
            },
        ],
    }
    path = tmp_path / "cawangan.geojson"
    path.write_text(json.dumps(collection))
    page = new_page(PHONE, storage_state=admin_state)
    open_app(page, "/admin/offices")
    page.get_by_label("Fail GeoJSON").set_input_files(str(path))
    expect(page.locator(".offices__import-item")).to_have_count(2)
    page.get_by_role("button", name="Import 2 pejabat").click()
    expect(page.get_by_role("status").filter(has_text="pejabat dicipta")).to_have_text(
        "2 daripada 2 pejabat dicipta."
    )
    expect(page.get_by_role("link", name="Ubah Cawangan Utara")).to_be_visible()
    expect(page.get_by_role("link", name="Ubah Cawangan Selatan")).to_be_visible()
    # The same file again: each office says why it was not created (the codes exist).
    page.get_by_label("Fail GeoJSON").set_input_files(str(path))
    page.get_by_role("button", name="Import 2 pejabat").click()
    expect(page.locator(".offices__import-error")).to_have_count(2)
    page.screenshot(path=str(artifacts / "phone-offices-import.png"), full_page=True)
    no_horizontal_overflow(page)


def test_an_outline_typed_with_the_keyboard_alone(
    new_page: Any, admin_state: dict[str, Any], artifacts: Path
) -> None:
    """No pointer: the outline's points are typed into tables (a part, its points, a hole),
    the map and the GeoJSON text follow, and that is what is saved."""
    from tests.browser.axe import assert_no_axe_violations

    page = new_page(TABLET, storage_state=admin_state)
    open_app(page, "/admin/offices/new")
    expect(page.locator(".office-map[data-ready=true]")).to_be_visible()
    page.get_by_label("Kod").fill("PAPAN-1")
    page.get_by_label("Nama").fill("Pejabat Papan Kekunci")
    summary = page.get_by_text("Titik sempadan (papan kekunci)")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Belum ada sempadan.")).to_be_visible()
    page.get_by_role("button", name="Tambah bahagian").focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Bahagian 1: sempadan")
    expect(table.locator("tbody tr")).to_have_count(4)
    # Focus is on the first point's latitude: type the four corners with Tab between fields.
    corners = [
        ("2.9260", "101.6930"),
        ("2.9260", "101.6937"),
        ("2.9265", "101.6937"),
        ("2.9265", "101.6930"),
    ]
    for index, (lat, lon) in enumerate(corners):
        lat_input = table.get_by_label(f"Latitud titik {index + 1},")
        lat_input.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(lat)
        page.keyboard.press("Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type(lon)
        page.keyboard.press("Tab")
    typed = json.loads(page.get_by_label("Sempadan (GeoJSON)").input_value())
    assert typed["type"] == "Polygon"
    assert typed["coordinates"][0] == [
        [101.6930, 2.9260],
        [101.6937, 2.9260],
        [101.6937, 2.9265],
        [101.6930, 2.9265],
        [101.6930, 2.9260],
    ]
    # A wrong number is said and not taken.
    first_lat = table.get_by_label("Latitud titik 1,")
    first_lat.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("95")
    page.keyboard.press("Tab")
    expect(page.get_by_text("Latitud ialah nombor dari -90 hingga 90")).to_be_visible()
    assert json.loads(page.get_by_label("Sempadan (GeoJSON)").input_value()) == typed
    first_lat.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2.9260")
    page.keyboard.press("Tab")
    # A point more, then a hole in the middle.
    page.get_by_role("button", name="Tambah titik selepas 4").focus()
    page.keyboard.press("Enter")
    expect(table.locator("tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Buang titik 5").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Tambah lubang pada bahagian 1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table", name="Bahagian 1: lubang 1")).to_be_visible()
    holed = json.loads(page.get_by_label("Sempadan (GeoJSON)").input_value())
    assert len(holed["coordinates"]) == 2
    expect(page.locator(".office-map .leaflet-overlay-pane path")).to_have_count(1)
    page.screenshot(path=str(artifacts / "tablet-office-keyboard-outline.png"), full_page=True)
    assert_no_axe_violations(page, "office editor with the point tables")

    page.get_by_role("button", name="Semak sempadan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Keluasan:")).to_contain_text("m²")
    with page.expect_response("**/offices") as saved:
        page.get_by_role("button", name="Simpan").focus()
        page.keyboard.press("Enter")
    assert saved.value.status == 201, saved.value.text()
    stored = saved.value.json()["geometry"]
    assert stored["type"] == "Polygon" and len(stored["coordinates"]) == 2
