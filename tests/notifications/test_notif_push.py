"""Web Push against a real push endpoint on loopback (see notif_helpers.FakePushService)."""

from __future__ import annotations

import asyncio
import json
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from notif_helpers import BrowserKeys, FakePushService, b64u, free_port, verify_vapid

from notifications.common import Classification
from notifications.kinds import Kind, Urgency, item_topic
from notifications.push import (
    ClassifiedPushPayload,
    InvalidSubscription,
    PayloadTooLarge,
    PushMessage,
    PushOutcome,
    PushPayload,
    PushSender,
    PushSubscription,
    VapidKeys,
    check_endpoint,
    classify_status,
    encode_payload,
    load_or_create_vapid_keys,
    make_payload,
    parse_retry_after,
)
from notifications.templates import ParamValue

SUBJECT = "mailto:pentadbir@hadir.gov.my"
MEETING_PARAMS: dict[str, ParamValue] = {
    "meeting_title": "Mesyuarat Jawatankuasa Keselamatan Bil. 2/2026",
    "start": datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
    "location": "Bilik Mesyuarat Utama",
}


def sender(
    keys: VapidKeys,
    *,
    max_connections: int = 100,
    timeout: float = 5.0,
) -> PushSender:
    return PushSender(
        keys,
        SUBJECT,
        allowed_hosts=("127.0.0.1",),
        allow_insecure=True,
        timeout=timeout,
        max_connections=max_connections,
    )


def approvals_message(count: int = 3) -> PushMessage:
    payload = make_payload(
        Kind.PENDING_APPROVALS,
        "ms",
        {"count": count, "checkin_count": count - 1, "issue_count": 1, "slip_count": 0},
        url="/kelulusan",
    )
    return PushMessage.for_kind(payload)


# --------------------------------------------------------------------------- keys


def test_vapid_keys_round_trip_through_pem_and_base64url() -> None:
    keys = VapidKeys.generate()
    from_pem = VapidKeys.load(keys.private_pem())
    from_raw = VapidKeys.load(keys.private_base64url())
    assert from_pem.public_key_base64url == keys.public_key_base64url
    assert from_raw.public_key_base64url == keys.public_key_base64url
    assert len(keys.private_base64url()) == 43
    public = keys.public_key_bytes
    assert len(public) == 65 and public[0] == 4
    assert b64u(public) == keys.public_key_base64url  # no padding, URL-safe
    with pytest.raises(ValueError):
        VapidKeys.from_base64url(b64u(b"short"))


def test_load_or_create_writes_once_with_private_mode(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "vapid.pem"
    first = load_or_create_vapid_keys(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_vapid_keys(path)
    assert again.public_key_base64url == first.public_key_base64url
    other = VapidKeys.generate()
    from_env = load_or_create_vapid_keys(path, env_value=other.private_base64url())
    assert from_env.public_key_base64url == other.public_key_base64url
    assert [p.name for p in path.parent.iterdir()] == ["vapid.pem"]  # no temp file left


# --------------------------------------------------------------------------- subscriptions


def test_subscription_key_validation() -> None:
    good = BrowserKeys.generate()
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    PushSubscription(endpoint, good.p256dh, b64u(good.auth))
    with pytest.raises(InvalidSubscription):
        PushSubscription(endpoint, good.p256dh, b64u(b"x" * 8))  # auth must be 16 bytes
    with pytest.raises(InvalidSubscription):
        PushSubscription(endpoint, b64u(b"\x04" + b"\x01" * 64), b64u(good.auth))  # off-curve
    with pytest.raises(InvalidSubscription):
        PushSubscription.from_json({"endpoint": endpoint})
    sub = PushSubscription.from_json(
        {"endpoint": endpoint, "keys": {"p256dh": good.p256dh, "auth": b64u(good.auth)}}
    )
    assert sub.origin == "https://fcm.googleapis.com"


@pytest.mark.parametrize(
    ("endpoint", "ok"),
    [
        ("https://fcm.googleapis.com/fcm/send/x", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/x", True),
        ("https://web.push.apple.com/QO", True),
        ("https://wns2-sg2p.notify.windows.com/w/?token=x", True),
        ("http://fcm.googleapis.com/fcm/send/x", False),  # not https
        ("https://169.254.169.254/latest/meta-data", False),  # SSRF target
        ("https://evilfcm.googleapis.com.attacker.example/x", False),
        ("https://user:pw@fcm.googleapis.com/x", False),
    ],
)
def test_check_endpoint_allows_only_push_services(endpoint: str, ok: bool) -> None:
    if ok:
        check_endpoint(endpoint)
    else:
        with pytest.raises(InvalidSubscription):
            check_endpoint(endpoint)


# --------------------------------------------------------------------------- payloads


def test_open_payload_carries_rendered_text_in_recipient_language() -> None:
    ms = make_payload(Kind.MEETING_INVITATION, "ms", MEETING_PARAMS, url="/mesyuarat/42")
    en = make_payload(Kind.MEETING_INVITATION, "en", MEETING_PARAMS, url="/mesyuarat/42")
    assert isinstance(ms, PushPayload) and isinstance(en, PushPayload)
    assert ms.title == "Jemputan: Mesyuarat Jawatankuasa Keselamatan Bil. 2/2026"
    assert en.title.startswith("Invitation: ")
    assert "Isnin, 2 Mac 2026, 9.00 pagi" in ms.body
    data = json.loads(encode_payload(ms))
    assert data == {
        "kind": "meeting_invitation",
        "title": ms.title,
        "body": ms.body,
        "url": "/mesyuarat/42",
        "tag": "meeting_invitation",
        "classified": False,
    }


def test_sulit_payload_has_no_body_and_no_item_text() -> None:
    payload = make_payload(
        Kind.MEETING_INVITATION,
        "ms",
        MEETING_PARAMS,
        url="/mesyuarat/42",
        classification=Classification.SULIT,
        tag="meeting-42",
    )
    assert isinstance(payload, ClassifiedPushPayload)
    assert not hasattr(payload, "body")
    encoded = encode_payload(payload)
    data = json.loads(encoded)
    assert set(data) == {"kind", "title", "url", "tag", "classified"}
    assert data["classified"] is True
    assert data["title"] == "Jemputan mesyuarat"
    for secret in ("Keselamatan", "Bilik", "2/2026"):
        assert secret not in encoded
    # The SULIT path does not even need the item's parameters.
    assert isinstance(
        make_payload(
            Kind.MINUTES_DISTRIBUTED, "en", {}, url="/m/1", classification=Classification.SULIT
        ),
        ClassifiedPushPayload,
    )


def test_payload_limits() -> None:
    long_title = {**MEETING_PARAMS, "meeting_title": "Mesyuarat " * 40}
    payload = make_payload(Kind.MEETING_INVITATION, "ms", long_title, url="/m/1")
    assert isinstance(payload, PushPayload)
    assert len(payload.title) <= 80 and payload.title.endswith("…")
    assert len(payload.body) <= 180
    for bad_url in ("https://evil.example/", "//evil.example/x", "/a b"):
        with pytest.raises(ValueError):
            make_payload(Kind.MEETING_INVITATION, "ms", MEETING_PARAMS, url=bad_url)
    with pytest.raises(ValueError):
        make_payload(Kind.PASSWORD_RESET, "ms", {}, url="/x")  # never pushed
    huge = PushPayload(kind="x", title="t", body="b" * 5000, url="/", tag="t")
    with pytest.raises(PayloadTooLarge):
        encode_payload(huge)


def test_message_headers_come_from_the_kind_registry() -> None:
    msg = approvals_message()
    assert (msg.ttl, msg.urgency, msg.topic) == (86_400, Urgency.NORMAL, "pending-approvals")
    invite = make_payload(Kind.MEETING_INVITATION, "ms", MEETING_PARAMS, url="/m/42")
    cancel = make_payload(Kind.MEETING_CANCELLED, "ms", MEETING_PARAMS, url="/m/42")
    m1 = PushMessage.for_kind(invite, item_key="42")
    m2 = PushMessage.for_kind(cancel, item_key="42")
    assert m1.topic == m2.topic == item_topic("meeting", "42")
    assert m2.urgency is Urgency.HIGH
    reminder = make_payload(Kind.MEETING_REMINDER, "ms", MEETING_PARAMS, url="/m/42")
    assert PushMessage.for_kind(reminder, item_key="42", ttl=600).ttl == 600
    assert PushMessage.for_kind(reminder, item_key="42", ttl=99_999).ttl == 3600
    with pytest.raises(ValueError):
        PushMessage.for_kind(invite)  # per-meeting topic needs the meeting


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (201, PushOutcome.DELIVERED),
        (202, PushOutcome.DELIVERED),
        (404, PushOutcome.GONE),
        (410, PushOutcome.GONE),
        (429, PushOutcome.RETRYABLE),
        (500, PushOutcome.RETRYABLE),
        (503, PushOutcome.RETRYABLE),
        (400, PushOutcome.PERMANENT),
        (403, PushOutcome.PERMANENT),
        (413, PushOutcome.PERMANENT),
    ],
)
def test_classify_status(status: int, outcome: PushOutcome) -> None:
    assert classify_status(status) is outcome


def test_parse_retry_after() -> None:
    now = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Mon, 02 Mar 2026 00:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Sun, 01 Mar 2026 00:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --------------------------------------------------------------------------- real sends


async def test_delivered_push_decrypts_with_headers_and_valid_vapid(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    sub = push_service.subscribe("officer-1")
    message = approvals_message(5)
    async with sender(vapid_keys) as push:
        result = await push.send(sub, message)
    assert result.outcome is PushOutcome.DELIVERED and result.status == 201
    assert push_service.rejected == []
    [got] = push_service.received
    assert got.plaintext.decode() == message.data
    assert got.json["title"] == "5 permohonan menunggu kelulusan"
    assert got.headers["TTL"] == "86400"
    assert got.headers["Urgency"] == "normal"
    assert got.headers["Topic"] == "pending-approvals"
    assert got.claims["aud"] == push_service.origin
    assert got.claims["sub"] == SUBJECT
    assert time.time() + 11 * 3600 < got.claims["exp"] <= time.time() + 12 * 3600 + 5


@pytest.mark.parametrize("status", [404, 410])
async def test_gone_subscription(
    push_service: FakePushService,
    vapid_keys: VapidKeys,
    status: int,
) -> None:
    sub = push_service.subscribe("old-phone")
    push_service.script["old-phone"] = [status]
    async with sender(vapid_keys) as push:
        result = await push.send(sub, approvals_message())
    assert result.outcome is PushOutcome.GONE and result.status == status


async def test_unknown_subscription_at_the_service_is_gone(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    keys = BrowserKeys.generate()
    sub = PushSubscription(f"{push_service.origin}/push/never", keys.p256dh, b64u(keys.auth))
    async with sender(vapid_keys) as push:
        result = await push.send(sub, approvals_message())
    assert result.outcome is PushOutcome.GONE and result.status == 404


async def test_server_error_is_retryable_then_delivered(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    sub = push_service.subscribe("s1")
    push_service.script["s1"] = [500, 201]
    message = approvals_message()
    async with sender(vapid_keys) as push:
        first = await push.send(sub, message)
        second = await push.send(sub, message)
    assert (first.outcome, first.status) == (PushOutcome.RETRYABLE, 500)
    assert (second.outcome, second.status) == (PushOutcome.DELIVERED, 201)
    assert len(push_service.received) == 1
    assert push.stats.by_outcome == {PushOutcome.RETRYABLE: 1, PushOutcome.DELIVERED: 1}


async def test_rate_limited_carries_retry_after_and_4xx_is_permanent(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    sub = push_service.subscribe("s1")
    push_service.script["s1"] = [(429, {"Retry-After": "30"}), 400]
    async with sender(vapid_keys) as push:
        limited = await push.send(sub, approvals_message())
        bad = await push.send(sub, approvals_message())
    assert (limited.outcome, limited.retry_after) == (PushOutcome.RETRYABLE, 30.0)
    assert (bad.outcome, bad.status) == (PushOutcome.PERMANENT, 400)


async def test_network_failure_and_timeout_are_retryable(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    keys = BrowserKeys.generate()
    dead = PushSubscription(f"http://127.0.0.1:{free_port()}/push/x", keys.p256dh, b64u(keys.auth))
    slow = push_service.subscribe("slow")
    push_service.delay = 1.0
    async with sender(vapid_keys, timeout=0.2) as push:
        refused = await push.send(dead, approvals_message())
        started = time.perf_counter()
        timed_out = await push.send(slow, approvals_message())
        elapsed = time.perf_counter() - started
    assert refused.outcome is PushOutcome.RETRYABLE and refused.status is None
    assert timed_out.outcome is PushOutcome.RETRYABLE and elapsed < 0.9


async def test_disallowed_endpoint_is_refused_without_a_request(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    sub = push_service.subscribe("s1")
    async with PushSender(vapid_keys, SUBJECT) as push:  # real services only
        result = await push.send(sub, approvals_message())
    assert result.outcome is PushOutcome.PERMANENT
    assert push_service.requests == 0


async def test_vapid_header_is_signed_once_per_audience(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    other = FakePushService(vapid_keys.public_key_base64url)
    await other.start()
    try:
        subs = [push_service.subscribe(f"a{i}") for i in range(5)]
        subs.append(other.subscribe("b0"))
        async with sender(vapid_keys) as push:
            results = await push.send_many(subs, approvals_message())
            assert push.stats.vapid_signatures == 2
            # Near expiry the header is renewed, and the renewed one is what gets used.
            later = time.time() + 11.5 * 3600
            renewed = push.authorization(push_service.origin, now=later)
            assert push.stats.vapid_signatures == 3
            assert push.authorization(push_service.origin, now=later) == renewed
    finally:
        await other.stop()
    assert [r.outcome for r in results] == [PushOutcome.DELIVERED] * 6
    assert len(push_service.received) == 5 and len(other.received) == 1
    assert push_service.rejected == other.rejected == []


async def test_send_many_keeps_order_and_classifies_each(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    subs = [push_service.subscribe(f"s{i}") for i in range(40)]
    push_service.script["s3"] = [410]
    push_service.script["s7"] = [503]
    async with sender(vapid_keys) as push:
        results = await push.send_many(subs, approvals_message(), concurrency=8)
    assert [r.endpoint for r in results] == [s.endpoint for s in subs]
    assert results[3].outcome is PushOutcome.GONE
    assert results[7].outcome is PushOutcome.RETRYABLE
    assert sum(r.outcome is PushOutcome.DELIVERED for r in results) == 38
    decrypted = {r.sub_id for r in push_service.received}
    assert decrypted == {f"s{i}" for i in range(40)} - {"s3", "s7"}


async def test_sender_must_be_started(vapid_keys: VapidKeys) -> None:
    push = sender(vapid_keys)
    keys = BrowserKeys.generate()
    sub = PushSubscription("http://127.0.0.1:9/push/x", keys.p256dh, b64u(keys.auth))
    with pytest.raises(RuntimeError):
        await push.send(sub, approvals_message())
    with pytest.raises(ValueError):
        PushSender(vapid_keys, "admin@hadir.gov.my")  # sub must be a mailto:/https: URI
    with pytest.raises(ValueError, match="refused"):
        PushSender(vapid_keys, "mailto:not-an-address")  # py_vapid's own check, at start


async def test_the_fake_service_really_checks_vapid(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    """The other tests rely on this checker; make sure it rejects what it should."""
    sub = push_service.subscribe("s1")
    async with sender(VapidKeys.generate()) as push:  # not the key the PWA subscribed with
        result = await push.send(sub, approvals_message())
    assert (result.outcome, result.status) == (PushOutcome.PERMANENT, 401)
    assert push_service.rejected == ["k is not the application server key"]
    assert push_service.received == []

    good = sender(vapid_keys)
    now = time.time()
    header = good.authorization(push_service.origin, now=now)
    key = vapid_keys.public_key_base64url
    assert verify_vapid(header, expected_key=key, origin=push_service.origin, now=now)["sub"]
    with pytest.raises(ValueError, match="aud"):
        verify_vapid(header, expected_key=key, origin="https://fcm.googleapis.com", now=now)
    with pytest.raises(ValueError, match="exp"):
        verify_vapid(header, expected_key=key, origin=push_service.origin, now=now + 13 * 3600)
    token = header.split("t=", 1)[1].split(",", 1)[0]
    forged = header.replace(token, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))
    with pytest.raises(ValueError, match="signature"):
        verify_vapid(forged, expected_key=key, origin=push_service.origin, now=now)


def test_retry_after_date_is_relative_to_now() -> None:
    future = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    value = parse_retry_after(future)
    assert value is not None and 55 <= value <= 61


async def test_concurrent_sends_share_one_session(
    push_service: FakePushService, vapid_keys: VapidKeys
) -> None:
    subs = [push_service.subscribe(f"c{i}") for i in range(10)]
    async with sender(vapid_keys, max_connections=4) as push:
        session = push.session
        await asyncio.gather(*(push.send(s, approvals_message()) for s in subs))
        assert push.session is session
        assert session.connector is not None and session.connector.limit == 4
    assert len(push_service.received) == 10
