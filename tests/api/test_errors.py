"""Every API error has one shape (RFC 9457 problem details) in the caller's language."""

from __future__ import annotations

from tests.fixtures import ApiClient, Org

PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "instance", "requestId"}


async def test_unknown_route_is_a_problem_in_malay_by_default(client: ApiClient) -> None:
    response = await client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["code"] == "not_found"
    assert body["detail"] == "Rekod tidak dijumpai."
    assert body["requestId"] == response.headers["x-request-id"]


async def test_english_when_the_browser_prefers_it(client: ApiClient) -> None:
    response = await client.get(
        "/api/agencies", headers={"accept-language": "en-GB,en;q=0.9,ms;q=0.5"}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Please sign in first."


async def test_validation_errors_name_the_field(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users",
        json={"loginId": "S1234", "name": "Ali", "email": "not-an-email"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == ["email"]
    assert "email" in body["errors"][0]["message"]


async def test_missing_field_is_named(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(f"/api/agencies/{org.agency_a}/units", json={"code": "X"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


async def test_unknown_field_is_refused(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/units", json={"name": "Unit X", "colour": "red"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "colour"


async def test_wrong_method_is_a_problem(client: ApiClient) -> None:
    response = await client.delete("/healthz")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_unsafe_request_without_csrf_token_is_refused(client: ApiClient, org: Org) -> None:
    response = await client.post(
        "/api/auth/sign-in",
        json={"loginId": org.login["admin_a"], "password": "x"},
        headers={"x-csrf-token": "forged"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_business_errors_carry_a_stable_code(admin_a: ApiClient, org: Org) -> None:
    payload = {"loginId": org.login["officer_a"], "name": "Dup", "email": "dup@example.gov.my"}
    response = await admin_a.post(f"/api/agencies/{org.agency_a}/users", json=payload)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_login_id"
    assert org.login["officer_a"] in body["detail"]


async def test_nul_characters_are_refused_not_crashed_on(admin_a: ApiClient, org: Org) -> None:
    in_query = await admin_a.get("/api/audit", params={"action": "a\x00b"})
    assert in_query.status_code == 400 and in_query.json()["errors"][0]["field"] == "query"
    in_body = await admin_a.post(
        f"/api/agencies/{org.agency_a}/units", json={"name": "Unit\u0000X"}
    )
    assert in_body.status_code == 400 and in_body.json()["errors"][0]["field"] == "body"


async def test_ids_beyond_what_a_database_holds_are_a_400(admin_a: ApiClient, org: Org) -> None:
    huge = 10**20
    assert (await admin_a.get(f"/api/users/{huge}")).status_code == 400
    assert (await admin_a.get("/api/audit", params={"actorId": -huge})).status_code == 400


async def test_administrators_do_not_reset_their_own_password(admin_a: ApiClient, org: Org) -> None:
    own = await admin_a.post(f"/api/users/{org.users['admin_a']}/temporary-password")
    assert own.status_code == 403 and own.json()["code"] == "self_action"
