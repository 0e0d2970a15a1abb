"""Sessions in Redis (REDIS_URL): Litestar's RedisStore plus a set of session keys per person.

A module of its own so that the embedded default, which has no Redis client installed, never
imports it (`api.accounts.session_store` imports it only when REDIS_URL is set).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from api.accounts.session_store import (
    SessionDirectory,
    SessionEntry,
    _seconds,
    session_entry_id,
    session_owner,
    stored_session_key,
)


class RedisSessionStore(RedisStore, SessionDirectory):
    """Litestar's RedisStore plus a set of session keys per person."""

    def __init__(self, redis: Redis, namespace: str = "hadir:sessions") -> None:
        super().__init__(redis=redis, namespace=namespace, handle_client_shutdown=False)
        self._client = redis
        self._index_prefix = f"{namespace}:by-user:"

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        stored = stored_session_key(key)
        await super().set(stored, value, expires_in)
        data = value.encode() if isinstance(value, str) else value
        owner = session_owner(data)
        if owner is not None:
            index = f"{self._index_prefix}{owner}"
            await self._client.sadd(index, stored)
            seconds = _seconds(expires_in)
            if seconds is not None:
                # The index lives as long as the longest session in it might.
                await self._client.expire(index, int(seconds), gt=True)
                await self._client.expire(index, int(seconds), nx=True)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await super().get(stored_session_key(key), renew_for)

    async def delete(self, key: str) -> None:
        await super().delete(stored_session_key(key))

    async def _delete_stored(self, stored_key: str) -> None:
        await super().delete(stored_key)

    async def exists(self, key: str) -> bool:
        return await super().exists(stored_session_key(key))

    async def expires_in(self, key: str) -> int | None:
        return await super().expires_in(stored_session_key(key))

    async def sessions_of(self, user_id: int) -> list[SessionEntry]:
        index = f"{self._index_prefix}{user_id}"
        entries = []
        for raw in await self._client.smembers(index):
            key = raw.decode() if isinstance(raw, bytes) else str(raw)
            data = await super().get(key)
            if data is None or session_owner(data) != user_id:
                await self._client.srem(index, key)
                continue
            remaining = await super().expires_in(key)
            expires_at = (
                datetime.now(UTC) + timedelta(seconds=remaining) if remaining is not None else None
            )
            entries.append(SessionEntry(session_entry_id(key), key, data, expires_at))
        return entries

    @classmethod
    def from_url(cls, url: str) -> RedisSessionStore:
        return cls(Redis.from_url(url))
