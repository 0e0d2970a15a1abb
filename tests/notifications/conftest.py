"""Fixtures: a push service and SMTP servers on loopback (helpers in notif_helpers.py)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from notif_helpers import FakePushService, SinkHandler, SmtpSink, free_port, make_self_signed

from notifications.push import VapidKeys


@pytest.fixture(scope="session")
def vapid_keys() -> VapidKeys:
    return VapidKeys.generate()


@pytest.fixture
async def push_service(vapid_keys: VapidKeys) -> AsyncIterator[FakePushService]:
    service = FakePushService(vapid_keys.public_key_base64url)
    await service.start()
    yield service
    await service.stop()


# --------------------------------------------------------------------------- SMTP server


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    handler = SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSink("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_tls_server(tmp_path: Path) -> Iterator[SmtpSink]:
    """STARTTLS required, AUTH required (user ``hadir`` / ``s3cret``)."""
    cert_file, key_file = make_self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    users = {"hadir": "s3cret"}

    def authenticator(
        server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and users.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False)  # handled=False: server answers 535

    handler = SinkHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        yield SmtpSink("127.0.0.1", port, handler, cert_file=cert_file, users=users)
    finally:
        controller.stop()


@pytest.fixture
def smtps_server(tmp_path: Path) -> Iterator[SmtpSink]:
    """Implicit TLS from the first byte (what port 465 does), no AUTH."""
    cert_file, key_file = make_self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    handler = SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        yield SmtpSink("127.0.0.1", port, handler, cert_file=cert_file)
    finally:
        controller.stop()
