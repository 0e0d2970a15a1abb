"""Security headers on every response (ASVS V3), and no caching of API responses.

The PWA is served from the same origin with no inline script or style, so the policy can be
strict. The OpenAPI browser at /schema loads its viewer script from a CDN and inline code,
so only those pages get a wider policy.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send


def app_csp(tile_source: str = "") -> str:
    """The PWA's policy; `tile_source` (the map tiles' origin, see MAP_TILE_URL) may serve
    images too."""
    images = " ".join(s for s in ("'self' data: blob:", tile_source) if s)
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
        "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


SCHEMA_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com data:; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
COMMON_HEADERS: list[tuple[bytes, bytes]] = [
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    # Geolocation and the camera (QR codes at meetings) for the app itself only.
    (
        b"permissions-policy",
        b"geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()",
    ),
]


def security_headers_middleware(app: ASGIApp, tile_source: str = "") -> ASGIApp:
    page_csp = app_csp(tile_source)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = SCHEMA_CSP if path.startswith("/schema") else page_csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = message.get("headers", [])
                # A handler may choose "private, no-cache" itself (papers that may be saved
                # for offline reading on request); any other API answer is no-store.
                keep_own = (b"cache-control", b"private, no-cache") in own
                headers = [
                    (k, v)
                    for k, v in own
                    if k.lower() not in (b"cache-control",)
                    or not path.startswith("/api/")
                    or keep_own
                ]
                headers.extend(COMMON_HEADERS)
                headers.append((b"content-security-policy", csp.encode()))
                if path.startswith("/api/") and not keep_own:
                    # Answers to signed-in people: never stored by browsers, proxies or the
                    # service worker.
                    headers.append((b"cache-control", b"no-store"))
                    headers.append((b"pragma", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


_TEXT_BODIES = (b"application/json", b"text/", b"application/problem+json")


async def _refuse_nul(send: Send, where: str) -> None:
    from api.core.messages import message

    body = msgspec.json.encode(
        {
            "type": "https://hadir.gov.my/problems/validation-error",
            "title": "Bad Request",
            "status": 400,
            "code": "validation_error",
            "detail": message("validation_error", "ms"),
            "errors": [{"field": where, "message": message("nul_character", "ms")}],
        }
    )
    start: Any = {
        "type": "http.response.start",
        "status": 400,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)


def reject_nul_middleware(app: ASGIApp) -> ASGIApp:
    """Refuses NUL characters in the query string and in text bodies with a 400.

    No field of Hadir may hold one, and PostgreSQL cannot store one in text: without this a
    stray \\u0000 would surface as a database error (500) instead of a clear refusal.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
            await _refuse_nul(send, "query")
            return
        content_type = next(
            (v for k, v in scope.get("headers", []) if k == b"content-type"), b""
        ).lower()
        if not content_type.startswith(_TEXT_BODIES):
            await app(scope, receive, send)
            return
        messages: list[ReceiveMessage] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if b"\\u0000" in body or b"\x00" in body:
            await _refuse_nul(send, "body")
            return
        replay = iter(messages)

        async def receive_again() -> ReceiveMessage:
            return next(replay, None) or await receive()

        await app(scope, receive_again, send)

    return middleware
