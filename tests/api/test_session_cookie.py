"""The session cookie refreshed on every signed-in request is rendered from cached attributes
(api/accounts/sessions.py): it must be the very header Litestar's Cookie writes."""

from __future__ import annotations

import secrets

from api.accounts.sessions import RotatingSessionBackend, session_config
from api.config import get_settings


def test_cached_attributes_render_the_same_header_as_litestar() -> None:
    config = session_config(get_settings())
    backend = RotatingSessionBackend(config=config)
    value = secrets.token_hex(32)
    expected = backend._cookie(value).to_header(header="")
    assert f"{config.key}={value}{backend._cookie_attributes()}" == expected
    for attribute in ("HttpOnly", "Secure", "Path=/", "SameSite=lax", f"Max-Age={config.max_age}"):
        assert attribute in expected


async def test_a_signed_in_request_refreshes_the_cookie(client_factory, org) -> None:  # type: ignore[no-untyped-def]
    client = await client_factory()
    await client.sign_in(org.login["officer_a"])
    response = await client.get("/api/auth/sessions")
    assert response.status_code == 200
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    session = [c for c in cookies if c.startswith("__Host-hadir_session=")]
    assert len(session) == 1, cookies
    value = session[0].split(";")[0].split("=", 1)[1]
    assert value and value.isalnum()
    assert session[0].endswith("; HttpOnly; Max-Age=1800; Path=/; SameSite=lax; Secure"), session
