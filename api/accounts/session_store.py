"""A Litestar `Store` kept in the database, so several processes share sessions without Redis.

With REDIS_URL set, Hadir uses Litestar's RedisStore instead (see `api.app`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
from litestar.stores.base import Store

from api.accounts.authz import SESSION_USER
from api.accounts.tables import HttpSession
from api.db import write_transaction


def session_owner(data: bytes) -> int | None:
    """The signed-in user of a session's data (Litestar stores sessions as JSON)."""
    try:
        decoded = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return None
    owner = decoded.get(SESSION_USER) if isinstance(decoded, dict) else None
    return owner if isinstance(owner, int) else None


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return datetime.now(UTC) + timedelta(seconds=seconds)


class DatabaseStore(Store):
    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = _expiry(expires_in)
        user_id = session_owner(data)
        async with write_transaction():
            updated = (
                await HttpSession.update(
                    {
                        HttpSession.data: data,
                        HttpSession.expires_at: expires_at,
                        HttpSession.user_id: user_id,
                    }
                )
                .where(HttpSession.key == key)
                .returning(HttpSession.id)
            )
            if not updated:
                await HttpSession.insert(
                    HttpSession(key=key, data=data, expires_at=expires_at, user_id=user_id)
                )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = (
            await HttpSession.select(HttpSession.data, HttpSession.expires_at)
            .where(HttpSession.key == key)
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= datetime.now(UTC):
            await HttpSession.delete().where(HttpSession.key == key)
            return None
        if renew_for is not None:
            await HttpSession.update({HttpSession.expires_at: _expiry(renew_for)}).where(
                HttpSession.key == key
            )
        return bytes(row["data"])

    async def delete(self, key: str) -> None:
        await HttpSession.delete().where(HttpSession.key == key)

    async def delete_all(self) -> None:
        await HttpSession.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await HttpSession.select(HttpSession.expires_at).where(HttpSession.key == key).first()
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
