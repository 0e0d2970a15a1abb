"""The in-app notification feed: written with the outbox rows (whatever the person's channels),
once per event, in the reader's language, SULIT neutral as in push; read, unread, mark all;
nobody sees or marks another person's items."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.db import write_transaction
from api.org.tables import User
from api.outbox import services
from api.outbox.tables import FeedItem, NotificationPreference
from notifications.kinds import Kind
from tests.fixtures import Org
from tests.support.outbox import enqueue_approval, rows


async def distributed(user_id: int, n: int, classification: str = "TERBUKA") -> None:
    async with write_transaction():
        await services.enqueue(
            Kind.MINUTES_DISTRIBUTED,
            user_id,
            {"meeting_title": f"Mesyuarat Rahsia Projek {n}"},
            event_key=f"minutes:{n}:distributed",
            url=f"/meetings/{n}/minutes",
            classification=classification,
        )


async def signed_in(client_factory: Any, org: Org, who: str) -> Any:
    client = await client_factory()
    await client.sign_in(org.login[who])
    return client


async def test_an_event_reaches_the_feed_without_push_or_e_mail(
    client_factory: Any, org: Org
) -> None:
    officer = org.users["officer_a"]
    # Push is the default channel of an approval and officer_a has no push subscription:
    # the outbox writes nothing, the feed still has it.
    await enqueue_approval(officer, 7)
    await enqueue_approval(officer, 7)  # the same event again: one item
    assert await rows() == []
    client = await signed_in(client_factory, org, "officer_a")
    feed = (await client.get("/api/notifications/feed")).json()
    assert feed["unread"] == 1 and feed["more"] is False
    [item] = feed["items"]
    assert item["title"] == "Daftar masuk diluluskan"
    assert "Puan Aminah" in item["body"]
    assert item["url"] == "/#/kehadiran/7" and item["read"] is False


async def test_switched_off_channels_still_leave_the_event_in_the_feed(
    client_factory: Any, org: Org
) -> None:
    officer = org.users["officer_a"]
    await NotificationPreference.insert(
        NotificationPreference(user=officer, kind="minutes_distributed", push=False, email=False)
    )
    await distributed(officer, 1)
    assert await rows() == []
    client = await signed_in(client_factory, org, "officer_a")
    assert (await client.get("/api/notifications/feed")).json()["unread"] == 1


async def test_sulit_items_read_neutral_and_the_reader_s_language_is_used(
    client_factory: Any, org: Org
) -> None:
    officer = org.users["officer_a"]
    await distributed(officer, 1, classification="SULIT")
    await distributed(officer, 2)
    await User.update({User.language: "en"}).where(User.id == officer)
    client = await signed_in(client_factory, org, "officer_a")
    open_item, sulit = (await client.get("/api/notifications/feed")).json()["items"]
    assert "Rahsia Projek 2" in open_item["body"]
    assert sulit["body"] == "" and "Rahsia" not in sulit["title"]
    assert sulit["title"] == "Minutes distributed"
    stored = await FeedItem.select().where(FeedItem.recipient == officer)
    assert {r["classification"] for r in stored} == {"SULIT", "TERBUKA"}


async def test_a_password_reset_never_enters_the_feed(org: Org) -> None:
    async with write_transaction():
        await services.enqueue(
            Kind.PASSWORD_RESET,
            org.users["officer_a"],
            {"expires_at": datetime.now(UTC)},
            event_key="password-reset:1",
            url="/#/reset/secret-token",
        )
    assert await FeedItem.count() == 0


async def test_read_one_then_all_and_not_another_persons(client_factory: Any, org: Org) -> None:
    officer = org.users["officer_a"]
    for n in range(3):
        await distributed(officer, n)
    await distributed(org.users["exec_a"], 9)
    client = await signed_in(client_factory, org, "officer_a")
    items = (await client.get("/api/notifications/feed")).json()["items"]
    assert [i["read"] for i in items] == [False, False, False]
    assert (await client.post(f"/api/notifications/feed/{items[1]['id']}/read")).status_code == 204
    feed = (await client.get("/api/notifications/feed")).json()
    assert feed["unread"] == 2 and [i["read"] for i in feed["items"]] == [False, True, False]
    assert (await client.get("/api/waiting")).json()["unreadNotifications"] == 2

    other = await FeedItem.select(FeedItem.id).where(FeedItem.recipient == org.users["exec_a"])
    refused = await client.post(f"/api/notifications/feed/{other[0]['id']}/read")
    assert refused.status_code == 404
    marked = await client.post("/api/notifications/feed/read-all")
    assert marked.json() == {"marked": 2}
    assert (await client.get("/api/notifications/feed")).json()["unread"] == 0
    colleague = await signed_in(client_factory, org, "exec_a")
    assert (await colleague.get("/api/notifications/feed")).json()["unread"] == 1


async def test_the_feed_pages_by_id(client_factory: Any, org: Org, monkeypatch: Any) -> None:
    from api.outbox import feed as feed_module

    monkeypatch.setattr(feed_module, "PAGE", 2)
    for n in range(5):
        await distributed(org.users["officer_a"], n)
    client = await signed_in(client_factory, org, "officer_a")
    first = (await client.get("/api/notifications/feed")).json()
    assert first["more"] is True and len(first["items"]) == 2
    second = (
        await client.get("/api/notifications/feed", params={"before": first["items"][-1]["id"]})
    ).json()
    assert [i["id"] for i in second["items"]] == [
        first["items"][-1]["id"] - 1,
        first["items"][-1]["id"] - 2,
    ]
    assert (await client.get("/api/notifications/feed", params={"before": 0})).status_code == 400
