"""Keyed integrity checks (HMAC-SHA256) for what must not be rewritten unnoticed by someone who
can write the database or a backup: backup manifests and the audit chain.

The key is derived from SECRET_KEY with a label per use, so it lives where SECRET_KEY lives
(the environment, or `var/secret_key` in development): outside the database and outside every
backup. A plain SHA-256 can be recomputed by whoever changed the data; an HMAC cannot without
the key. SECRET_KEY is already the key of recovery codes and passkey user handles, so it is
never rotated lightly; rotating it also makes older manifests and audit events fail their check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from api.config import get_settings


def integrity_key(label: str, secret_key: str | None = None) -> bytes:
    secret = secret_key if secret_key is not None else get_settings().secret_key
    return _derived_key(secret, label)


@lru_cache(maxsize=64)
def _derived_key(secret: str, label: str) -> bytes:
    # Every check-in is MACed (attendance.sealing.row_mac): derive each label's key once.
    return hmac.new(secret.encode(), b"hadir/integrity/" + label.encode(), hashlib.sha256).digest()


def mac_hex(label: str, data: bytes, *, key: bytes | None = None) -> str:
    return hmac.new(key or integrity_key(label), data, hashlib.sha256).hexdigest()


def mac_matches(label: str, data: bytes, given: str, *, key: bytes | None = None) -> bool:
    return hmac.compare_digest(mac_hex(label, data, key=key), given)


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
