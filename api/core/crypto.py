"""Encryption of stored secrets with AES-256-GCM under the master key (kept outside the DB).

`seal(plaintext, purpose)` returns text "v1:<nonce>:<ciphertext>" (base64url); the purpose
(e.g. "totp:42") is bound as associated data, so a sealed value copied into another row or
used for another purpose fails to open. Per-document keys for SULIT content are wrapped the
same way (`wrap_key` / `unwrap_key`).
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


def open_sealed(sealed: str, purpose: str, key: bytes | None = None) -> bytes:
    try:
        version, nonce, ciphertext = sealed.split(":")
        if version != VERSION:
            raise CryptoError(f"unknown sealed format {version!r}")
        return AESGCM(key or get_settings().master_key).decrypt(
            _unb64(nonce), _unb64(ciphertext), purpose.encode()
        )
    except (ValueError, InvalidTag) as error:
        raise CryptoError(
            "sealed value cannot be opened (wrong key, purpose or damaged)"
        ) from error
