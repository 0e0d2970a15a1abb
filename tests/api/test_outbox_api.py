"""The notification HTTP API: push subscriptions end to end, preferences, one-click unsubscribe."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from litestar import Litestar

from api.outbox import unsubscribe
from api.outbox.tables import NotificationPreference, PushSubscriptionRecord
from notifications.kinds import Kind
from tests.fixtures import ApiClient, Org
from tests.notifications.notif_helpers import FakePushService, SmtpSink
from tests.support.outbox import (
    add_subscription,
    enqueue_approval,
    make_dispatcher,
    outbox_settings,
    push_service,
    rows,
    smtp_server,
    subscription_body,
)

# Fixtures, used by name as test parameters.
__all__ = ["make_dispatcher", "outbox_settings", "push_service", "smtp_server"]


async def test_subscribe_over_http_then_a_push_arrives(
    client_factory: Any, org: Org, push_service: FakePushService, make_dispatcher: Any
) -> None:
    officer = org.users["officer_a"]
    phone = await client_factory()
    await phone.sign_in(org.login["officer_a"])
    key = (await phone.get("/api/push/public-key")).json()["publicKey"]
    assert key == push_service.app_server_key

    body = subscription_body(push_service, "phone")
    created = await phone.post("/api/push/subscriptions", json=body)
    assert created.status_code == 201, created.text
    again = await phone.post("/api/push/subscriptions", json=body)  # the PWA refreshes it
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    listed = (await phone.get("/api/push/subscriptions")).json()
    assert [s["endpoint"] for s in listed] == [body["endpoint"]]

    await enqueue_approval(officer, 1)
    await (await make_dispatcher()).run_until_idle()
    assert [r.json["url"] for r in push_service.received] == ["/#/kehadiran/1"]
    listed = (await phone.get("/api/push/subscriptions")).json()
    assert listed[0]["lastSuccessAt"] is not None

    gone = await phone.delete("/api/push/subscriptions", params={"endpoint": body["endpoint"]})
    assert gone.status_code == 204
    assert await enqueue_approval(officer, 2) == []  # no device left to push to


async def test_an_endpoint_belongs_to_one_person_only(
    client_factory: Any, org: Org, push_service: FakePushService
) -> None:
    """A shared office PC: the next person who signs in and subscribes takes the endpoint."""
    first, second = await client_factory(), await client_factory()
    await first.sign_in(org.login["officer_a"])
    await second.sign_in(org.login["exec_a"])
    body = subscription_body(push_service, "shared-pc")
    assert (await first.post("/api/push/subscriptions", json=body)).status_code == 201
    assert (await second.post("/api/push/subscriptions", json=body)).status_code == 200
    owners = await PushSubscriptionRecord.select(PushSubscriptionRecord.user)
    assert owners == [{"user": org.users["exec_a"]}]
    assert (await first.get("/api/push/subscriptions")).json() == []
    # and nobody can delete someone else's device
    refused = await first.delete("/api/push/subscriptions", params={"endpoint": body["endpoint"]})
    assert refused.status_code == 404
    assert await PushSubscriptionRecord.count() == 1


async def test_a_renewed_subscription_replaces_the_old_endpoint_of_its_owner_only(
    client_factory: Any, org: Org, push_service: FakePushService
) -> None:
    """The service worker's `pushsubscriptionchange`: new endpoint in, old one out."""
    phone, other = await client_factory(), await client_factory()
    await phone.sign_in(org.login["officer_a"])
    await other.sign_in(org.login["exec_a"])
    old = subscription_body(push_service, "phone-old")
    others = subscription_body(push_service, "exec-phone")
    assert (await phone.post("/api/push/subscriptions", json=old)).status_code == 201
    assert (await other.post("/api/push/subscriptions", json=others)).status_code == 201

    renewed = {**subscription_body(push_service, "phone-new"), "replacesEndpoint": old["endpoint"]}
    assert (await phone.post("/api/push/subscriptions", json=renewed)).status_code == 201
    mine = [s["endpoint"] for s in (await phone.get("/api/push/subscriptions")).json()]
    assert mine == [renewed["endpoint"]]

    # Naming someone else's endpoint removes nothing of theirs.
    sneaky = {**subscription_body(push_service, "phone-3"), "replacesEndpoint": others["endpoint"]}
    assert (await phone.post("/api/push/subscriptions", json=sneaky)).status_code == 201
    theirs = [s["endpoint"] for s in (await other.get("/api/push/subscriptions")).json()]
    assert theirs == [others["endpoint"]]


async def test_subscriptions_are_checked(
    client: ApiClient, org: Org, push_service: FakePushService
) -> None:
    await client.sign_in(org.login["officer_a"])
    body = subscription_body(push_service, "phone")
    for endpoint in ("https://evil.example/push/1", "http://10.0.0.1/internal"):
        refused = await client.post("/api/push/subscriptions", json={**body, "endpoint": endpoint})
        assert refused.status_code == 422
        assert refused.json()["code"] == "push_subscription_invalid"
    bad_key = {**body, "keys": {**body["keys"], "p256dh": "A" * 87}}
    assert (await client.post("/api/push/subscriptions", json=bad_key)).status_code == 422
    assert await PushSubscriptionRecord.count() == 0


async def test_push_routes_need_a_sign_in_except_the_public_key(
    client: ApiClient, org: Org, outbox_settings: Any
) -> None:
    assert (await client.get("/api/push/public-key")).status_code == 200
    assert (await client.get("/api/push/subscriptions")).status_code == 401
    assert (await client.get("/api/notifications/preferences")).status_code == 401


async def test_preferences_refuse_switching_off_an_essential_kind(
    client: ApiClient, org: Org
) -> None:
    await client.sign_in(org.login["officer_a"])
    current = (await client.get("/api/notifications/preferences")).json()
    invitation = next(k for k in current["kinds"] if k["kind"] == "meeting_invitation")
    assert invitation["essential"] and invitation["push"] and invitation["email"]

    refused = await client.put(
        "/api/notifications/preferences",
        json={"kinds": [{"kind": "meeting_invitation", "push": True, "email": False}]},
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "notification_essential"
    assert problem["errors"][0]["field"] == "kinds[0].email"
    assert problem["detail"] == (
        "Pemberitahuan 'Jemputan mesyuarat' adalah penting dan tidak boleh dimatikan."
    )

    unavailable = await client.put(
        "/api/notifications/preferences",
        json={"kinds": [{"kind": "password_reset", "push": True, "email": True}]},
    )
    assert unavailable.status_code == 422
    assert unavailable.json()["code"] == "notification_channel_unavailable"
    assert await NotificationPreference.count() == 0


async def test_a_switched_off_channel_gets_no_row(
    client: ApiClient, org: Org, push_service: FakePushService
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await client.sign_in(org.login["officer_a"])
    saved = await client.put(
        "/api/notifications/preferences",
        json={
            "kinds": [{"kind": "checkin_approved", "push": False, "email": True}],
            "quietHours": {"start": "22:00", "end": "07:00"},
        },
    )
    assert saved.status_code == 200, saved.text
    approved = next(k for k in saved.json()["kinds"] if k["kind"] == "checkin_approved")
    assert approved == {**approved, "push": False, "email": True}
    assert saved.json()["quietHours"] == {"start": "22:00", "end": "07:00"}

    await enqueue_approval(officer, 1)
    assert [r["channel"] for r in await rows()] == ["email"]


async def test_the_digest_is_refused_to_people_without_reports_or_committees(
    client: ApiClient, org: Org
) -> None:
    await client.sign_in(org.login["officer_a"])
    assert not (await client.get("/api/notifications/preferences")).json()["digestAvailable"]
    refused = await client.put("/api/notifications/preferences", json={"digest": True})
    assert refused.status_code == 422 and refused.json()["code"] == "digest_not_available"


def _bare_client(app: Litestar) -> httpx.AsyncClient:
    """A mail provider's one-click POST: no cookies, no CSRF token, no session."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver.local"
    )


async def test_the_unsubscribe_link_works_without_sign_in(
    app: Litestar,
    org: Org,
    push_service: FakePushService,
    smtp_server: SmtpSink,
    make_dispatcher: Any,
) -> None:
    officer = org.users["officer_a"]
    await add_subscription(push_service, officer, "phone")
    await NotificationPreference.insert(
        NotificationPreference(user=officer, kind="checkin_approved", push=True, email=True)
    )
    await enqueue_approval(officer, 1)
    await (await make_dispatcher(smtp_port=smtp_server.port)).run_until_idle()
    [(_, mail)] = smtp_server.messages
    link = str(mail["List-Unsubscribe"]).replace("\n", "").replace(" ", "").strip("<>")
    target = urlsplit(link)
    path = f"{target.path}?{target.query}"

    async with _bare_client(app) as provider:
        page = await provider.get(path)  # a person clicking the footer link is asked first
        assert page.status_code == 200 and "<form" in page.text
        assert (
            await NotificationPreference.count().where(NotificationPreference.email.eq(False)) == 0
        )
        done = await provider.post(
            path,
            content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert done.status_code == 200, done.text
        assert "Daftar masuk diluluskan" in done.text

        stored = await NotificationPreference.select().where(NotificationPreference.user == officer)
        assert [(p["kind"], p["push"], p["email"]) for p in stored] == [
            ("checkin_approved", True, False)
        ]
        await enqueue_approval(officer, 2)
        assert [r["channel"] for r in await rows(event_key="checkin-decision:2")] == ["push"]

        token = target.query.removeprefix("token=")
        user_part, kind_part, mac = token.split(".")
        for forged in (
            f"{org.users['officer_b']}.{kind_part}.{mac}",  # someone else
            f"{user_part}.minutes_for_review.{mac}",  # another kind
            f"{user_part}.{kind_part}.{mac[:-2]}AA",  # altered signature
            f"{user_part}.meeting_invitation.{mac}",  # essential
            "garbage",
        ):
            refused = await provider.post(f"/api/notifications/unsubscribe?token={forged}")
            assert refused.status_code == 400, forged
            assert refused.json()["code"] == "unsubscribe_token_invalid"
    assert len(await NotificationPreference.select()) == 1


async def test_unsubscribe_tokens_are_signed_per_person_and_kind(
    org: Org, outbox_settings: Any
) -> None:
    a = unsubscribe.unsubscribe_token(1, Kind.CHECKIN_APPROVED)
    assert unsubscribe.read_unsubscribe_token(a) == (1, Kind.CHECKIN_APPROVED)
    assert a != unsubscribe.unsubscribe_token(2, Kind.CHECKIN_APPROVED)
    assert a != unsubscribe.unsubscribe_token(1, Kind.CHECKIN_REJECTED)
