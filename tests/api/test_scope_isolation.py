"""An administrator of one agency can see and change nothing of another; officers nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures import SQUARE_PUTRAJAYA, ApiClient, Org


def _foreign_requests(org: Org) -> list[tuple[str, str, Any]]:
    b = org.agency_b
    return [
        ("GET", f"/api/agencies/{b}/units", None),
        ("POST", f"/api/agencies/{b}/units", {"name": "Menyusup"}),
        ("PATCH", f"/api/units/{org.units_b['root']}", {"name": "Diubah"}),
        ("DELETE", f"/api/units/{org.units_b['root']}", None),
        ("GET", f"/api/agencies/{b}/offices", None),
        (
            "POST",
            f"/api/agencies/{b}/offices",
            {"code": "Z", "name": "Z", "state": "KDH", "geometry": SQUARE_PUTRAJAYA},
        ),
        ("GET", f"/api/offices/{org.office_b}", None),
        ("PATCH", f"/api/offices/{org.office_b}", {"name": "Diubah"}),
        ("GET", f"/api/agencies/{b}/users", None),
        (
            "POST",
            f"/api/agencies/{b}/users",
            {"loginId": "S999", "name": "X", "email": "x@example.gov.my"},
        ),
        ("POST", f"/api/agencies/{b}/users/import", None),
        ("GET", f"/api/users/{org.users['officer_b']}", None),
        ("PATCH", f"/api/users/{org.users['officer_b']}", {"name": "Diubah"}),
        ("POST", f"/api/users/{org.users['officer_b']}/temporary-password", None),
        ("POST", f"/api/users/{org.users['officer_b']}/unlock", None),
        ("GET", f"/api/users/{org.users['officer_b']}/roles", None),
        (
            "POST",
            f"/api/users/{org.users['officer_b']}/roles",
            {"role": "executive", "scopeType": "agency"},
        ),
        ("GET", f"/api/users/{org.users['officer_b']}/offices", None),
        ("PUT", f"/api/users/{org.users['officer_b']}/offices", {"officeIds": []}),
    ]


async def test_admin_of_agency_a_gets_404_for_everything_of_agency_b(
    admin_a: ApiClient, org: Org
) -> None:
    from api.org.tables import User

    before = await User.select().where(User.agency == org.agency_b).order_by(User.id)
    for method, url, body in _foreign_requests(org):
        response = await admin_a.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["code"] == "not_found"
    assert await User.select().where(User.agency == org.agency_b).order_by(User.id) == before


async def test_unknown_ids_look_the_same_as_foreign_ones(admin_a: ApiClient, org: Org) -> None:
    foreign = await admin_a.get(f"/api/users/{org.users['officer_b']}")
    missing = await admin_a.get("/api/users/987654")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"] == missing.json()["detail"]


@pytest.mark.parametrize("who", ["officer_a", "exec_a"])
async def test_non_administrators_get_403_on_admin_routes(
    client_factory: Any, org: Org, who: str
) -> None:
    client = await client_factory()
    await client.sign_in(org.login[who])
    for method, url in (
        ("GET", f"/api/agencies/{org.agency_a}/users"),
        ("GET", f"/api/users/{org.users['officer_a']}"),
        ("POST", f"/api/users/{org.users['officer_a']}/temporary-password"),
        ("GET", "/api/agencies"),
    ):
        response = await client.request(method, url)
        assert response.status_code == 403, (who, method, url)


async def test_anonymous_gets_401(client: ApiClient, org: Org) -> None:
    for url in (f"/api/agencies/{org.agency_a}/users", f"/api/users/{org.users['officer_a']}"):
        assert (await client.get(url)).status_code == 401
