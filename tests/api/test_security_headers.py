"""Security headers on every response; API answers are never cached."""

from __future__ import annotations

from typing import Any

from tests.fixtures import ApiClient, Org


def _check_common(headers: Any) -> None:
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in headers["permissions-policy"]


async def test_headers_on_api_errors_and_unknown_paths(client: ApiClient) -> None:
    for path in ("/healthz", "/api/auth/me", "/no/such/page"):
        _check_common((await client.get(path)).headers)


async def test_signed_in_api_answers_are_not_stored(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    response = await client.get("/api/auth/me")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    _check_common(response.headers)
