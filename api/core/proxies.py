"""The client's address behind reverse proxies, and who may read /metrics.

Only a peer listed in TRUSTED_PROXIES has its client address taken from `X-Forwarded-For`
(granian's proxy-headers wrapper: the right-most address that is not itself a trusted proxy);
any other peer's header is ignored. Everything that records or limits by address (rate limits,
lockout, audit, session records, the access log) reads `scope["client"]`, so it is rewritten
once, before the rest of the application sees the request.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

import msgspec
from granian.utils.proxies import wrap_asgi_with_proxy_headers
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

ASGIApp = Any


def behind_trusted_proxies(app: ASGIApp, trusted: tuple[str, ...]) -> ASGIApp:
    """`app` with the client address taken from X-Forwarded-For when the peer is trusted."""
    if not trusted:
        return app
    return wrap_asgi_with_proxy_headers(app, trusted_hosts=list(trusted))


def client_ip(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The address rate limits, lockout, audit and session records go by (already the
    forwarded one when the peer is a trusted proxy: see `behind_trusted_proxies`)."""
    return request.client.host if request.client else ""


def _in_networks(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network) for network in networks)


METRICS_ACCESS = "metrics_access"


class MetricsAccess(msgspec.Struct, frozen=True):
    allow: tuple[str, ...]
    token: str | None


def metrics_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """/metrics for the monitoring network (METRICS_ALLOW) or a bearer of METRICS_TOKEN; to
    anyone else it does not exist (404, as any unknown path)."""
    access: MetricsAccess = connection.app.state[METRICS_ACCESS]
    given = connection.headers.get("authorization", "")
    if access.token and hmac.compare_digest(given.encode(), f"Bearer {access.token}".encode()):
        return
    peer = connection.client.host if connection.client else ""
    if _in_networks(peer, access.allow):
        return
    raise NotFoundException()
