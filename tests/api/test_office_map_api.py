"""The office map: its tile setting (and the CSP that lets tiles in), and a test position
judged against an outline before it is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.config import ConfigError, load_settings
from api.core.security import app_csp
from tests.fixtures import SQUARE_PUTRAJAYA, ApiClient, Org


async def test_the_map_settings_give_the_tile_url(admin_a: ApiClient, client: ApiClient) -> None:
    answer = await admin_a.get("/api/offices/map-settings")
    assert answer.status_code == 200
    assert answer.json()["tileUrl"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in answer.json()["attribution"]
    # The pages' CSP lets the tiles in, and nothing else from elsewhere.
    page = await client.get("/")
    csp = page.headers["content-security-policy"]
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org;" in csp


async def test_a_test_position_is_judged_like_a_check_in(admin_a: ApiClient, org: Org) -> None:
    url = f"/api/agencies/{org.agency_a}/offices/preview"
    inside = await admin_a.post(
        url,
        json={
            "state": "PJY",
            "geometry": SQUARE_PUTRAJAYA,
            "testPosition": {"lat": 2.9266, "lon": 101.6967, "accuracyM": 10},
        },
    )
    assert inside.status_code == 200, inside.text
    assert inside.json()["testVerdict"]["status"] == "inside"
    assert inside.json()["testVerdict"]["distanceM"] < 0
    # About a kilometre north of the square, a 20 m fix: outside, with the distance.
    outside = await admin_a.post(
        url,
        json={
            "state": "PJY",
            "geometry": SQUARE_PUTRAJAYA,
            "testPosition": {"lat": 2.9366, "lon": 101.6967, "accuracyM": 20},
        },
    )
    verdict = outside.json()["testVerdict"]
    assert verdict["status"] == "outside" and 1000 < verdict["distanceM"] < 1200
    # A fix as wide as the distance to the edge cannot decide.
    unsure = await admin_a.post(
        url,
        json={
            "state": "PJY",
            "geometry": SQUARE_PUTRAJAYA,
            "testPosition": {"lat": 2.9366, "lon": 101.6967, "accuracyM": 99},
        },
    )
    assert unsure.json()["testVerdict"]["status"] in {"outside", "uncertain"}
    without = await admin_a.post(url, json={"state": "PJY", "geometry": SQUARE_PUTRAJAYA})
    assert without.json()["testVerdict"] is None


async def test_a_test_position_out_of_range_is_refused(admin_a: ApiClient, org: Org) -> None:
    answer = await admin_a.post(
        f"/api/agencies/{org.agency_a}/offices/preview",
        json={
            "state": "PJY",
            "geometry": SQUARE_PUTRAJAYA,
            "testPosition": {"lat": 91, "lon": 101.6967, "accuracyM": 10},
        },
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "validation_error"


async def test_map_settings_are_for_administrators(client_factory: Any, org: Org) -> None:
    officer = await client_factory()
    await officer.sign_in(org.login["officer_a"])
    assert (await officer.get("/api/offices/map-settings")).status_code == 403


def test_tile_url_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HADIR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MAP_TILE_URL", "https://{s}.tiles.example.gov.my/{z}/{x}/{y}.png")
    settings = load_settings()
    assert settings.map_tile_source == "https://*.tiles.example.gov.my"
    assert "img-src 'self' data: blob: https://*.tiles.example.gov.my;" in app_csp(
        settings.map_tile_source
    )
    for wrong in (
        "http://tiles.example.gov.my/{z}/{x}/{y}.png",
        "https://tiles.example.gov.my/tiles.png",
        "https://tiles.example.gov.my/{z}/{x}/{y}.png; script-src *",
    ):
        monkeypatch.setenv("MAP_TILE_URL", wrong)
        with pytest.raises(ConfigError, match="MAP_TILE_URL"):
            load_settings()


async def test_a_second_office_with_the_same_code_is_a_clear_conflict(
    admin_a: ApiClient, org: Org
) -> None:
    """It was a 500: the message's {code} placeholder collided with message()'s own argument."""
    body = {"code": "CAW-1", "name": "Cawangan", "state": "PJY", "geometry": SQUARE_PUTRAJAYA}
    url = f"/api/agencies/{org.agency_a}/offices"
    assert (await admin_a.post(url, json=body)).status_code == 201
    again = await admin_a.post(url, json=body)
    assert again.status_code == 409
    assert again.json()["detail"] == "Kod 'CAW-1' sudah digunakan dalam agensi ini."
