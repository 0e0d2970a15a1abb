"""Real counterparts for the delivery layer: a push service and an SMTP server on loopback.

(The fixtures that start them are in ``conftest.py``; this module has a unique name so that
test modules can import it without clashing with other folders' helpers.)

* :class:`FakePushService` — an aiohttp server on 127.0.0.1 (random port) that behaves like a
  push service: it checks the VAPID JWT (ES256 signature against the key in the header, which
  must be the application server key; ``aud`` = its own origin; ``exp`` in the future and at most
  24 h away; ``sub`` present) and decrypts the aes128gcm body with the subscription's private
  key and auth secret, exactly as the browser would. Responses can be scripted per subscription.
* :class:`SmtpSink` — aiosmtpd's Controller on a free port, collecting messages, with addresses
  that trigger 4xx/5xx answers and optional STARTTLS + AUTH.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import socket
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import http_ece
from aiohttp import web
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID
from multidict import CIMultiDict

from notifications.push import PushSubscription


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --------------------------------------------------------------------------- push service


@dataclass
class BrowserKeys:
    """What a browser keeps for one subscription: its ECDH key pair and the auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @classmethod
    def generate(cls) -> BrowserKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64u(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


@dataclass
class Received:
    sub_id: str
    plaintext: bytes
    headers: Mapping[str, str]  # case-insensitive, as HTTP headers are
    claims: dict[str, Any]

    @property
    def json(self) -> Any:
        return json.loads(self.plaintext)


def verify_vapid(
    authorization: str, *, expected_key: str, origin: str, now: float
) -> dict[str, Any]:
    """Check a ``vapid t=<jwt>,k=<key>`` header as a push service does; return the claims."""
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"scheme {scheme!r}")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    if parts.get("k") != expected_key:
        raise ValueError("k is not the application server key")
    header_b64, payload_b64, sig_b64 = parts["t"].split(".")
    header = json.loads(unb64u(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"alg {header.get('alg')!r}")
    signature = unb64u(sig_b64)
    if len(signature) != 64:
        raise ValueError("ES256 signature must be 64 bytes (r || s)")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(parts["k"]))
    try:
        public.verify(der, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("bad JWT signature") from None
    claims: dict[str, Any] = json.loads(unb64u(payload_b64))
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} != {origin!r}")
    if not now < claims["exp"] <= now + 24 * 3600:
        raise ValueError("exp not within the next 24 h")
    if not claims.get("sub"):
        raise ValueError("no sub")
    return claims


class FakePushService:
    def __init__(self, app_server_key: str) -> None:
        self.app_server_key = app_server_key
        self.keys: dict[str, BrowserKeys] = {}
        self.script: dict[str, list[int | tuple[int, dict[str, str]]]] = defaultdict(list)
        self.received: list[Received] = []
        self.rejected: list[str] = []
        self.requests = 0
        self.delay = 0.0
        self.origin = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{sub_id}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.origin = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def subscribe(self, sub_id: str) -> PushSubscription:
        """Do what the browser does on pushManager.subscribe()."""
        keys = BrowserKeys.generate()
        self.keys[sub_id] = keys
        return PushSubscription(f"{self.origin}/push/{sub_id}", keys.p256dh, b64u(keys.auth))

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        sub_id = request.match_info["sub_id"]
        body = await request.read()
        if self.delay:
            await asyncio.sleep(self.delay)
        try:
            claims = verify_vapid(
                request.headers.get("Authorization", ""),
                expected_key=self.app_server_key,
                origin=self.origin,
                now=time.time(),
            )
        except (ValueError, KeyError) as exc:
            self.rejected.append(str(exc))
            return web.Response(status=401, text=str(exc))
        if sub_id not in self.keys:
            return web.Response(status=404)
        if request.headers.get("Content-Encoding") != "aes128gcm":
            return web.Response(status=415)
        keys = self.keys[sub_id]
        plaintext = http_ece.decrypt(
            body, private_key=keys.private_key, auth_secret=keys.auth, version="aes128gcm"
        )
        step = self.script[sub_id].pop(0) if self.script[sub_id] else 201
        status, extra = step if isinstance(step, tuple) else (step, {})
        if status in (200, 201, 202):
            self.received.append(Received(sub_id, plaintext, CIMultiDict(request.headers), claims))
        return web.Response(status=status, headers=extra)


REFUSE_PERMANENT = "nobody@agensi.gov.my"
REFUSE_TEMPORARY = "busy@agensi.gov.my"


class SinkHandler:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, EmailMessage]] = []
        self.ehlo_count = 0

    async def handle_EHLO(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        self.ehlo_count += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address == REFUSE_PERMANENT:
            return "550 5.1.1 No such user"
        if address == REFUSE_TEMPORARY:
            return "451 4.3.0 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((envelope, msg))
        return "250 Message accepted"


@dataclass
class SmtpSink:
    host: str
    port: int
    handler: SinkHandler
    cert_file: Path | None = None
    users: dict[str, str] = field(default_factory=dict)

    @property
    def messages(self) -> list[tuple[Envelope, EmailMessage]]:
        return self.handler.messages


def make_self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "smtp.crt", tmp / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file
