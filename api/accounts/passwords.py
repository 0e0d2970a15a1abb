"""Password hashing (argon2id, OWASP parameters) off the event loop."""

from __future__ import annotations

import secrets
import string

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP / ASVS: argon2id with at least 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Verified against when an account has no usable password, so that the time taken does not
# tell an attacker whether the login ID exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify)


def generate_temporary_password(length: int = 14) -> str:
    """Random, readable (no 0/O or 1/l/I look-alikes), from the OS CSPRNG."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0Oo1lI")
    return "".join(secrets.choice(alphabet) for _ in range(length))
