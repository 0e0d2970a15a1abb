from __future__ import annotations

import httpx
from litestar import Litestar

from tests.fixtures import ApiClient


async def test_healthz_answers_without_a_database_check(client: ApiClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_database_and_migrations(client: ApiClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "pendingMigrations": []}


async def test_request_id_is_echoed_or_made(client: ApiClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "lb-1234567890"})
    assert given.headers["x-request-id"] == "lb-1234567890"
    made = await client.get("/healthz", headers={"x-request-id": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces"
    assert len(made.headers["x-request-id"]) == 32


async def test_metrics_count_requests_by_route_template(
    app: Litestar, client: ApiClient, org: object
) -> None:
    await client.get("/api/users/12345")
    assert (await client.get("/metrics")).status_code == 404  # not the monitoring network
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
        base_url="https://testserver.local",
    ) as monitoring:
        response = await monitoring.get("/metrics")
    assert response.status_code == 200
    assert 'path="/api/users/{user_id}"' in response.text
    assert "hadir_request_duration_seconds_bucket" in response.text


async def test_anonymous_requests_get_no_session(client: ApiClient) -> None:
    response = await client.get("/healthz")
    assert "__Host-hadir_session" not in response.headers.get("set-cookie", "")
