"""The caller's language for server-made text: Malay by default, English when asked for."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Literal, cast

from litestar import Request

from api.config import PROJECT_ROOT

Language = Literal["ms", "en"]
LANGUAGES: tuple[Language, ...] = ("ms", "en")
DEFAULT_LANGUAGE: Language = "ms"


def parse_accept_language(header: str) -> Language | None:
    """The best of ms/en in an Accept-Language header, by q-value; None if neither appears."""
    best: tuple[float, Language] | None = None
    for part in header.split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        primary = tag.split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, primary)
    return best[1] if best else None


def request_language(request: Request[Any, Any, Any]) -> Language:
    """Signed-in user's choice, else the `hadir_lang` cookie, else Accept-Language, else ms."""
    state = request.scope.get("state", {})
    chosen = state.get("language")
    if chosen in LANGUAGES:
        return cast(Language, chosen)
    cookie = request.cookies.get("hadir_lang")
    if cookie in LANGUAGES:
        return cookie
    return parse_accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE


@cache
def pwa_catalogue(language: str) -> dict[str, str]:
    """The PWA's message catalogue for `language` (ms when unknown), for server-made files that
    must use the screens' wording (e.g. audit actions in an export)."""
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    path = PROJECT_ROOT / "pwa" / "i18n" / f"{chosen}.json"
    return cast(dict[str, str], json.loads(path.read_text(encoding="utf-8")))
