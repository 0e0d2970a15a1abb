"""Small shared vocabulary of the delivery layer: languages and security classifications.

Kept in its own module so that `calendar`, `email`, `push` and `templates` agree on the same
values without importing each other (and without importing anything from `api/`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal, get_args

Lang = Literal["ms", "en"]
"""A UI language. Malay is the default everywhere."""

LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
DEFAULT_LANG: Final[Lang] = "ms"


def normalize_lang(value: str | None) -> Lang:
    """Map a stored preference or an Accept-Language tag to a supported language.

    ``"en-GB"``, ``"EN"``, ``"en_MY"`` → ``"en"``; ``"ms-MY"``, ``"ms"``, ``None``, ``""`` or any
    unknown language → ``"ms"`` (the default: Hadir speaks Malay unless told otherwise).
    """
    if not value:
        return DEFAULT_LANG
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if primary == "en":
        return "en"
    return DEFAULT_LANG


class Classification(StrEnum):
    """Security classification of a meeting, paper or minutes (Arahan Keselamatan).

    RAHSIA and RAHSIA BESAR do not exist here on purpose: Hadir refuses them before anything
    reaches the notification layer, so they cannot be represented.
    """

    TERBUKA = "TERBUKA"  # open
    TERHAD = "TERHAD"  # restricted
    SULIT = "SULIT"  # confidential


PUSH_CONTENT_FORBIDDEN: Final[frozenset[Classification]] = frozenset({Classification.SULIT})
"""Classifications whose content must never travel in a push payload (title or body).

Push payloads end up on lock screens and in the service worker, which DOMAIN.md forbids for
SULIT content. Add TERHAD here if the agency's security officer asks for it; every caller goes
through :func:`content_allowed_in_push`.
"""


def content_allowed_in_push(classification: Classification) -> bool:
    """True when the item's own text (titles, names, excerpts) may appear in a push payload."""
    return classification not in PUSH_CONTENT_FORBIDDEN
