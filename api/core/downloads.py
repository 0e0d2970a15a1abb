"""Download responses: the one place that writes Content-Disposition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from litestar import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# Browsers must not keep files that carry personal data (reports, dashboards, audit trails).
NO_STORE = {"cache-control": "no-store"}


def content_disposition(file_name: str) -> str:
    """RFC 6266: an ASCII fallback and the exact name as UTF-8 (filename*)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;%' else "_" for ch in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def download(
    content: bytes | str,
    file_name: str,
    media_type: str,
    headers: Mapping[str, str] | None = None,
    **response: Any,
) -> Response[Any]:
    """`content` as a file the browser saves under `file_name` (extra `headers`, e.g. no-store)."""
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": content_disposition(file_name), **(headers or {})},
        **response,
    )
