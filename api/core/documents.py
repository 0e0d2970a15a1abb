"""Envelope encryption for SULIT documents: a fresh AES-256-GCM key per document, wrapped by
the master key (kept outside the database), with the master key's id stored beside it.

Files: `encrypt_bytes` returns the ciphertext (for the file store) and a `WrappedKey` (for the
database row). Text fields: `seal_text` returns one self-describing string
"doc1:<key id>:<wrapped key>:<nonce+ciphertext>" for a Text column, `open_text` reverses it.
The purpose (e.g. "paper:<storage key>", "minutes:<meeting id>:v3") is bound as associated
data, so a value copied to another row does not open. Rotating the master key re-wraps only the
small per-document keys (`rewrap`), never the documents themselves.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from typing import Any

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.config import get_settings
from api.core.crypto import CryptoError, open_sealed, seal
from api.core.errors import AppError

TEXT_PREFIX = "doc1"


class WrappedKey(msgspec.Struct, frozen=True):
    wrapped: str  # the document key sealed by the master key ("v1:<nonce>:<ciphertext>")
    key_id: str  # which master key wrapped it


def master_key_id(key: bytes | None = None) -> str:
    """A short public name for a master key (never the key itself)."""
    material = key if key is not None else get_settings().master_key
    return hashlib.sha256(b"hadir-master-key-id:" + material).hexdigest()[:16]


def _master_keys() -> dict[str, bytes]:
    settings = get_settings()
    keys = {master_key_id(settings.master_key): settings.master_key}
    for previous in settings.master_keys_previous:
        keys.setdefault(master_key_id(previous), previous)
    return keys


def _wrap_purpose(purpose: str) -> str:
    return f"document-key:{purpose}"


def wrap_key(document_key: bytes, purpose: str) -> WrappedKey:
    settings = get_settings()
    return WrappedKey(
        wrapped=seal(document_key, _wrap_purpose(purpose), settings.master_key),
        key_id=master_key_id(settings.master_key),
    )


def unwrap_key(wrapped: WrappedKey, purpose: str) -> bytes:
    master = _master_keys().get(wrapped.key_id)
    if master is None:
        raise CryptoError(f"master key {wrapped.key_id} is not configured")
    return open_sealed(wrapped.wrapped, _wrap_purpose(purpose), master)


def rewrap(wrapped: WrappedKey, purpose: str) -> WrappedKey:
    """The same document key wrapped by the current master key (for master-key rotation)."""
    if wrapped.key_id == master_key_id():
        return wrapped
    return wrap_key(unwrap_key(wrapped, purpose), purpose)


def encrypt_bytes(plaintext: bytes, purpose: str) -> tuple[bytes, WrappedKey]:
    document_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    ciphertext = nonce + AESGCM(document_key).encrypt(nonce, plaintext, purpose.encode())
    return ciphertext, wrap_key(document_key, purpose)


def decrypt_bytes(ciphertext: bytes, wrapped: WrappedKey, purpose: str) -> bytes:
    document_key = unwrap_key(wrapped, purpose)
    try:
        return AESGCM(document_key).decrypt(ciphertext[:12], ciphertext[12:], purpose.encode())
    except (InvalidTag, ValueError) as error:
        raise CryptoError("document cannot be decrypted (wrong key, purpose or damaged)") from error


class DocumentDamaged(AppError):
    """A stored document that no longer opens (changed, cut, or sealed under a key that is
    gone): the user gets a clear message instead of an internal error."""

    status_code = 409
    code = "document_damaged"


def seal_file(plaintext: bytes, bound_to: str, key_purpose: str) -> tuple[bytes, str]:
    """A file under a key of its own (AES-256-GCM, `bound_to` as associated data, e.g. its
    storage key), and that key as sealed text (`seal_text` with `key_purpose`) for a Text
    column, which master-key rotation re-wraps like any sealed text."""
    file_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    stored = nonce + AESGCM(file_key).encrypt(nonce, plaintext, bound_to.encode())
    return stored, seal_text(base64.urlsafe_b64encode(file_key).decode(), key_purpose)


def open_file(stored: bytes, sealed_key: str, bound_to: str, key_purpose: str) -> bytes:
    """The plaintext of a `seal_file` file; `DocumentDamaged` if it does not open."""
    try:
        file_key = base64.urlsafe_b64decode(open_text(sealed_key, key_purpose))
        return AESGCM(file_key).decrypt(stored[:12], stored[12:], bound_to.encode())
    except (CryptoError, InvalidTag, ValueError) as error:
        raise DocumentDamaged() from error


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_sealed_text(value: str) -> bool:
    return value.startswith(TEXT_PREFIX + ":")


def seal_text(plaintext: str, purpose: str) -> str:
    ciphertext, key = encrypt_bytes(plaintext.encode(), purpose)
    return ":".join((TEXT_PREFIX, key.key_id, key.wrapped, _b64(ciphertext)))


def _parse_text(value: str) -> tuple[WrappedKey, bytes]:
    # The wrapped key itself is "v1:<nonce>:<ciphertext>", so split from both ends.
    try:
        prefix, key_id, rest = value.split(":", 2)
        wrapped, body = rest.rsplit(":", 1)
    except ValueError as error:
        raise CryptoError("not a sealed document text") from error
    if prefix != TEXT_PREFIX:
        raise CryptoError(f"unknown sealed text format {prefix!r}")
    return WrappedKey(wrapped=wrapped, key_id=key_id), _unb64(body)


def open_text(value: str, purpose: str) -> str:
    key, ciphertext = _parse_text(value)
    return decrypt_bytes(ciphertext, key, purpose).decode()


def rewrap_text(value: str, purpose: str) -> str:
    """`value` with its document key re-wrapped by the current master key."""
    key, ciphertext = _parse_text(value)
    new_key = rewrap(key, purpose)
    return ":".join((TEXT_PREFIX, new_key.key_id, new_key.wrapped, _b64(ciphertext)))


# ------------------------------------------------------------------ sealed text columns
# Every Text column that holds "doc1:" envelopes is registered here (by the module that owns
# the table, at import), so that `python -m api rotate-master-key` re-wraps its document keys.
# `purpose` receives the row (all its columns) and returns the purpose the value was sealed
# with, e.g. lambda row: f"minutes:{row['meeting']}:v{row['version']}".

PurposeFn = Callable[[dict[str, Any]], str]


class SealedTextColumn(msgspec.Struct, frozen=True):
    table: Any  # a Piccolo Table class
    column: str
    purpose: PurposeFn


_SEALED_TEXT_COLUMNS: dict[tuple[str, str], SealedTextColumn] = {}


def register_sealed_text_column(table: Any, column: str, purpose_fn: PurposeFn) -> None:
    """Declares that `table.column` may hold sealed text (doc1:…) for master-key rotation."""
    if column not in {c._meta.name for c in table._meta.columns}:
        raise ValueError(f"{table.__name__} has no column {column!r}")
    key = (table._meta.tablename, column)
    _SEALED_TEXT_COLUMNS[key] = SealedTextColumn(table=table, column=column, purpose=purpose_fn)


def sealed_text_columns() -> list[SealedTextColumn]:
    return list(_SEALED_TEXT_COLUMNS.values())


def text_key_id(value: str) -> str | None:
    """The master key id a sealed text was wrapped with (None when it is not sealed)."""
    if not is_sealed_text(value):
        return None
    return value.split(":", 2)[1]
