"""Web Push: VAPID keys, payloads without classified content, and a sender with one session.

Standards: RFC 8030 (the push protocol: TTL, Urgency, Topic headers), RFC 8291 (message
encryption, aes128gcm), RFC 8292 (VAPID: the application server signs a JWT per push service).

Sending goes through pywebpush's ``webpush_async`` with the :class:`PushSender`'s single
``aiohttp.ClientSession``, so connections to each push service are kept alive and reused
. What pywebpush does *not* do well, and this module does
instead:

* **VAPID token per audience, cached.** ``webpush_async(vapid_claims=…)`` signs a new ES256 JWT
  for every message (~80 µs, a fifth of the cost of a push) and writes ``aud``/``exp`` into
  the caller's claims dict, so a dict reused across push services carries the wrong ``aud``.
  RFC 8292 lets a token be reused until it expires, so :class:`PushSender` signs once per push
  service origin and reuses the header until shortly before ``exp``.
* **Timeouts.** ``webpush_async(timeout=None)`` (its default) turns every aiohttp timeout off;
  the sender always passes one.
* **Encryption** is pywebpush's (http_ece). A leaner RFC 8291 encryptor, for comparison
  only, is in ``bench/direct_push.py`` (``bench/push_bench.py`` has the figures).
* **Outcomes, not exceptions.** Each send returns a :class:`PushResult`: delivered, gone
  (404/410: delete the subscription), retryable (429, 5xx, network) or permanent (other 4xx).

Payload rule: the JSON payload is small (title, body, url, tag) and never carries SULIT
content. :func:`make_payload` is the only way the outbox should build one: for a SULIT item it
returns a :class:`ClassifiedPushPayload`, a type that has no body field at all and whose title
is the kind's parameter-free label ("Jemputan mesyuarat"); the item's own text is never even
rendered.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import os
import re
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Self
from urllib.parse import urlsplit

import aiohttp
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02, VapidException
from pywebpush import WebPushException, webpush_async

from notifications.common import Classification, content_allowed_in_push
from notifications.kinds import Kind, Urgency, spec
from notifications.templates import DEFAULT_TZ, ParamValue, label, render_push_text

MAX_PAYLOAD_BYTES: Final = 3993
"""Largest plaintext that fits the 4096-octet payload every push service must accept
(RFC 8030 §7.2) after aes128gcm overhead: 86-octet header, 1 delimiter, 16-octet tag."""
MAX_TITLE_CHARS: Final = 80
MAX_BODY_CHARS: Final = 180
DEFAULT_PUSH_HOSTS: Final = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera
    "push.services.mozilla.com",  # Firefox
    "push.apple.com",  # Safari (macOS, iOS 16.4+ home-screen apps)
    "notify.windows.com",  # Edge on Windows (WNS)
)
"""Push service hosts (and their subdomains) a subscription endpoint may point to.

Without such a list the subscribe API would let anyone make the server POST to an address of
their choice (server-side request forgery into the internal network)."""

_B64URL_RE: Final = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_TAG_RE: Final = re.compile(r"^[A-Za-z0-9:_.-]{1,64}$")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not _B64URL_RE.match(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --------------------------------------------------------------------------- VAPID keys


@dataclass(frozen=True, slots=True)
class VapidKeys:
    """The application server's VAPID key pair (ECDSA P-256).

    Store it as :meth:`private_pem` (a file) or :meth:`private_base64url` (an environment
    variable: 43 characters, the format most Web Push libraries use). Give the browser
    :attr:`public_key_base64url` as ``applicationServerKey`` for ``pushManager.subscribe``.
    Changing the key invalidates every existing subscription (push services answer 403).
    """

    private_key: ec.EllipticCurvePrivateKey

    def __post_init__(self) -> None:
        if not isinstance(self.private_key.curve, ec.SECP256R1):
            raise ValueError("VAPID keys are P-256 keys")

    @classmethod
    def generate(cls) -> Self:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: str | bytes) -> Self:
        data = pem.encode() if isinstance(pem, str) else pem
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("not an EC private key")
        return cls(key)

    @classmethod
    def from_base64url(cls, raw: str) -> Self:
        """From the raw 32-byte private scalar, base64url (the usual env-variable form)."""
        value = b64url_decode(raw.strip())
        if len(value) != 32:
            raise ValueError("a raw VAPID private key is 32 bytes")
        return cls(ec.derive_private_key(int.from_bytes(value, "big"), ec.SECP256R1()))

    @classmethod
    def load(cls, value: str | bytes) -> Self:
        """PEM (PKCS#8 or SEC1) or raw base64url, whichever ``value`` is."""
        text = value.decode() if isinstance(value, bytes) else value
        if "-----BEGIN" in text:
            return cls.from_pem(text)
        return cls.from_base64url(text)

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    def private_base64url(self) -> str:
        return b64url_encode(self.private_key.private_numbers().private_value.to_bytes(32, "big"))

    @property
    def public_key_bytes(self) -> bytes:
        """Uncompressed point (65 bytes, 0x04 || X || Y)."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    @property
    def public_key_base64url(self) -> str:
        """The ``applicationServerKey`` for the PWA (base64url, no padding)."""
        return b64url_encode(self.public_key_bytes)

    def vapid(self) -> Vapid02:
        return Vapid02(self.private_key)


def load_or_create_vapid_keys(path: Path, *, env_value: str | None = None) -> VapidKeys:
    """The VAPID keys to use: from ``env_value`` if given, else from ``path``, else new.

    A new key is written to ``path`` as PEM, mode 0600, with ``O_EXCL`` so that two workers
    starting together cannot write two different keys: the loser reads the winner's file.
    """
    if env_value:
        return VapidKeys.load(env_value)
    try:
        return VapidKeys.load(path.read_text("ascii"))
    except FileNotFoundError:
        pass
    keys = VapidKeys.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(keys.private_pem())
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # atomic, fails if another process got there first (needs a
        # filesystem with hard links, as every Linux one has)
    except FileExistsError:
        return VapidKeys.load(path.read_text("ascii"))
    finally:
        tmp.unlink()
    return keys


# --------------------------------------------------------------------------- subscriptions


class InvalidSubscription(ValueError):
    """A subscription (endpoint or keys) that must not be stored or used."""


@dataclass(frozen=True, slots=True)
class PushSubscription:
    """What the browser's ``PushSubscription.toJSON()`` gives: endpoint + p256dh + auth.

    Construction checks the keys (a P-256 point and a 16-byte secret); :func:`check_endpoint`
    checks where the endpoint points.
    """

    endpoint: str
    p256dh: str
    auth: str

    def __post_init__(self) -> None:
        try:
            point = b64url_decode(self.p256dh)
            secret = b64url_decode(self.auth)
        except (ValueError, binascii.Error):
            raise InvalidSubscription("keys must be base64url") from None
        if len(point) != 65 or point[0] != 4:
            raise InvalidSubscription("p256dh must be an uncompressed P-256 point")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        except ValueError:
            raise InvalidSubscription("p256dh is not a point on P-256") from None
        if len(secret) != 16:
            raise InvalidSubscription("auth must be 16 bytes")
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise InvalidSubscription("endpoint must be an absolute URL")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        try:
            keys = data["keys"]
            return cls(str(data["endpoint"]), str(keys["p256dh"]), str(keys["auth"]))
        except (KeyError, TypeError):
            raise InvalidSubscription("expected {endpoint, keys: {p256dh, auth}}") from None

    @property
    def origin(self) -> str:
        """scheme://host[:port] — the VAPID ``aud`` for this endpoint."""
        parts = urlsplit(self.endpoint)
        return f"{parts.scheme}://{parts.netloc}"

    def info(self) -> dict[str, str | bytes | dict[str, str | bytes]]:
        """The ``subscription_info`` dict pywebpush expects."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def check_endpoint(
    endpoint: str,
    *,
    allowed_hosts: Collection[str] | None = DEFAULT_PUSH_HOSTS,
    allow_insecure: bool = False,
) -> None:
    """Raise :class:`InvalidSubscription` unless ``endpoint`` is an https URL of a push service.

    ``allowed_hosts``: host names (a subdomain of one counts too); ``None`` allows any host.
    ``allow_insecure``: accept http (tests and benchmarks on loopback only).
    """
    parts = urlsplit(endpoint)
    if parts.scheme != "https" and not (allow_insecure and parts.scheme == "http"):
        raise InvalidSubscription("push endpoints must be https")
    if parts.username or parts.password:
        raise InvalidSubscription("push endpoints must not carry credentials")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidSubscription("push endpoint has no host")
    if allowed_hosts is not None and not any(
        host == h or host.endswith("." + h) for h in allowed_hosts
    ):
        raise InvalidSubscription(f"{host} is not a known push service")
    if len(endpoint) > 2048:
        raise InvalidSubscription("push endpoint too long")


# --------------------------------------------------------------------------- payloads


class PayloadTooLarge(ValueError):
    pass


class PushPayload(msgspec.Struct, frozen=True, kw_only=True):
    """Payload of an open (TERBUKA/TERHAD) item. ``url`` is a path inside the PWA."""

    kind: str
    title: str
    body: str
    url: str
    tag: str
    classified: bool = False


class ClassifiedPushPayload(msgspec.Struct, frozen=True, kw_only=True):
    """Payload of a SULIT item: no body field exists, and the title is the kind's label.

    The service worker shows its own fixed text ("Buka Hadir untuk melihat butiran") as body
    and opens ``url`` — behind sign-in, where committee membership is checked.
    """

    kind: str
    title: str
    url: str
    tag: str
    classified: bool = True


AnyPushPayload = PushPayload | ClassifiedPushPayload
_encoder = msgspec.json.Encoder()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _check_app_path(url: str) -> str:
    # A path in the app, opened by the service worker with clients.openWindow(): same origin
    # only, so a payload can never send the user to another site.
    if not url.startswith("/") or url.startswith("//") or any(c.isspace() for c in url):
        raise ValueError("push url must be a path inside the app, like /mesyuarat/42")
    if len(url) > 512:
        raise ValueError("push url too long")
    return url


def make_payload(
    kind: Kind | str,
    lang: str | None,
    params: Mapping[str, ParamValue],
    *,
    url: str,
    classification: Classification = Classification.TERBUKA,
    tag: str | None = None,
    tz: str = DEFAULT_TZ,
) -> AnyPushPayload:
    """Build the payload of one push in the recipient's language.

    ``tag`` (default: the kind) is the Notification tag: a newer notification with the same tag
    replaces the older one on the device. For classification SULIT the result is a
    :class:`ClassifiedPushPayload` and ``params`` are not used at all.
    """
    k = Kind(kind)
    if spec(k).push is None:
        raise ValueError(f"{k.value} is never pushed")
    tag = tag or k.value
    if not _TAG_RE.match(tag):
        raise ValueError("tag: 1-64 characters of [A-Za-z0-9:_.-]")
    _check_app_path(url)
    if not content_allowed_in_push(classification):
        return ClassifiedPushPayload(kind=k.value, title=label(k, lang), url=url, tag=tag)
    title, body = render_push_text(k, lang, params, tz=tz)
    return PushPayload(
        kind=k.value,
        title=_clip(title, MAX_TITLE_CHARS),
        body=_clip(body, MAX_BODY_CHARS),
        url=url,
        tag=tag,
    )


def encode_payload(payload: AnyPushPayload) -> str:
    """Compact JSON; :class:`PayloadTooLarge` past :data:`MAX_PAYLOAD_BYTES`."""
    data = _encoder.encode(payload)
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"push payload is {len(data)} bytes (max {MAX_PAYLOAD_BYTES})")
    return data.decode("utf-8")


@dataclass(frozen=True, slots=True)
class PushMessage:
    """One push as sent to every subscription of a fan-out: JSON data + RFC 8030 headers."""

    data: str
    ttl: int
    urgency: Urgency = Urgency.NORMAL
    topic: str | None = None

    def __post_init__(self) -> None:
        if self.ttl < 0:
            raise ValueError("ttl must be >= 0")
        if len(self.data.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise PayloadTooLarge("push data too large")
        if self.topic is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", self.topic):
            raise ValueError("topic: 1-32 characters of the URL-safe base64 alphabet")

    @classmethod
    def for_kind(
        cls,
        payload: AnyPushPayload,
        *,
        item_key: str | None = None,
        ttl: int | None = None,
    ) -> Self:
        """TTL, urgency and topic from the kind registry. ``item_key`` (e.g. the meeting id)
        selects the per-item topic of kinds that have one; ``ttl`` may shorten the default
        (a reminder is useless after the meeting has started)."""
        s = spec(payload.kind)
        if s.push is None:
            raise ValueError(f"{payload.kind} is never pushed")
        effective_ttl = s.push.ttl if ttl is None else min(ttl, s.push.ttl)
        return cls(
            data=encode_payload(payload),
            ttl=max(0, effective_ttl),
            urgency=s.push.urgency,
            topic=s.topic_for(item_key),
        )


# --------------------------------------------------------------------------- results


class PushOutcome(StrEnum):
    DELIVERED = "delivered"
    """Accepted by the push service (201/202); it will deliver within the TTL."""
    GONE = "gone"
    """404/410: the subscription no longer exists. Delete it; never retry."""
    RETRYABLE = "retryable"
    """429, 5xx, timeouts, network errors: try again later (honour ``retry_after``)."""
    PERMANENT = "permanent"
    """Other 4xx (400, 401, 403, 413 …): this message will never be accepted."""


@dataclass(frozen=True, slots=True)
class PushResult:
    endpoint: str
    outcome: PushOutcome
    status: int | None = None
    retry_after: float | None = None
    detail: str = ""


def classify_status(status: int) -> PushOutcome:
    """The outcome of an HTTP status from a push service (pure)."""
    if status in (200, 201, 202):
        return PushOutcome.DELIVERED
    if status in (404, 410):
        return PushOutcome.GONE
    if status == 429 or 500 <= status < 600 or status == 408:
        return PushOutcome.RETRYABLE
    if 400 <= status < 500:
        return PushOutcome.PERMANENT
    return PushOutcome.RETRYABLE  # 1xx/3xx/other 2xx: unexpected, do not drop the message


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# --------------------------------------------------------------------------- sender


@dataclass(slots=True)
class PushStats:
    """Counters of one sender, for metrics."""

    sent: int = 0
    by_outcome: dict[PushOutcome, int] = field(default_factory=dict)
    vapid_signatures: int = 0
    seconds: float = 0.0
    """Wall time inside send(), including waiting for the push service."""


class PushSender:
    """Sends Web Push messages over one shared ``aiohttp.ClientSession``.

    ``subject`` is the VAPID ``sub``: ``mailto:`` of the operator or an https URL, so a push
    service can contact whoever runs this server. Use as ``async with PushSender(...) as p``
    or call :meth:`start` / :meth:`close` from the application's lifespan.
    """

    def __init__(
        self,
        keys: VapidKeys,
        subject: str,
        *,
        timeout: float = 10.0,
        max_connections: int = 100,
        token_lifetime: float = 12 * 3600,
        refresh_margin: float = 3600,
        allowed_hosts: Collection[str] | None = DEFAULT_PUSH_HOSTS,
        allow_insecure: bool = False,
        max_audiences: int = 1024,
    ) -> None:
        if not (subject.startswith("mailto:") or subject.startswith("https://")):
            raise ValueError("VAPID subject must be a mailto: or https: URI")
        if not 0 < refresh_margin < token_lifetime <= 24 * 3600:
            raise ValueError("need 0 < refresh_margin < token_lifetime <= 24 h (RFC 8292)")
        self.keys = keys
        self.subject = subject
        self.timeout = timeout
        self.max_connections = max_connections
        self.token_lifetime = token_lifetime
        self.refresh_margin = refresh_margin
        self.allowed_hosts = allowed_hosts
        self.allow_insecure = allow_insecure
        self.max_audiences = max_audiences
        self.stats = PushStats()
        self._vapid = keys.vapid()
        try:  # py_vapid has its own, stricter idea of a valid sub: find out now, not mid-send
            self._vapid.sign({"aud": "https://push.invalid", "exp": 1, "sub": subject})
        except VapidException as exc:
            raise ValueError(f"VAPID subject refused: {exc}") from None
        self._tokens: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._session: aiohttp.ClientSession | None = None

    # -- lifecycle

    async def start(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.max_connections)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            raise RuntimeError("PushSender is not started")
        return self._session

    # -- VAPID

    def authorization(self, audience: str, *, now: float | None = None) -> str:
        """The ``Authorization: vapid t=…,k=…`` header for a push service origin (cached)."""
        now = time.time() if now is None else now
        cached = self._tokens.get(audience)
        if cached is not None and cached[1] - self.refresh_margin > now:
            self._tokens.move_to_end(audience)
            return cached[0]
        exp = int(now + self.token_lifetime)
        header: str = self._vapid.sign({"aud": audience, "exp": exp, "sub": self.subject})[
            "Authorization"
        ]
        self.stats.vapid_signatures += 1
        self._tokens[audience] = (header, float(exp))
        self._tokens.move_to_end(audience)
        while len(self._tokens) > self.max_audiences:
            self._tokens.popitem(last=False)
        return header

    # -- sending

    async def send(self, subscription: PushSubscription, message: PushMessage) -> PushResult:
        """Encrypt and POST one message; never raises for delivery problems."""
        endpoint = subscription.endpoint
        try:
            check_endpoint(
                endpoint, allowed_hosts=self.allowed_hosts, allow_insecure=self.allow_insecure
            )
        except InvalidSubscription as exc:
            return self._count(PushResult(endpoint, PushOutcome.PERMANENT, detail=str(exc)), 0.0)
        headers: dict[str, str | int | float] = {
            "Authorization": self.authorization(subscription.origin),
            "Urgency": message.urgency.value,
        }
        if message.topic:
            headers["Topic"] = message.topic
        started = time.perf_counter()
        try:
            result = await self._post(subscription, message, headers)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            result = PushResult(
                endpoint, PushOutcome.RETRYABLE, detail=f"{type(exc).__name__}: {exc}"
            )
        return self._count(result, time.perf_counter() - started)

    async def _post(
        self,
        subscription: PushSubscription,
        message: PushMessage,
        headers: dict[str, str | int | float],
    ) -> PushResult:
        endpoint = subscription.endpoint
        try:
            response = await webpush_async(
                subscription.info(),
                data=message.data,
                headers=headers,
                ttl=message.ttl,
                timeout=self.timeout,
                aiohttp_session=self.session,
            )
        except WebPushException as exc:
            status = exc.status_code
            if status is None:  # failed before any request: unusable subscription data
                return PushResult(endpoint, PushOutcome.PERMANENT, detail=exc.message)
            return PushResult(
                endpoint,
                classify_status(status),
                status=status,
                retry_after=parse_retry_after(exc.retry_after),
                detail=_short(exc.message),
            )
        status = response.status if isinstance(response, aiohttp.ClientResponse) else 201
        return PushResult(endpoint, classify_status(status), status=status)

    async def send_many(
        self,
        subscriptions: Iterable[PushSubscription],
        message: PushMessage,
        *,
        concurrency: int = 32,
    ) -> list[PushResult]:
        """Fan one message out; results in the order of ``subscriptions``.

        A fixed pool of ``concurrency`` workers (not one task per subscription): measured
        faster at 10,000 subscriptions, and memory stays flat. Around 32 in flight is the sweet
        spot on one core; more only queues in the event loop.
        """
        subs: Sequence[PushSubscription] = (
            subscriptions if isinstance(subscriptions, Sequence) else list(subscriptions)
        )
        results: list[PushResult | None] = [None] * len(subs)
        next_index = 0

        async def worker() -> None:
            nonlocal next_index
            while next_index < len(subs):
                i = next_index
                next_index += 1
                results[i] = await self.send(subs[i], message)

        await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(subs))))))
        return [r for r in results if r is not None]

    def _count(self, result: PushResult, seconds: float) -> PushResult:
        self.stats.sent += 1
        self.stats.seconds += seconds
        self.stats.by_outcome[result.outcome] = self.stats.by_outcome.get(result.outcome, 0) + 1
        return result


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
