"""E-mail: compose one message per recipient, and send it over SMTP with aiosmtplib.

Composition (:func:`compose_email`) is pure and synchronous; the result is a stdlib
:class:`email.message.EmailMessage`:

    multipart/mixed                                  (only when there is a calendar part)
    ├── multipart/alternative
    │   ├── text/plain; charset=utf-8
    │   ├── text/html; charset=utf-8
    │   └── text/calendar; charset=utf-8; method=REQUEST|CANCEL
    └── application/ics; name=invite.ics            (the same .ics as an attachment)

The inline ``text/calendar`` alternative is what Outlook and Gmail turn into "accept /
decline" buttons; the attachment is for clients that only offer to open files.

Sending (:class:`SmtpSender`) turns every failure into either :class:`RetryableDeliveryError`
(try again later: network, timeouts, 4xx, server gone, bad credentials or TLS setup — those are
fixed by an administrator, not by dropping mail) or :class:`PermanentDeliveryError` (5xx: this
message will never be accepted; dead-letter it).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum
from typing import ClassVar, Self

import aiosmtplib

from notifications.calendar import CalendarPart
from notifications.kinds import spec
from notifications.templates import RenderedMessage, check_url

# --------------------------------------------------------------------------- composing


@dataclass(frozen=True, slots=True)
class MailIdentity:
    """Who an agency's mail comes from.

    ``message_id_domain`` defaults to the domain of ``from_address``.
    """

    from_address: str
    from_name: str
    reply_to: str | None = None
    message_id_domain: str | None = None

    @property
    def domain(self) -> str:
        return self.message_id_domain or self.from_address.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """RFC 2369 / RFC 8058 unsubscribe targets for non-essential mail.

    ``url`` must be an https URL that unsubscribes on a POST with the body
    ``List-Unsubscribe=One-Click`` (no confirmation page: that is what RFC 8058 means), and must
    identify the user and the kind on its own (a signed token), since no cookie is sent.
    """

    url: str
    mailto: str | None = None

    def __post_init__(self) -> None:
        check_url("unsubscribe url", self.url)
        if not self.url.startswith("https://"):
            raise ValueError("a one-click unsubscribe URL must be https (RFC 8058)")


def message_id_for(key: str, domain: str) -> str:
    """A deterministic Message-ID from an idempotency key (outbox event + recipient).

    A retried send of the same outbox row then carries the same Message-ID, so mail servers and
    clients that de-duplicate on it show the message once.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def compose_email(
    rendered: RenderedMessage,
    *,
    identity: MailIdentity,
    recipient: Recipient,
    calendar: CalendarPart | None = None,
    unsubscribe: Unsubscribe | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """Build the message for one recipient in the language ``rendered`` was made in.

    Rules checked here so that the outbox cannot get them wrong:

    * a non-essential kind must carry ``unsubscribe`` (List-Unsubscribe + One-Click); an
      essential one must not (it cannot be switched off, offering it would mislead);
    * a kind that carries a calendar (invitation, change, cancellation) must get a
      ``calendar`` of the right METHOD, and other kinds none.

    Render with ``unsubscribe_url=unsubscribe.url`` so that the footer shows the same link.
    """
    kind_spec = spec(rendered.kind)
    if kind_spec.essential and unsubscribe is not None:
        raise ValueError(f"{rendered.kind}: essential mail has no List-Unsubscribe")
    if not kind_spec.essential and unsubscribe is None:
        raise ValueError(f"{rendered.kind}: non-essential mail needs List-Unsubscribe")
    expected_method = kind_spec.calendar_method
    got_method = calendar.method if calendar is not None else None
    if expected_method != got_method:
        raise ValueError(
            f"{rendered.kind}: calendar part must be {expected_method or 'absent'}, "
            f"got {got_method or 'none'}"
        )

    msg = EmailMessage()
    msg["From"] = Address(identity.from_name, addr_spec=identity.from_address)
    msg["To"] = Address(recipient.name or "", addr_spec=recipient.address)
    if identity.reply_to:
        msg["Reply-To"] = identity.reply_to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime((date or datetime.now(UTC)).astimezone(UTC))
    msg["Message-ID"] = message_id or message_id_for(os.urandom(16).hex(), identity.domain)
    # RFC 3834: machine-generated; stops out-of-office loops with Reply-To mailboxes.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    msg["X-Hadir-Kind"] = rendered.kind.value
    if unsubscribe is not None:
        targets = [f"<{unsubscribe.url}>"]
        if unsubscribe.mailto:
            targets.append(f"<mailto:{unsubscribe.mailto}>")
        msg["List-Unsubscribe"] = ", ".join(targets)
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    if calendar is not None:
        ics_text = calendar.ics.decode("utf-8")
        msg.add_alternative(ics_text, subtype="calendar", params={"method": calendar.method})
        msg.add_attachment(
            calendar.ics,
            maintype="application",
            subtype="ics",
            filename="invite.ics",
            params={"name": "invite.ics"},  # older clients read the name from Content-Type
        )
    # After the body: turning the message into multipart/* moves Content-* headers to a part.
    msg["Content-Language"] = rendered.lang
    return msg


# --------------------------------------------------------------------------- errors


class DeliveryError(Exception):
    """A message could not be handed over. ``retryable`` tells the outbox what to do next."""

    retryable: ClassVar[bool] = True

    def __init__(
        self, message: str, *, code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


class RetryableDeliveryError(DeliveryError):
    """Temporary: try again later (network, timeout, 4xx, server went away)."""

    retryable = True


class PermanentDeliveryError(DeliveryError):
    """This message will never be accepted (5xx): dead-letter it."""

    retryable = False


class SmtpConfigurationError(RetryableDeliveryError):
    """The relay refused our credentials or TLS setup.

    Retryable on purpose: nothing is wrong with the message; an administrator fixes the
    settings and the queued mail goes out. Worth an alert, since every message will fail.
    """


def _by_code(code: int, text: str) -> DeliveryError:
    if 400 <= code < 500:
        return RetryableDeliveryError(text, code=code)
    if 500 <= code < 600:
        return PermanentDeliveryError(text, code=code)
    return RetryableDeliveryError(text, code=code)


def classify_smtp_error(exc: BaseException) -> DeliveryError | None:
    """Map an aiosmtplib / network exception to a delivery error; None if it is not one.

    Pure, so the rules can be tested without a server. Order matters: aiosmtplib's
    connection errors are also OSErrors, and its response errors carry the SMTP code.
    """
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        errors = [_by_code(r.code, f"{r.recipient}: {r.code} {r.message}") for r in exc.recipients]
        permanent = [e for e in errors if not e.retryable]
        if errors and len(permanent) == len(errors):
            return PermanentDeliveryError("; ".join(map(str, errors)), code=permanent[0].code)
        return RetryableDeliveryError(
            "; ".join(map(str, errors)) or "recipients refused",
            code=errors[0].code if errors else None,
        )
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return SmtpConfigurationError(
            f"SMTP authentication failed: {exc.code} {exc.message}", code=exc.code
        )
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return SmtpConfigurationError(f"SMTP server lacks a required feature: {exc}")
    if isinstance(exc, ssl.SSLError):
        return SmtpConfigurationError(f"TLS failure: {exc}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _by_code(exc.code, f"{exc.code} {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPConnectError) and isinstance(exc.__cause__, ssl.SSLError):
        # Implicit TLS: the handshake fails inside connect() and arrives wrapped.
        return SmtpConfigurationError(f"TLS failure: {exc.__cause__}")
    if isinstance(exc, (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError)):
        return RetryableDeliveryError(f"{type(exc).__name__}: {exc}")
    return None


# --------------------------------------------------------------------------- sending


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    """Plain connection upgraded with STARTTLS (port 587); the upgrade is required."""
    TLS = "tls"
    """Implicit TLS from the first byte (port 465)."""
    NONE = "none"
    """No TLS: only for a relay on the same host or a test server."""


_DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How to reach the SMTP relay. ``port=None`` means the usual port for ``security``."""

    host: str
    port: int | None = None
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    validate_certs: bool = True
    ca_file: str | None = None
    local_hostname: str | None = None
    envelope_from: str | None = None
    """MAIL FROM (where bounces go); default: the message's From address."""
    idle_probe_after: float = 30.0
    """A kept connection idle longer than this is checked with NOOP before use."""

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else _DEFAULT_PORTS[self.security]


@dataclass(frozen=True, slots=True)
class SmtpReceipt:
    """The relay accepted the message (for all recipients but those in ``refused``)."""

    message_id: str
    response: str
    refused: Mapping[str, tuple[int, str]]


class SmtpSender:
    """Sends messages over one kept SMTP connection (reconnecting when needed).

    Use as ``async with SmtpSender(settings) as smtp: await smtp.send(msg)``. Sends on one
    sender are serialised (SMTP is one transaction at a time per connection); run several
    senders for parallel connections. Compose **one message per recipient**: if a relay accepts
    some recipients of a message and refuses others, the message counts as sent (retrying would
    duplicate it for the accepted ones) and the refusals are in :attr:`SmtpReceipt.refused`.
    """

    def __init__(
        self, settings: SmtpSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._client: aiosmtplib.SMTP | None = None
        self._last_used = 0.0
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _new_client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.host,
            port=s.effective_port,
            username=s.username,
            password=s.password,
            local_hostname=s.local_hostname,
            timeout=s.timeout,
            use_tls=s.security is SmtpSecurity.TLS,
            start_tls=s.security is SmtpSecurity.STARTTLS,
            validate_certs=s.validate_certs,
            cert_bundle=s.ca_file,
        )

    async def _connected(self) -> aiosmtplib.SMTP:
        client = self._client
        if client is not None and client.is_connected:
            if self._clock() - self._last_used <= self.settings.idle_probe_after:
                return client
            try:  # the relay may have dropped an idle connection without us noticing
                await client.noop()
                return client
            except (aiosmtplib.SMTPException, OSError):
                await self._drop()
        client = self._new_client()
        await client.connect()
        self._client = client
        return client

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if client.is_connected:
                await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()

    async def send(self, message: EmailMessage) -> SmtpReceipt:
        """Hand ``message`` to the relay; raise a :class:`DeliveryError` subclass on failure."""
        async with self._lock:
            try:
                client = await self._connected()
                refused, response = await client.send_message(
                    message, sender=self.settings.envelope_from
                )
            except Exception as exc:
                await self._drop()
                mapped = classify_smtp_error(exc)
                if mapped is None:
                    raise
                raise mapped from exc
            self._last_used = self._clock()
        return SmtpReceipt(
            message_id=str(message.get("Message-ID", "")),
            response=response,
            refused={addr: (r.code, r.message) for addr, r in refused.items()},
        )

    async def close(self) -> None:
        async with self._lock:
            await self._drop()


async def send_email(settings: SmtpSettings, message: EmailMessage) -> SmtpReceipt:
    """One-shot convenience: connect, send one message, disconnect."""
    async with SmtpSender(settings) as sender:
        return await sender.send(message)
