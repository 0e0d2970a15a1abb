"""What the schemathesis run of issue 18 (Medium 11) found answering 5xx, each as a plain API
test: ids beyond what the database holds, a duplicate agency code, a passkey without a
credential id, a committee in an agency that does not exist; and a schema that did not match
its value (`expectedStart`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from msgspec import inspect as mi

from api.attendance import rules
from api.core.params import MAX_ID
from tests.fixtures import ApiClient, Org

HUGE = 10**20


async def _signed_in(client_factory: Any, login_id: str) -> ApiClient:
    client: ApiClient = await client_factory()
    await client.sign_in(login_id)
    return client


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/attendance/approvals/decisions", {"ids": [HUGE], "decision": "approved"}),
        ("put", "/api/users/{officer}/offices", {"officeIds": [HUGE]}),
        ("put", "/api/users/{officer}/offices", {"officeIds": [-1]}),
        ("patch", "/api/users/{officer}", {"supervisorId": HUGE}),
        (
            "post",
            "/api/users/{officer}/roles",
            {"role": "executive", "scopeType": "unit", "scopeId": HUGE},
        ),
        ("post", "/api/agencies/{agency}/units", {"name": "Unit", "parentId": HUGE}),
        ("post", "/api/attendance/movement-slips", {"destinationId": HUGE}),
    ],
)
async def test_ids_beyond_the_integer_range_are_a_400(
    admin_a: ApiClient, org: Org, method: str, url: str, body: dict[str, Any]
) -> None:
    path = url.format(officer=org.users["officer_a"], agency=org.agency_a)
    response = await getattr(admin_a, method)(path, json=body)
    assert response.status_code == 400, response.text


async def test_a_papers_agenda_item_beyond_the_integer_range_is_a_400(
    client_factory: Any, org: Org
) -> None:
    officer = await _signed_in(client_factory, org.login["officer_a"])
    response = await officer.post(
        "/api/meetings/1/papers",
        data={"title": "Kertas", "agendaItem": str(HUGE)},
        files={"file": ("kertas.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "agendaItem"


def _unbounded_ints(info: Any, path: str, seen: set[Any]) -> list[str]:
    if isinstance(info, mi.IntType):
        return [] if info.ge is not None and info.le is not None else [path]
    if isinstance(info, (mi.StructType, mi.DataclassType)):
        if info.cls in seen:
            return []
        seen.add(info.cls)
        return [
            found
            for f in info.fields
            for found in _unbounded_ints(f.type, f"{path}.{f.encode_name}", seen)
        ]
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return _unbounded_ints(info.item_type, f"{path}[]", seen)
    if isinstance(info, mi.UnionType):
        return [found for t in info.types for found in _unbounded_ints(t, path, seen)]
    if isinstance(info, mi.DictType):
        return _unbounded_ints(info.value_type, f"{path}{{}}", seen)
    return []


def test_every_integer_a_request_body_carries_is_bounded(app: Litestar) -> None:
    """A whole number in a request (ids first of all) has bounds, so a 20-digit number is a
    400 at decoding and never reaches the database (OverflowError, 500)."""
    unbounded = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                continue
            for field in _unbounded_ints(mi.type_info(data.annotation), "", set()):
                unbounded.append(f"{sorted(handler.http_methods)} {route.path} {field}")
    assert unbounded == []


async def test_a_duplicate_agency_code_is_a_409(client_factory: Any, org: Org) -> None:
    root = await _signed_in(client_factory, org.login["super"])
    response = await root.post(
        "/api/agencies", json={"code": "AGA", "name": "Agensi A lagi", "state": "PJY"}
    )
    assert response.status_code == 409, response.text
    assert "AGA" in response.json()["detail"]


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"type": "public-key"},
        {"id": "AAAA", "rawId": "AAAA", "response": "x"},
        {"id": 5, "rawId": 5, "type": "public-key", "response": {"clientDataJSON": 5}},
    ],
)
async def test_a_passkey_without_a_credential_id_is_refused(
    client_factory: Any, org: Org, credential: dict[str, Any]
) -> None:
    officer = await _signed_in(client_factory, org.login["officer_a"])
    assert (await officer.post("/api/auth/passkeys/options")).status_code == 200
    response = await officer.post(
        "/api/auth/passkeys", json={"name": "Telefon", "credential": credential}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] == "passkey_invalid"


async def test_a_passkey_sign_in_with_a_malformed_credential_is_refused(
    client: ApiClient, org: Org
) -> None:
    assert (await client.post("/api/auth/passkey/options", json={})).status_code == 200
    for credential in (
        {"id": 5},
        {"id": "AAAA", "response": "x"},
        {"id": "A" * 5000},
    ):
        response = await client.post("/api/auth/passkey/verify", json={"credential": credential})
        assert 400 <= response.status_code < 500, response.text


async def test_a_committee_in_an_agency_that_does_not_exist_is_a_404(
    client_factory: Any, org: Org
) -> None:
    root = await _signed_in(client_factory, org.login["super"])
    response = await root.post(
        "/api/committees", json={"code": "JKX", "name": "JK X", "agencyId": MAX_ID}
    )
    assert response.status_code == 404, response.text


async def test_expected_start_matches_its_schema(
    admin_a: ApiClient, client_factory: Any, org: Org, app: Litestar
) -> None:
    today = rules.local_day(datetime.now(UTC), rules.MALAYSIA_TZ)
    declared = await admin_a.put(
        f"/api/attendance/calendar/overrides/{today.isoformat()}", json={"kind": "working"}
    )
    assert declared.status_code == 200
    officer = await _signed_in(client_factory, org.login["officer_a"])
    card = (await officer.get("/api/attendance/today")).json()
    schema = app.openapi_schema.to_schema()
    assert '"duration"' not in str(schema).replace("'", '"')
    field = schema["components"]["schemas"]["TodayOut"]["properties"]["expectedStart"]
    # (Litestar puts the pattern beside the oneOf; JSON Schema applies it to strings only.)
    assert {"type": "string"} in field["oneOf"] and "format" not in str(field)
    pattern = field["pattern"]
    assert card["expectedStart"] is not None
    assert re.fullmatch(pattern, card["expectedStart"]), card["expectedStart"]
