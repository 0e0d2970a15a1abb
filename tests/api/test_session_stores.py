"""Both session stores (database and Redis) list and end a person's sessions the same way, and
neither keeps the key the browser holds (only its hash)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from redis.asyncio import Redis

from api.accounts.redis_session_store import RedisSessionStore
from api.accounts.session_store import DatabaseStore, SessionDirectory, stored_session_key
from api.accounts.tables import HttpSession
from tests.fixtures import ApiClient, Org

# Database 14: another test uses 15.
REDIS_URL = "redis://127.0.0.1:6379/14"


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
    assert {e.key for e in await store.sessions_of(1)} == {
        stored_session_key("k-a1"),
        stored_session_key("k-a2"),
    }
    assert await store.end_sessions_of(1, keep_key="k-a1") == 1
    assert await store.get("k-a2") is None
    assert await store.get("k-a1") is not None
    assert {e.key for e in await store.sessions_of(2)} == {stored_session_key("k-b1")}
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


async def _stored_keys(store: SessionDirectory) -> set[str]:
    if isinstance(store, RedisSessionStore):
        prefix = f"{store.namespace}:"
        return {
            k.decode().removeprefix(prefix) async for k in store._client.scan_iter(f"{prefix}*")
        }
    return {r["key"] for r in await HttpSession.select(HttpSession.key)}


async def test_the_store_keeps_a_hash_of_the_key_not_the_key(store: SessionDirectory) -> None:
    cookie = "9f" * 32  # what Litestar puts in the cookie: 32 random bytes in hex
    await store.set(cookie, _data(5), expires_in=600)
    kept = await _stored_keys(store)
    assert stored_session_key(cookie) in kept
    assert not any(cookie in key for key in kept), "the cookie's value is not stored"
    entry = (await store.sessions_of(5))[0]
    assert entry.key != cookie and cookie not in entry.id
    assert entry.is_for(cookie)


async def test_a_stolen_stored_key_does_not_work_as_a_cookie(store: SessionDirectory) -> None:
    cookie = "a1" * 32
    await store.set(cookie, _data(6), expires_in=600)
    stolen = (await store.sessions_of(6))[0].key
    assert await store.get(stolen) is None
    assert not await store.exists(stolen)
    assert await store.get(cookie) is not None


async def test_a_stolen_session_row_does_not_sign_anyone_in(
    client: ApiClient, client_factory: Any, org: Org
) -> None:
    await client.sign_in(org.login["officer_a"])
    cookie = client.cookies.get("__Host-hadir_session")
    rows = await HttpSession.select(HttpSession.key).where(HttpSession.user_id.is_not_null())
    assert [r["key"] for r in rows] == [stored_session_key(cookie or "")]
    thief = await client_factory()
    thief.cookies.set("__Host-hadir_session", rows[0]["key"])
    assert (await thief.get("/api/auth/me")).status_code == 401
    assert (await client.get("/api/auth/me")).status_code == 200
