"""Backup encryption in chunks (api/ops/backup_crypto.py): any size round-trips, and a chunk
cut off, moved, changed or opened for another file is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.ops.backup_crypto import (
    CHUNK_BYTES,
    MAGIC,
    PREFIX_BYTES,
    TAG_BYTES,
    BackupDecryptError,
    decrypt_file,
    encrypt_file,
)

KEY = AESGCM.generate_key(bit_length=256)
HEADER = len(MAGIC) + PREFIX_BYTES


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 5]
)
def test_any_size_round_trips(tmp_path: Path, size: int) -> None:
    plain, sealed, opened = tmp_path / "p", tmp_path / "s", tmp_path / "o"
    data = os.urandom(size)
    plain.write_bytes(data)
    encrypt_file(plain, sealed, KEY, "backup-data")
    if size >= 32:  # a short run of random bytes may well occur in the ciphertext by chance
        assert data[:32] not in sealed.read_bytes()
    decrypt_file(sealed, opened, KEY, "backup-data")
    assert opened.read_bytes() == data


def _sealed(tmp_path: Path, chunks: float = 2.5) -> bytes:
    plain, sealed = tmp_path / "p", tmp_path / "s"
    plain.write_bytes(os.urandom(int(CHUNK_BYTES * chunks)))
    encrypt_file(plain, sealed, KEY, "backup-data")
    return sealed.read_bytes()


def _refused(tmp_path: Path, content: bytes, purpose: str = "backup-data") -> None:
    forged = tmp_path / "forged"
    forged.write_bytes(content)
    with pytest.raises(BackupDecryptError):
        decrypt_file(forged, tmp_path / "out", KEY, purpose)


def test_a_cut_off_end_is_refused(tmp_path: Path) -> None:
    content = _sealed(tmp_path)
    _refused(tmp_path, content[: HEADER + 2 * (CHUNK_BYTES + TAG_BYTES)])


def test_swapped_chunks_are_refused(tmp_path: Path) -> None:
    content = _sealed(tmp_path, 3)
    block = CHUNK_BYTES + TAG_BYTES
    first, second = content[HEADER : HEADER + block], content[HEADER + block : HEADER + 2 * block]
    _refused(tmp_path, content[:HEADER] + second + first + content[HEADER + 2 * block :])


def test_a_changed_byte_or_another_purpose_is_refused(tmp_path: Path) -> None:
    content = bytearray(_sealed(tmp_path, 1.5))
    _refused(tmp_path, bytes(content), purpose="backup-file:x")
    content[HEADER + 10] ^= 1
    _refused(tmp_path, bytes(content))
