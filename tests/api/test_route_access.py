"""Every route declares who may use it; nothing is reachable by accident."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute

from api.accounts.authz import Access, route_access

# Routes that anyone may call without signing in, and why.
PUBLIC_ROUTES = {
    "/healthz",  # load balancer liveness
    "/readyz",  # orchestrator readiness
    "/metrics",  # monitoring network (keep off the public load balancer)
    "/api/auth/sign-in",
    "/api/auth/sign-out",
    "/api/auth/session",  # who is signed in: says "signed out" with 200, reveals nothing else
    # the second step of a sign-in: need a pending sign-in in the session
    "/api/auth/mfa/pending",
    "/api/auth/mfa/totp",
    "/api/auth/mfa/recovery",
    "/api/auth/passkey/options",
    "/api/auth/passkey/verify",
    # self-service reset: a link to the official e-mail, then the second factor
    "/api/auth/reset/request",
    "/api/auth/reset/open",
    "/api/auth/reset/complete",
    "/api/push/public-key",  # the VAPID public key (public by nature)
    "/api/notifications/unsubscribe",  # e-mail one-click unsubscribe: HMAC-signed token
    "/calendar/{feed:str}",  # private calendar feed: the secret token is the credential
}


def _handlers(app: Litestar) -> list[tuple[str, str, Access | None]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.handler_name == "options_handler":
                continue  # Litestar's automatic OPTIONS answer (CORS preflight), no data
            for method in sorted(handler.http_methods):
                found.append((route.path, method, route_access(handler)))
    return found


def test_every_route_has_an_access_rule(app: Litestar) -> None:
    missing = [(path, method) for path, method, access in _handlers(app) if access is None]
    assert missing == []


def test_public_routes_are_exactly_the_intended_ones(app: Litestar) -> None:
    public = {
        path
        for path, _, access in _handlers(app)
        if access == Access.PUBLIC
        and not path.startswith("/schema")
        # The PWA's files (api/core/pwa_assets.py).
        and path not in ("/", "/{file_path:path}", "/static/{version:str}/{file_path:path}")
    }
    assert public == PUBLIC_ROUTES


def test_admin_routes_require_an_administrator(app: Litestar) -> None:
    for path, method, access in _handlers(app):
        if path.startswith(
            ("/api/agencies", "/api/units", "/api/offices", "/api/users", "/api/role-grants")
        ):
            assert access in (Access.AGENCY_ADMIN, Access.SUPER_ADMIN), (method, path)
