"""Encryption of stored secrets with AES-256-GCM under the master key (kept outside the DB).

`seal(plaintext, purpose)` returns text "v1:<nonce>:<ciphertext>" (base64url); the purpose
(e.g. "totp:42") is bound as associated data, so a sealed value copied into another row or
used for another purpose fails to open. Per-document keys for SULIT content are wrapped the
same way (`wrap_key` / `unwrap_key`).

Master-key rotation: values sealed under a previous key (HADIR_MASTER_KEY_PREVIOUS) still open
(`open_sealed` tries the current key first); `reseal` moves one value to the current key and
`python -m api rotate-master-key` does it for every stored secret.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.config import get_settings

VERSION = "v1"


class CryptoError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(plaintext: bytes, purpose: str, key: bytes | None = None) -> str:
    nonce = os.urandom(12)
    aead = AESGCM(key or get_settings().master_key)
    ciphertext = aead.encrypt(nonce, plaintext, purpose.encode())
    return f"{VERSION}:{_b64(nonce)}:{_b64(ciphertext)}"


def _open_with(sealed: str, purpose: str, key: bytes) -> bytes:
    try:
        version, nonce, ciphertext = sealed.split(":")
        if version != VERSION:
            raise CryptoError(f"unknown sealed format {version!r}")
        return AESGCM(key).decrypt(_unb64(nonce), _unb64(ciphertext), purpose.encode())
    except (ValueError, InvalidTag) as error:
        raise CryptoError(
            "sealed value cannot be opened (wrong key, purpose or damaged)"
        ) from error


def master_keys() -> tuple[bytes, ...]:
    """The current master key first, then the previous ones (HADIR_MASTER_KEY_PREVIOUS)."""
    settings = get_settings()
    previous = tuple(k for k in settings.master_keys_previous if k != settings.master_key)
    return (settings.master_key, *previous)


def open_sealed_any(sealed: str, purpose: str) -> tuple[bytes, bool]:
    """Opens with the current or a previous master key; True when the current one opened it
    (nothing to re-seal). Raises CryptoError when no configured key opens it."""
    error: CryptoError | None = None
    for index, key in enumerate(master_keys()):
        try:
            return _open_with(sealed, purpose, key), index == 0
        except CryptoError as failed:
            error = failed
    assert error is not None
    raise error


def open_sealed(sealed: str, purpose: str, key: bytes | None = None) -> bytes:
    """Opens a sealed value; without an explicit key the current master key is tried first,
    then the previous ones, so a key rotation does not lock anyone out before the re-seal."""
    if key is not None:
        return _open_with(sealed, purpose, key)
    return open_sealed_any(sealed, purpose)[0]


def reseal(sealed: str, purpose: str) -> str | None:
    """`sealed` sealed again under the current master key, or None when it already is."""
    plaintext, current = open_sealed_any(sealed, purpose)
    return None if current else seal(plaintext, purpose)
