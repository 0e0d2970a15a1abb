"""Role × route matrix: every route, every role, exactly the access the brief gives.

For each route the test fills the path with real ids of agency A and calls it as anonymous,
officer, executive, agency administrator and super administrator. Refusals must be exactly
401 (not signed in) or 403 (signed in, not allowed); allowed roles must never get those.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

from api.accounts.authz import Access, route_access
from tests.fixtures import Org

ROLES = ("anonymous", "officer_a", "exec_a", "admin_a", "super")
ALLOWED: dict[Access, set[str]] = {
    Access.PUBLIC: set(ROLES),
    Access.PASSWORD_CHANGE: {"officer_a", "exec_a", "admin_a", "super"},
    Access.MFA_ENROL: {"officer_a", "exec_a", "admin_a", "super"},
    Access.SIGNED_IN: {"officer_a", "exec_a", "admin_a", "super"},
    Access.EXECUTIVE: {"exec_a", "admin_a", "super"},
    Access.AGENCY_ADMIN: {"admin_a", "super"},
    Access.SUPER_ADMIN: {"super"},
}
# Calls that would end the caller's own session or change shared state for later calls.
SKIP = {"/api/auth/sign-out", "/api/auth/password", "/api/auth/sessions/end-others"}


def _fill(path: str, org: Org) -> str:
    values = {
        "agency_id": org.agency_a,
        "unit_id": org.units_a["apps"],
        "office_id": org.office_a,
        "user_id": org.users["officer_b"],
        "grant_id": 999_999,
        "passkey_id": 1,
        "session_id": "x",
        "check_in_id": 1,
        "slip_id": 1,
        "issue_id": 1,
        "month": "2026-10",
        "day": "2026-10-05",
        "file_path": "index.html",
    }
    return re.sub(r"\{(\w+):?[^}]*\}", lambda m: str(values.get(m.group(1), 1)), path)


def _routes(app: Litestar) -> list[tuple[str, str, Access]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            access = route_access(handler)
            if access is None or handler.handler_name == "options_handler":
                continue
            for method in sorted(handler.http_methods):
                if route.path not in SKIP:
                    found.append((route.path, method, access))
    return found


async def test_every_role_gets_exactly_its_access(
    app: Litestar, client_factory: Any, org: Org
) -> None:
    clients = {}
    for role in ROLES:
        clients[role] = await client_factory()
        if role != "anonymous":
            await clients[role].sign_in(org.login[role])
    wrong: list[str] = []
    checked = 0
    for path, method, access in _routes(app):
        url = _fill(path, org)
        for role in ROLES:
            if access == Access.PUBLIC:
                continue
            response = await clients[role].request(method, url, json={})
            status = response.status_code
            allowed = role in ALLOWED[access]
            checked += 1
            if allowed and status in (401, 403) and response.json().get("code") != "self_action":
                wrong.append(f"{role} refused {method} {path} ({status} {response.text[:120]})")
            if not allowed:
                expected = 401 if role == "anonymous" else 403
                if status != expected:
                    wrong.append(f"{role} got {status} for {method} {path}, expected {expected}")
    assert checked > 200
    assert wrong == []
