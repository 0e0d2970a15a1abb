"""Security headers on every response (ASVS V3), no caching of API responses, and bounded
request bodies (size, NUL characters, JSON depth) before the application reads them.

The PWA is served from the same origin with no inline script or style, so the policy can be
strict. The OpenAPI browser at /schema starts its viewer (served from this origin) with inline
code, so only those pages allow inline script and style.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from api.core.errors import _TITLES
from api.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, parse_accept_language
from api.core.messages import message


def app_csp(tile_source: str = "") -> str:
    """The PWA's policy; `tile_source` (the map tiles' origin, see MAP_TILE_URL) may serve
    images too."""
    images = " ".join(s for s in ("'self' data: blob:", tile_source) if s)
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
        "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


# /schema (Swagger UI, served from /schema-assets): its page starts the viewer with an inline
# script holding the schema; nothing is loaded from anywhere but this origin.
SCHEMA_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
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


# The CSV imports (people, punches, leave) take up to this much, raw or as a form.
TEXT_IMPORT_MAX_BYTES = 10_000_000
# Bodies read whole into memory here (everything but multipart uploads) are never larger than
# this, whatever a route allows: the CSV imports sent as a raw body are the largest.
BUFFERED_BODY_MAX_BYTES = TEXT_IMPORT_MAX_BYTES
# Deeper JSON than this is refused (400) before any decoder sees it: a GeoJSON MultiPolygon
# nests 4 arrays; msgspec would raise RecursionError (a 500) around 1,000.
MAX_JSON_DEPTH = 64

_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A JSON string, or the rest of the body from an unterminated one: never fails to match, so
# removing strings is linear (a failing pattern would be retried at every later quote).
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"?')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(body: bytes | bytearray, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit`.

    Linear per level and all in C: strings are dropped, everything but brackets is deleted,
    then each pass removes the innermost pairs; a body that is still not empty after `limit`
    passes is too deep. Malformed text (passes stop shrinking) is left to the decoder.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    structure = _JSON_STRING.sub(b"", bytes(body)).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        shorter = structure.replace(b"[]", b"").replace(b"{}", b"")
        if not shorter or len(shorter) == len(structure):
            return False
        structure = shorter
    return True


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope.get("headers", []) if k == name), None)


def _language(scope: Scope) -> str:
    """The caller's language before any session is read: `hadir_lang` cookie, Accept-Language."""
    for part in (_header(scope, b"cookie") or b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "hadir_lang" and value in LANGUAGES:
            return value
    accept = (_header(scope, b"accept-language") or b"").decode("latin-1")
    return parse_accept_language(accept) or DEFAULT_LANGUAGE


async def _refuse(
    scope: Scope, send: Send, status: int, code: str, field: str = "", reason: str = ""
) -> None:
    language = _language(scope)
    problem: dict[str, Any] = {
        "type": f"https://hadir.gov.my/problems/{code.replace('_', '-')}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": message(code, language),
        "instance": scope.get("path", ""),
    }
    if field:
        problem["errors"] = [{"field": field, "message": message(reason, language)}]
    body = msgspec.json.encode(problem)
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            # The rest of an over-long body is not read: the connection cannot be reused.
            *([(b"connection", b"close")] if status == 413 else []),
        ],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)


class BodyRule(NamedTuple):
    """What the route a request goes to accepts: its body limit, and whether it takes a
    multipart upload (read by its form parser, not buffered here)."""

    limit: int
    multipart_upload: bool = False


def request_body_middleware(app: ASGIApp, rule_of: Callable[[Scope], BodyRule]) -> ASGIApp:
    """Bounds every request body before the application sees it (ASVS V4/V5, issue 18).

    - Bodies (but multipart uploads to upload routes) are read here, into one buffer (linear
      time), under the route's limit (`request_max_body_size`, else REQUEST_MAX_BYTES; the
      default too for paths without a route, 404 and 405 included), and never beyond
      `BUFFERED_BODY_MAX_BYTES`: Content-Length is checked before anything is read, the bytes
      while reading, and the first byte over the limit answers 413; the rest is never read.
    - They are then refused with 400 when they hold a NUL character (no field may hold one
      and PostgreSQL cannot store one in text) or JSON nested deeper than `MAX_JSON_DEPTH`
      (Litestar decodes a JSON parameter whatever the content type says).
    - Multipart uploads to a route that takes one are read by its form parser under its
      limit, after the access guard.
    - The query string and path may not hold a NUL either.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
            await _refuse(scope, send, 400, "validation_error", "query", "nul_character")
            return
        length_header = _header(scope, b"content-length")
        if (
            length_header is None
            and _header(scope, b"transfer-encoding") is None
            and scope.get("method", "GET") in _NO_BODY_METHODS
        ):
            await app(scope, receive, send)  # nothing to read, nothing to check
            return
        rule = rule_of(scope)
        content_type = (_header(scope, b"content-type") or b"").lower()
        if rule.multipart_upload and content_type.startswith(b"multipart/form-data"):
            # Read by the route's form parser under the route's limit (Content-Length first,
            # then the bytes), after the access guard, with the route's own words for a 413.
            await app(scope, receive, send)
            return
        limit = min(rule.limit, BUFFERED_BODY_MAX_BYTES)
        if length_header is not None:
            try:
                announced = int(length_header)
            except ValueError:
                await _refuse(scope, send, 400, "bad_request")
                return
            if announced > limit:
                await _refuse(scope, send, 413, "too_large")
                return
        body = bytearray()
        messages: list[ReceiveMessage] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                messages.append(message)
                break
            chunk = message.get("body", b"")
            if len(body) + len(chunk) > limit:
                await _refuse(scope, send, 413, "too_large")
                return
            body += chunk
            if not message.get("more_body", False):
                break
        if b"\\u0000" in body or b"\x00" in body:
            await _refuse(scope, send, 400, "validation_error", "body", "nul_character")
            return
        if json_too_deep(body):
            await _refuse(scope, send, 400, "validation_error", "body", "json_too_deep")
            return
        whole: Any = {"type": "http.request", "body": bytes(body), "more_body": False}
        replay = iter([whole, *messages])

        async def receive_again() -> ReceiveMessage:
            return next(replay, None) or await receive()

        await app(scope, receive_again, send)

    return middleware
