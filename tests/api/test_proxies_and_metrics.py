"""Client addresses behind a reverse proxy (TRUSTED_PROXIES) and who may read /metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
import pytest
from litestar import Litestar

from api.config import get_settings
from tests.fixtures import ApiClient, Org

PROXY = "10.200.0.5"
METRICS_TOKEN = "m" * 32


@pytest.fixture(scope="module")
def proxied_app() -> Litestar:
    from api.app import create_app

    settings = msgspec.structs.replace(
        get_settings(), trusted_proxies=("10.200.0.0/24",), metrics_token=METRICS_TOKEN
    )
    return create_app(settings, manage_database=False)


@pytest.fixture
async def via(proxied_app: Litestar, db: None) -> AsyncIterator[Any]:
    clients: list[ApiClient] = []

    async def make(peer: str) -> ApiClient:
        client = ApiClient(
            transport=httpx.ASGITransport(app=proxied_app, client=(peer, 40000)),
            base_url="https://testserver.local",
        )
        await client.__aenter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.__aexit__(None, None, None)


async def _session_ip(client: ApiClient) -> str:
    sessions = (await client.get("/api/auth/sessions")).json()
    assert len(sessions) == 1
    return str(sessions[0]["ip"])


async def test_a_trusted_proxy_names_the_client(via: Any, org: Org) -> None:
    client = await via(PROXY)
    client.headers["x-forwarded-for"] = "203.0.113.7"
    await client.sign_in(org.login["officer_a"])
    assert await _session_ip(client) == "203.0.113.7"


async def test_the_rightmost_untrusted_address_counts(via: Any, org: Org) -> None:
    """A client may put anything in front of the chain; only what the proxy added is believed."""
    client = await via(PROXY)
    client.headers["x-forwarded-for"] = "198.51.100.99, 203.0.113.8, 10.200.0.6"
    await client.sign_in(org.login["officer_a"])
    assert await _session_ip(client) == "203.0.113.8"


async def test_an_untrusted_peer_cannot_choose_its_address(via: Any, org: Org) -> None:
    client = await via("192.0.2.50")
    client.headers["x-forwarded-for"] = "203.0.113.9"
    await client.sign_in(org.login["officer_a"])
    assert await _session_ip(client) == "192.0.2.50"


async def test_the_audit_trail_records_the_forwarded_address(via: Any, org: Org) -> None:
    from api.accounts.tables import AuditEvent

    client = await via(PROXY)
    response = await client.post(
        "/api/auth/sign-in",
        json={"loginId": org.login["officer_a"], "password": "not the password 1"},
        headers={"x-forwarded-for": "203.0.113.10"},
    )
    assert response.status_code == 401
    rows = await AuditEvent.select(AuditEvent.ip).where(AuditEvent.ip == "203.0.113.10")
    assert rows, "the failed sign-in was not recorded with the client's address"


async def test_metrics_only_for_the_monitoring_network_or_the_token(via: Any) -> None:
    outsider = await via("192.0.2.60")
    assert (await outsider.get("/metrics")).status_code == 404
    wrong = await outsider.get("/metrics", headers={"authorization": "Bearer " + "x" * 32})
    assert wrong.status_code == 404
    with_token = await outsider.get(
        "/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert with_token.status_code == 200
    assert "hadir_requests_total" in with_token.text
    local = await via("127.0.0.1")
    assert (await local.get("/metrics")).status_code == 200


async def test_a_spoofed_forwarded_header_does_not_open_metrics(via: Any) -> None:
    """The proxy's own address is local, but the client it names decides; a client that
    writes 127.0.0.1 in front of the chain is still itself."""
    client = await via(PROXY)
    spoofed = await client.get("/metrics", headers={"x-forwarded-for": "127.0.0.1, 192.0.2.61"})
    assert spoofed.status_code == 404
