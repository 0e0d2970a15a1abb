"""The agency administrator's API: units, people, offices, roles, office assignments."""

from __future__ import annotations

from typing import Any

from tests.fixtures import SQUARE_PUTRAJAYA, ApiClient, Org


async def test_unit_tree_create_move_and_refuse_cycles(admin_a: ApiClient, org: Org) -> None:
    base = f"/api/agencies/{org.agency_a}/units"
    created = await admin_a.post(base, json={"name": "Seksyen Data", "parentId": org.units_a["it"]})
    assert created.status_code == 201
    unit = created.json()
    assert unit["depth"] == 2
    assert unit["path"].startswith(f"/{org.units_a['root']}/{org.units_a['it']}/")

    duplicate = await admin_a.post(
        base, json={"name": "Seksyen Data", "parentId": org.units_a["it"]}
    )
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_name"

    # Moving IT under its own grandchild would make a loop.
    cycle = await admin_a.patch(
        f"/api/units/{org.units_a['it']}", json={"parentId": org.units_a["apps"]}
    )
    assert cycle.status_code == 422 and cycle.json()["code"] == "unit_cycle"

    # Move IT to the top: its whole subtree follows.
    moved = await admin_a.patch(f"/api/units/{org.units_a['it']}", json={"moveToRoot": True})
    assert moved.status_code == 200 and moved.json()["parentId"] is None
    units = {u["id"]: u for u in (await admin_a.get(base)).json()}
    assert units[org.units_a["apps"]]["path"] == f"/{org.units_a['it']}/{org.units_a['apps']}/"
    assert units[unit["id"]]["depth"] == 1


async def test_a_unit_with_people_cannot_be_deleted(admin_a: ApiClient, org: Org) -> None:
    busy = await admin_a.delete(f"/api/units/{org.units_a['apps']}")
    assert busy.status_code == 409 and busy.json()["code"] == "unit_not_empty"
    empty = await admin_a.post(f"/api/agencies/{org.agency_a}/units", json={"name": "Kosong"})
    assert (await admin_a.delete(f"/api/units/{empty.json()['id']}")).status_code == 204


async def test_create_and_update_a_user(admin_a: ApiClient, org: Org) -> None:
    created = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users",
        json={
            "loginId": "900202145555",
            "name": "Nurul Huda",
            "email": "nurul@example.gov.my",
            "unitId": org.units_a["apps"],
            "supervisorId": org.users["officer_a"],
            "grade": "F41",
            "position": "Pegawai Teknologi Maklumat",
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["state"] == "active" and user["supervisorId"] == org.users["officer_a"]
    updated = await admin_a.patch(f"/api/users/{user['id']}", json={"grade": "F44"})
    assert updated.json()["grade"] == "F44"
    found = await admin_a.get(f"/api/agencies/{org.agency_a}/users", params={"q": "nurul"})
    assert [u["loginId"] for u in found.json()["items"]] == ["900202145555"]


async def test_reporting_line_must_not_loop(admin_a: ApiClient, org: Org) -> None:
    first = await admin_a.patch(
        f"/api/users/{org.users['officer_a']}", json={"supervisorId": org.users["exec_a"]}
    )
    assert first.status_code == 200
    loop = await admin_a.patch(
        f"/api/users/{org.users['exec_a']}", json={"supervisorId": org.users["officer_a"]}
    )
    assert loop.status_code == 422 and loop.json()["code"] == "supervisor_cycle"
    own = await admin_a.patch(
        f"/api/users/{org.users['exec_a']}", json={"supervisorId": org.users["exec_a"]}
    )
    assert own.status_code == 422


async def test_supervisor_must_be_in_the_same_agency(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.patch(
        f"/api/users/{org.users['officer_a']}", json={"supervisorId": org.users["officer_b"]}
    )
    assert response.status_code == 422 and response.json()["code"] == "supervisor_not_in_agency"


async def test_users_are_filtered_by_unit_subtree(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.get(
        f"/api/agencies/{org.agency_a}/users", params={"unitId": org.units_a["it"]}
    )
    assert {u["loginId"] for u in response.json()["items"]} == {
        org.login["officer_a"],
        org.login["exec_a"],
    }


async def test_office_with_a_valid_polygon(admin_a: ApiClient, org: Org) -> None:
    created = await admin_a.post(
        f"/api/agencies/{org.agency_a}/offices",
        json={"code": "BLOK-B", "name": "Blok B", "state": "PJY", "geometry": SQUARE_PUTRAJAYA},
    )
    assert created.status_code == 201, created.text
    office = created.json()
    assert office["geometry"]["type"] == "Polygon"
    assert office["warnings"] == []


async def test_office_polygon_errors_are_explained(admin_a: ApiClient, org: Org) -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [
                [101.696, 2.926],
                [101.697, 2.927],
                [101.697, 2.926],
                [101.696, 2.927],
                [101.696, 2.926],
            ]
        ],
    }
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/offices",
        json={"code": "BAD", "name": "Bad", "state": "PJY", "geometry": bow_tie},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_geometry"
    assert body["errors"][0]["field"] == "geometry"
    assert "intersect" in body["detail"].lower()


async def test_swapped_coordinates_are_refused(admin_a: ApiClient, org: Org) -> None:
    swapped = {
        "type": "Polygon",
        "coordinates": [[[lat, lon] for lon, lat in SQUARE_PUTRAJAYA["coordinates"][0]]],
    }
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/offices",
        json={"code": "SWAP", "name": "Swapped", "state": "PJY", "geometry": swapped},
    )
    # Latitude 101 is out of range: the order is longitude first (RFC 7946).
    assert response.status_code == 422
    assert "swapped" in response.json()["detail"]


async def test_an_office_far_from_the_agency_state_is_flagged(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/offices",
        json={"code": "JAUH", "name": "Jauh", "state": "KDH", "geometry": SQUARE_PUTRAJAYA},
    )
    assert response.status_code == 201
    assert [w["code"] for w in response.json()["warnings"]] == ["far_from_state"]


async def test_an_outline_is_previewed_without_being_saved(
    admin_a: ApiClient, client_factory: Any, org: Org
) -> None:
    url = f"/api/agencies/{org.agency_a}/offices/preview"
    before = (await admin_a.get(f"/api/agencies/{org.agency_a}/offices")).json()
    preview = await admin_a.post(url, json={"state": "KDH", "geometry": SQUARE_PUTRAJAYA})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert [w["code"] for w in body["warnings"]] == ["far_from_state"]
    assert 1_000 < body["areaM2"] < 100_000_000
    assert (await admin_a.get(f"/api/agencies/{org.agency_a}/offices")).json() == before
    broken = {"type": "Polygon", "coordinates": [[[101.69, 2.92], [101.70, 2.92]]]}
    refused = await admin_a.post(url, json={"state": "PJY", "geometry": broken})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_geometry"
    # Another agency's administrator cannot use agency A's preview.
    other = await client_factory()
    await other.sign_in(org.login["admin_b"])
    outside = await other.post(url, json={"state": "PJY", "geometry": SQUARE_PUTRAJAYA})
    assert outside.status_code == 404


async def test_office_assignments(admin_a: ApiClient, org: Org) -> None:
    second = await admin_a.post(
        f"/api/agencies/{org.agency_a}/offices",
        json={"code": "BLOK-C", "name": "Blok C", "state": "PJY", "geometry": SQUARE_PUTRAJAYA},
    )
    url = f"/api/users/{org.users['officer_a']}/offices"
    both = [org.office_a, second.json()["id"]]
    assert (await admin_a.put(url, json={"officeIds": both})).json() == sorted(both)
    assert (await admin_a.put(url, json={"officeIds": both})).json() == sorted(both)
    assert (await admin_a.get(url)).json() == sorted(both)
    foreign = await admin_a.put(url, json={"officeIds": [org.office_b]})
    assert foreign.status_code == 422 and foreign.json()["code"] == "office_not_in_agency"
    assert (await admin_a.put(url, json={"officeIds": []})).json() == []


async def test_role_grants(admin_a: ApiClient, org: Org) -> None:
    url = f"/api/users/{org.users['officer_a']}/roles"
    granted = await admin_a.post(url, json={"role": "executive", "scopeType": "agency"})
    assert granted.status_code == 201
    assert granted.json()["scopeId"] == org.agency_a
    again = await admin_a.post(url, json={"role": "executive", "scopeType": "agency"})
    assert again.json()["id"] == granted.json()["id"]
    wrong_scope = await admin_a.post(url, json={"role": "agency_admin", "scopeType": "unit"})
    assert wrong_scope.status_code == 422
    not_super = await admin_a.post(url, json={"role": "super_admin", "scopeType": "platform"})
    assert not_super.status_code == 403
    own = await admin_a.post(
        f"/api/users/{org.users['admin_a']}/roles",
        json={"role": "executive", "scopeType": "agency"},
    )
    assert own.status_code == 403 and own.json()["code"] == "self_action"
    revoked = await admin_a.delete(f"/api/role-grants/{granted.json()['id']}")
    assert revoked.status_code == 204
    assert (await admin_a.get(url)).json() == []


async def test_super_admin_creates_agencies(client_factory: Any, org: Org) -> None:
    root = await client_factory()
    await root.sign_in(org.login["super"])
    created = await root.post(
        "/api/agencies", json={"code": "KKM", "name": "Kementerian Kesihatan", "state": "PJY"}
    )
    assert created.status_code == 201
    listed = await root.get("/api/agencies")
    assert {a["code"] for a in listed.json()} == {"AGA", "AGB", "KKM"}
    admin = await client_factory()
    await admin.sign_in(org.login["admin_a"])
    assert [a["code"] for a in (await admin.get("/api/agencies")).json()] == ["AGA"]
    refused = await admin.post("/api/agencies", json={"code": "X1", "name": "X", "state": "PJY"})
    assert refused.status_code == 403
