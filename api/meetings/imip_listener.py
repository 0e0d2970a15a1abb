"""The worker's SMTP listener for calendar replies (HADIR_IMIP_LISTEN): accepts mail for
HADIR_IMIP_ADDRESS only and hands each message to `api.meetings.imip`. Runs in the worker's
event loop (the database is used from there). A message that changes nothing is still accepted
(250), so nobody learns from bounces which meetings or people exist."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from api.config import Settings
from api.meetings.imip import apply_reply_mail

log = logging.getLogger("hadir.imip")
MAX_MESSAGE_BYTES = 1024 * 1024


class ReplyHandler:
    def __init__(self, address: str) -> None:
        self.address = address.casefold()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.casefold() != self.address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        try:
            outcome = await apply_reply_mail(content)
        except Exception:  # one bad message must not stop the listener
            log.exception("iMIP: a message could not be processed")
            return "451 4.3.0 Try again later"
        log.info("iMIP: %s (meeting %s)", outcome.reason, outcome.meeting_id)
        return "250 OK"


async def start(settings: Settings) -> asyncio.Server | None:
    """The listening server, or None when HADIR_IMIP_LISTEN / HADIR_IMIP_ADDRESS are unset."""
    if settings.imip_listen is None or not settings.imip_address:
        return None
    handler = ReplyHandler(settings.imip_address)
    host, port = settings.imip_listen
    loop = asyncio.get_running_loop()

    def protocol() -> Any:
        return SMTP(handler, data_size_limit=MAX_MESSAGE_BYTES, hostname="hadir", loop=loop)

    server = await loop.create_server(protocol, host=host, port=port)
    log.info("iMIP: listening on %s:%s for %s", host, port, settings.imip_address)
    return server


async def run_forever(settings: Settings) -> None:
    server = await start(settings)
    if server is None:
        return
    async with server:
        await server.serve_forever()
