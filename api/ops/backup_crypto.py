"""Encryption of backup files (BACKUP_ENCRYPT=true): AES-256-GCM in 1 MiB chunks, so a
database dump of any size is encrypted and decrypted with constant memory.

Each backup has a fresh key, wrapped by the master key like a SULIT document's
(api.core.documents: the wrapped key and the master key's id go into the signed manifest), so
the key that opens a backup is never in it. A file is `MAGIC + 8-byte nonce prefix`, then
each chunk sealed with the nonce `prefix + chunk number`; the associated data binds the file's
purpose, the chunk number and whether it is the last chunk, so chunks cannot be reordered,
moved to another file, or cut off at the end.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"HADIRBK1"
CHUNK_BYTES = 1 << 20
TAG_BYTES = 16
PREFIX_BYTES = 8


class BackupDecryptError(Exception):
    pass


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _aad(purpose: str, index: int, final: bool) -> bytes:
    return f"{purpose}|{index}|{'final' if final else 'more'}".encode()


def encrypt_file(source: Path, target: Path, key: bytes, purpose: str) -> None:
    aead = AESGCM(key)
    prefix = os.urandom(PREFIX_BYTES)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as plain, os.fdopen(fd, "wb") as sealed:
        sealed.write(MAGIC + prefix)
        index = 0
        chunk = plain.read(CHUNK_BYTES)
        while True:
            following = plain.read(CHUNK_BYTES)
            final = not following
            sealed.write(aead.encrypt(_nonce(prefix, index), chunk, _aad(purpose, index, final)))
            if final:
                return
            chunk, index = following, index + 1


def decrypt_file(source: Path, target: Path, key: bytes, purpose: str) -> None:
    aead = AESGCM(key)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with source.open("rb") as sealed, os.fdopen(fd, "wb") as plain:
        header = sealed.read(len(MAGIC) + PREFIX_BYTES)
        if len(header) != len(MAGIC) + PREFIX_BYTES or not header.startswith(MAGIC):
            raise BackupDecryptError(f"{source.name} is not an encrypted backup file")
        prefix = header[len(MAGIC) :]
        index = 0
        block = sealed.read(CHUNK_BYTES + TAG_BYTES)
        while True:
            following = sealed.read(CHUNK_BYTES + TAG_BYTES)
            final = not following
            try:
                plain.write(aead.decrypt(_nonce(prefix, index), block, _aad(purpose, index, final)))
            except InvalidTag:
                raise BackupDecryptError(
                    f"{source.name} cannot be decrypted (changed, cut, or another key)"
                ) from None
            if final:
                return
            block, index = following, index + 1
