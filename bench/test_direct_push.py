"""The benchmark's second push engine (bench/direct_push.py) against a real decryptor and a
push service on loopback. Run with `pytest bench/test_direct_push.py` (not part of `make test`:
Hadir does not ship this engine)."""

from __future__ import annotations

import http_ece
import pytest

from bench.direct_push import DirectPushSender, encrypt_aes128gcm
from notifications.kinds import Kind
from notifications.push import PayloadTooLarge, PushMessage, VapidKeys, make_payload
from tests.notifications.notif_helpers import BrowserKeys, FakePushService, unb64u

SUBJECT = "mailto:pentadbir@hadir.gov.my"


def approvals_message() -> PushMessage:
    payload = make_payload(
        Kind.PENDING_APPROVALS,
        "ms",
        {"count": 3, "checkin_count": 2, "issue_count": 1, "slip_count": 0},
        url="/kelulusan",
    )
    return PushMessage.for_kind(payload)


def test_direct_encryption_decrypts_with_http_ece() -> None:
    browser = BrowserKeys.generate()
    point = unb64u(browser.p256dh)
    plaintext = "Jemputan: Mesyuarat Bil. 2/2026 — sila sahkan".encode()
    body = encrypt_aes128gcm(plaintext, point, browser.auth)
    assert int.from_bytes(body[16:20], "big") == 4096 and body[20] == 65
    assert body[21] == 4  # keyid: the ephemeral uncompressed point
    decrypted = http_ece.decrypt(
        body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
    )
    assert decrypted == plaintext
    other = encrypt_aes128gcm(plaintext, point, browser.auth)
    assert other[:16] != body[:16] and other[21:86] != body[21:86]  # fresh salt and key
    with pytest.raises(PayloadTooLarge):
        encrypt_aes128gcm(b"x" * 4080, point, browser.auth)


async def test_direct_engine_delivers_and_measures_encryption() -> None:
    vapid_keys = VapidKeys.generate()
    push_service = FakePushService(vapid_keys.public_key_base64url)
    await push_service.start()
    try:
        subs = [push_service.subscribe(f"d{i}") for i in range(5)]
        async with DirectPushSender(
            vapid_keys, SUBJECT, allowed_hosts=("127.0.0.1",), allow_insecure=True
        ) as push:
            await push.send_many(subs, approvals_message())
    finally:
        await push_service.stop()
    assert len(push_service.received) == 5
    assert 0 < push.encrypt_seconds < push.stats.seconds
