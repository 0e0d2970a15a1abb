"""Request bodies are bounded before the application reads them (issue 18, High 2): size
(Content-Length and streamed bytes, 413 without reading the rest), NUL, JSON depth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from api.config import get_settings
from api.core.messages import message
from api.core.security import MAX_JSON_DEPTH, json_too_deep
from tests.fixtures import ApiClient, Org

CHUNK = 64 * 1024


class Stream:
    """A chunked request body that counts how much of it was asked for."""

    def __init__(self, chunks: int, piece: bytes = b"[" * CHUNK) -> None:
        self.chunks, self.piece, self.sent = chunks, piece, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.sent += 1
            yield self.piece


async def test_a_streamed_body_to_a_405_path_is_cut_off_at_the_limit(client: ApiClient) -> None:
    limit = get_settings().request_max_bytes
    body = Stream(chunks=1024)  # 64 MiB, the size of the example
    response = await client.post(
        "/healthz", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["detail"] == message("too_large", "ms")
    # Only what fits under the limit (and the chunk that crossed it) was read.
    assert body.sent == limit // CHUNK + 1


async def test_an_announced_length_over_the_limit_is_refused_before_reading(
    client: ApiClient,
) -> None:
    body = Stream(chunks=4)
    response = await client.post(
        "/api/auth/sign-in",
        content=body,
        headers={
            "content-length": str(get_settings().request_max_bytes + 1),
            "content-type": "application/json",
            "accept-language": "en",
        },
    )
    assert response.status_code == 413
    assert response.json()["detail"] == message("too_large", "en")
    assert body.sent == 0


async def test_a_route_without_its_own_limit_takes_the_default(
    admin_a: ApiClient, org: Org
) -> None:
    name = "x" * (get_settings().request_max_bytes + 1)
    response = await admin_a.post(f"/api/agencies/{org.agency_a}/units", json={"name": name})
    assert response.status_code == 413


async def test_imports_keep_their_larger_limit(admin_a: ApiClient, org: Org) -> None:
    # Over the default limit, within the import's: read, then judged as a CSV (not a 413).
    header = "ic_number,name,email,unit_path\n"
    text = header + "#" * (get_settings().request_max_bytes + 1024) + "\n"
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users/import",
        content=text.encode(),
        headers={"content-type": "text/csv"},
    )
    assert response.status_code == 422, response.text


def _nested(depth: int) -> bytes:
    return b'{"name":' + b"[" * depth + b"1" + b"]" * depth + b"}"


async def test_deeply_nested_json_is_a_400_not_a_500(
    admin_a: ApiClient, client: ApiClient, org: Org
) -> None:
    for who, url in (
        (client, "/api/auth/sign-in"),
        (admin_a, f"/api/agencies/{org.agency_a}/units"),
        (admin_a, f"/api/agencies/{org.agency_a}/offices"),
    ):
        for content_type in ("application/json", "text/plain", "multipart/form-data", None):
            headers = {"content-type": content_type} if content_type else {}
            response = await who.post(url, content=_nested(5000), headers=headers)
            assert response.status_code == 400, (url, content_type, response.text)
            assert response.json()["errors"][0]["field"] == "body"
            assert response.json()["errors"][0]["message"] == message("json_too_deep", "ms")


async def test_ordinary_nesting_still_reaches_the_route(admin_a: ApiClient, org: Org) -> None:
    response = await admin_a.post(
        f"/api/agencies/{org.agency_a}/units", content=_nested(MAX_JSON_DEPTH - 1)
    )
    # Decoded and judged by the route: a list is not a name.
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert not json_too_deep(b'{"a": "' + b"[" * 10_000 + b'"}')
    assert not json_too_deep(b'["\\"' + b"{" * 10_000 + b'"]')
    assert json_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert not json_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    wide = b"[" + b",".join([b"[[1,2],[3,4]]"] * 50_000) + b"]"
    assert not json_too_deep(wide)
    # Malformed text is left to the decoder, and an unterminated string ends the scan.
    assert not json_too_deep(b"[" * 100 + b"}" * 100)
    assert not json_too_deep(b'["' + b'\\"' * 100_000)


def test_json_depth_check_is_linear_on_hostile_strings() -> None:
    # Many escaped quotes after an unterminated string made a naive pattern quadratic; this
    # one takes a single pass (a quadratic scan of 4 MB would not finish in the test run).
    body: Any = b"[" * (MAX_JSON_DEPTH + 1) + b'"' + b'\\"' * (2 * 1024 * 1024)
    assert json_too_deep(body) is False
