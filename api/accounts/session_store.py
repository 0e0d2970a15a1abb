"""Where sessions are kept: the database by default, Redis when REDIS_URL is set.

Both stores are Litestar `Store`s (the session middleware reads and writes them) and also a
directory of each person's sessions, so people can list and end their own sessions and an
administrator's freeze ends them everywhere, on one process or many:

- `DatabaseStore` keeps the owner in a column of `http_session`;
- `RedisSessionStore` keeps a set of session keys per person next to the sessions.

Neither keeps the key the browser holds: every store method hashes the key it is given
(`stored_session_key`, SHA-256 of the 256-bit random key), so a copy of the database, a backup
or a Redis dump yields no key that works as a cookie.

`session_store()` gives the process's store for the current settings.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache

import msgspec
from litestar.stores.base import Store

from api.accounts.authz import SESSION_USER
from api.accounts.tables import HttpSession
from api.config import get_settings
from api.core import raw_sql

_UPSERT_SQL = (
    "INSERT INTO http_session (key, data, expires_at, user_id) VALUES ({}, {}, {}, {})"
    " ON CONFLICT (key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at,"
    " user_id = excluded.user_id"
)


# The owner's security stamp read with the session (`DatabaseStore.get`): (user id, stamp).
# Taken at once by the session middleware (`sessions.RotatingSessionBackend`) into the
# request's state, where `authz.session_principal` finds it instead of reading it again.
_stamp_read: ContextVar[tuple[int, int] | None] = ContextVar("stamp_read", default=None)


def take_stamp_read() -> tuple[int, int] | None:
    """The (user id, security stamp) the last `get` in this context read, once."""
    read = _stamp_read.get()
    _stamp_read.set(None)
    return read


_SESSION_SQL = (
    "SELECT s.data, s.expires_at, s.user_id, c.security_stamp FROM http_session s"
    ' LEFT JOIN credential c ON c."user" = s.user_id WHERE s.key = {}'
)


class SessionEntry(msgspec.Struct, frozen=True):
    id: str  # opaque, shown to the person: derived from the stored key, never the key itself
    key: str  # the stored key (`stored_session_key` of the cookie's value)
    data: bytes
    expires_at: datetime | None

    def is_for(self, cookie_key: str | None) -> bool:
        return cookie_key is not None and self.key == stored_session_key(cookie_key)


def stored_session_key(key: str) -> str:
    """What the stores keep in place of a session key. The key is 256 random bits, so a plain
    SHA-256 cannot be reversed or guessed; no secret is needed (and none can leak with it)."""
    return hashlib.sha256(b"hadir-session:" + key.encode()).hexdigest()


def session_entry_id(stored_key: str) -> str:
    return hashlib.sha256(stored_key.encode()).hexdigest()[:16]


def session_owner(data: bytes) -> int | None:
    """The signed-in user of a session's data (Litestar stores sessions as JSON)."""
    try:
        decoded = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return None
    owner = decoded.get(SESSION_USER) if isinstance(decoded, dict) else None
    return owner if isinstance(owner, int) else None


def _seconds(expires_in: int | timedelta | None) -> float | None:
    if expires_in is None:
        return None
    return expires_in.total_seconds() if isinstance(expires_in, timedelta) else float(expires_in)


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    seconds = _seconds(expires_in)
    return None if seconds is None else datetime.now(UTC) + timedelta(seconds=seconds)


class SessionDirectory(Store):
    """A store that also knows whose sessions it holds."""

    async def sessions_of(self, user_id: int) -> list[SessionEntry]:
        raise NotImplementedError

    async def _delete_stored(self, stored_key: str) -> None:
        raise NotImplementedError

    async def end_sessions_of(
        self, user_id: int, *, keep_key: str | None = None, only_id: str | None = None
    ) -> int:
        """Deletes the person's sessions (all, all but the one whose cookie is `keep_key`, or
        the one `only_id`)."""
        ended = 0
        for entry in await self.sessions_of(user_id):
            if entry.is_for(keep_key) or (only_id is not None and entry.id != only_id):
                continue
            await self._delete_stored(entry.key)
            ended += 1
        return ended


class DatabaseStore(SessionDirectory):
    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = _expiry(expires_in)
        user_id = session_owner(data)
        key = stored_session_key(key)

        # The first request of the day of every officer renews their session: in the morning
        # rush these writes are as many as the check-ins, so they are grouped the same way
        # (api.core.raw_sql).
        await raw_sql.write(_UPSERT_SQL, key, data, expires_at, user_id)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        key = stored_session_key(key)
        # Raw SQL: this runs on every request (api.core.raw_sql). The owner's security stamp
        # comes with it: one statement instead of two for every signed-in request.
        rows = await raw_sql.fetch(_SESSION_SQL, key)
        if not rows:
            _stamp_read.set(None)
            return None
        row = rows[0]
        owner, stamp = row["user_id"], row["security_stamp"]
        _stamp_read.set(
            (int(owner), int(stamp)) if owner is not None and stamp is not None else None
        )
        expires_at = row["expires_at"]
        if isinstance(expires_at, str):
            expires_at = datetime.fromisoformat(expires_at)
        if expires_at is not None and expires_at <= datetime.now(UTC):
            await HttpSession.delete().where(HttpSession.key == key)
            return None
        if renew_for is not None:
            await HttpSession.update({HttpSession.expires_at: _expiry(renew_for)}).where(
                HttpSession.key == key
            )
        return bytes(row["data"])

    async def delete(self, key: str) -> None:
        await self._delete_stored(stored_session_key(key))

    async def _delete_stored(self, stored_key: str) -> None:
        await HttpSession.delete().where(HttpSession.key == stored_key)

    async def delete_all(self) -> None:
        await HttpSession.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = (
            await HttpSession.select(HttpSession.expires_at)
            .where(HttpSession.key == stored_session_key(key))
            .first()
        )
        if row is None or row["expires_at"] is None:
            return None
        return int((row["expires_at"] - datetime.now(UTC)).total_seconds())

    async def delete_expired(self) -> int:
        deleted = (
            await HttpSession.delete()
            .where(HttpSession.expires_at <= datetime.now(UTC))
            .returning(HttpSession.id)
        )
        return len(deleted)

    async def sessions_of(self, user_id: int) -> list[SessionEntry]:
        rows = await HttpSession.select().where(
            (HttpSession.user_id == user_id) & (HttpSession.expires_at > datetime.now(UTC))
        )
        return [
            SessionEntry(session_entry_id(r["key"]), r["key"], bytes(r["data"]), r["expires_at"])
            for r in rows
        ]


@cache
def _store_for(redis_url: str | None) -> SessionDirectory:
    if redis_url:
        # Imported here: redis is installed only for scaled-out deployments (requirements/).
        from api.accounts.redis_session_store import RedisSessionStore

        return RedisSessionStore.from_url(redis_url)
    return DatabaseStore()


def session_store() -> SessionDirectory:
    """The session store of this process (shared by the middleware and the services)."""
    return _store_for(get_settings().redis_url)
