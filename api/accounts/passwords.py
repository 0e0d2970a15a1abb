"""Password hashing (argon2id, OWASP parameters) off the event loop."""

from __future__ import annotations

import functools
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


# Common passwords (NIST SP 800-63B blocklist): the 5,000 most frequent from zxcvbn's list of
# leaked passwords, plus words and patterns common in Malaysia.
_COMMON_TOP = 5000
_LOCAL_WORDS = (
    "katalaluan",
    "kata laluan",
    "rahsia",
    "sayang",
    "sayangku",
    "cintaku",
    "malaysia",
    "putrajaya",
    "kualalumpur",
    "selangor",
    "johor",
    "kelantan",
    "terengganu",
    "sarawak",
    "sabah",
    "kedah",
    "perak",
    "pahang",
    "melaka",
    "penang",
    "merdeka",
    "jabatan",
    "kerajaan",
    "pejabat",
    "kementerian",
    "pegawai",
    "penyelia",
    "pengarah",
    "hadir",
    "assalamualaikum",
    "bismillah",
    "alhamdulillah",
    "insyaallah",
    "allahuakbar",
    "mampu",
    "spotme",
    "mygovuc",
    "1malaysia",
    "malaysiaboleh",
    "harimau",
    "abc12345",
)


@functools.cache
def _blocklist() -> frozenset[str]:
    # zxcvbn's word lists are megabytes: loaded on the first password check, not at start.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = FREQUENCY_LISTS["passwords"][:_COMMON_TOP]
    local: set[str] = set()
    for word in _LOCAL_WORDS:
        for suffix in ("", "1", "12", "123", "1234", "12345", "!", "@123", "2025", "2026"):
            local.add(f"{word}{suffix}")
    return frozenset(w.lower() for w in common) | frozenset(local)


def is_common_password(password: str) -> bool:
    """True for a password on the blocklist (case-insensitive, spaces ignored)."""
    lowered = password.lower()
    return lowered in _blocklist() or lowered.replace(" ", "") in _blocklist()
