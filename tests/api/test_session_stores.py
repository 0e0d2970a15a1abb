"""Both session stores (database and Redis) list and end a person's sessions the same way."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import msgspec
import pytest
from redis.asyncio import Redis

from api.accounts.session_store import DatabaseStore, RedisSessionStore, SessionDirectory

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["database", "redis"])
async def store(request: pytest.FixtureRequest, db: None) -> AsyncIterator[SessionDirectory]:
    if request.param == "database":
        yield DatabaseStore()
        return
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    namespace = f"hadir-test-{uuid.uuid4().hex[:8]}"
    yield RedisSessionStore(client, namespace=namespace)
    keys = [k async for k in client.scan_iter(f"{namespace}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def _data(user_id: int | None) -> bytes:
    return msgspec.json.encode({"uid": user_id, "created": 1.0} if user_id else {"x": 1})


async def test_sessions_are_listed_per_person_and_ended(store: SessionDirectory) -> None:
    await store.set("k-a1", _data(1), expires_in=600)
    await store.set("k-a2", _data(1), expires_in=600)
    await store.set("k-b1", _data(2), expires_in=600)
    await store.set("k-anon", _data(None), expires_in=600)
    assert {e.key for e in await store.sessions_of(1)} == {"k-a1", "k-a2"}
    assert await store.end_sessions_of(1, keep_key="k-a1") == 1
    assert await store.get("k-a2") is None
    assert await store.get("k-a1") is not None
    assert {e.key for e in await store.sessions_of(2)} == {"k-b1"}
    one = (await store.sessions_of(1))[0]
    assert await store.end_sessions_of(1, only_id=one.id) == 1
    assert await store.sessions_of(1) == []
    assert await store.get("k-anon") is not None


async def test_expired_sessions_are_gone(store: SessionDirectory) -> None:
    await store.set("k-old", _data(3), expires_in=1)
    import asyncio

    await asyncio.sleep(1.2)
    assert await store.get("k-old") is None
    assert await store.sessions_of(3) == []
