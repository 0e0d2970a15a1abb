"""A second RFC 8291 push engine, for the push benchmark only (Hadir sends through pywebpush:
`notifications.push.PushSender`).

`encrypt_aes128gcm` gives the same RFC 8291 output as pywebpush's ``WebPusher.encode`` (which
calls http_ece) at about two thirds of the cost: a fresh ephemeral ECDH key and a random salt
per message, as RFC 8291 requires, but the three HKDFs are single HMAC-SHA-256 calls and no
intermediate objects are built. `DirectPushSender` posts the same request as webpush_async on
the sender's session and measures the encryption time (`encrypt_seconds`).
"""

from __future__ import annotations

import hmac
import os
import struct
import time
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from notifications.push import (
    PayloadTooLarge,
    PushMessage,
    PushOutcome,
    PushResult,
    PushSender,
    PushSubscription,
    b64url_decode,
    classify_status,
    parse_retry_after,
)

RECORD_SIZE: Final = 4096
_X962 = serialization.Encoding.X962
_UNCOMPRESSED = serialization.PublicFormat.UncompressedPoint


def encrypt_aes128gcm(
    plaintext: bytes, p256dh: bytes, auth_secret: bytes, *, salt: bytes | None = None
) -> bytes:
    """RFC 8291 message encryption (aes128gcm, RFC 8188), one record, as a push body.

    The same result as pywebpush's ``WebPusher.encode`` (which calls http_ece), at about two
    thirds of the cost: a fresh ephemeral ECDH key and a random salt per message, as RFC 8291
    requires, but the three HKDFs are single HMAC-SHA-256 calls (every output is at most one
    hash long) and no intermediate objects are built. Checked against http_ece's decryption
    in bench/test_direct_push.py.
    """
    if len(plaintext) + 17 > RECORD_SIZE:
        raise PayloadTooLarge("plaintext does not fit one record")
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    as_public = ephemeral.public_key().public_bytes(_X962, _UNCOMPRESSED)
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    ecdh_secret = ephemeral.exchange(ec.ECDH(), peer)
    # RFC 8291 §3.4: IKM = HKDF(salt=auth_secret, ikm=ecdh_secret, info=key_info, L=32)
    prk_key = hmac.digest(auth_secret, ecdh_secret, "sha256")
    key_info = b"WebPush: info\x00" + p256dh + as_public
    ikm = hmac.digest(prk_key, key_info + b"\x01", "sha256")
    # RFC 8188 §2.2/2.3: CEK (16 octets) and NONCE (12 octets) from the per-message salt
    salt = os.urandom(16) if salt is None else salt
    prk = hmac.digest(salt, ikm, "sha256")
    cek = hmac.digest(prk, b"Content-Encoding: aes128gcm\x00\x01", "sha256")[:16]
    nonce = hmac.digest(prk, b"Content-Encoding: nonce\x00\x01", "sha256")[:12]
    record = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)  # 0x02: last record
    return salt + struct.pack("!IB", RECORD_SIZE, len(as_public)) + as_public + record


class DirectPushSender(PushSender):
    """`PushSender` with `encrypt_aes128gcm` instead of pywebpush (timed in `encrypt_seconds`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.encrypt_seconds = 0.0

    async def _post(
        self,
        subscription: PushSubscription,
        message: PushMessage,
        headers: dict[str, str | int | float],
    ) -> PushResult:
        t0 = time.perf_counter()
        body = encrypt_aes128gcm(
            message.data.encode("utf-8"),
            b64url_decode(subscription.p256dh),
            b64url_decode(subscription.auth),
        )
        self.encrypt_seconds += time.perf_counter() - t0
        request_headers = {str(k): str(v) for k, v in headers.items()}
        request_headers.update(
            {
                "TTL": str(message.ttl),
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
            }
        )
        async with self.session.post(
            subscription.endpoint, data=body, headers=request_headers, allow_redirects=False
        ) as response:
            text = await response.text(errors="replace")
            status = response.status
            retry_after = response.headers.get("Retry-After")
        outcome = classify_status(status)
        detail = "" if outcome is PushOutcome.DELIVERED else " ".join(f"{status} {text}".split())
        return PushResult(
            subscription.endpoint,
            outcome,
            status=status,
            retry_after=parse_retry_after(retry_after),
            detail=detail[:300],
        )
