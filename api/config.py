"""Settings, read only from environment variables and validated once at start-up.

A wrong value raises `ConfigError` with one line that names the variable; the CLI and the
ASGI factory print that line and stop. Nothing else in Hadir reads `os.environ`.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
import secrets
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import msgspec

from notifications.email import SmtpSecurity, SmtpSettings
from notifications.push import VapidKeys

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Environment = Literal["development", "test", "production"]


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message names the variable."""


DEFAULT_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Environment = "development"
    database_url: str
    redis_url: str | None = None
    secret_key: str
    base_url: str = "http://localhost:8000"
    timezone: str = "Asia/Kuala_Lumpur"
    var_dir: Path
    log_level: str = "INFO"
    backup_dir: Path
    backup_keep: int = 14
    backup_hour: int = 2
    # BACKUP_ENCRYPT: seal backups with a key of their own, wrapped by the master key.
    backup_encrypt: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    scheduler_enabled: bool = True
    # AES-256 key that wraps stored secrets (TOTP secrets, SULIT document keys); kept outside
    # the database: HADIR_MASTER_KEY (base64url, 32 bytes) or var/master_key in development.
    master_key: bytes = b""
    # Earlier master keys (HADIR_MASTER_KEY_PREVIOUS, comma-separated base64url): still open
    # what they wrapped until `python -m api rotate-master-key` has re-wrapped it.
    master_keys_previous: tuple[bytes, ...] = ()
    # Uploaded files (api.files): "local" directory (FILE_STORE_DIR, default var/files) or
    # "database" (a table; for several instances without a shared disk).
    file_store: Literal["local", "database"] = "local"
    file_store_dir: Path | None = None
    paper_max_bytes: int = 25 * 1024 * 1024  # PAPER_MAX_BYTES: largest meeting paper
    # REQUEST_MAX_BYTES: largest request body of a route that sets no limit of its own
    # (uploads and imports set theirs); enforced before and while the body is read (413).
    request_max_bytes: int = 4 * 1024 * 1024
    sign_in_rate_per_minute: int = 30
    # Notifications (api.outbox). smtp None: e-mail waits in the outbox until it is configured.
    smtp: SmtpSettings | None = None
    mail_from: str = "hadir@localhost"  # default sender; agencies may have their own
    mail_from_name: str = "Hadir"
    mail_reply_to: str | None = None
    vapid_private_key: str | None = None  # None: generated once into var/vapid.pem
    vapid_subject: str = "mailto:hadir@localhost"
    push_hosts: tuple[str, ...] | None = None  # None: notifications.push.DEFAULT_PUSH_HOSTS
    push_allow_http: bool = False  # loopback push services in tests only
    digest_hour: int = 7
    # Calendar replies (iMIP, api.meetings.imip): the ORGANIZER address of every invitation,
    # and where the worker listens for the mail sent to it ("host:port"); None: not received.
    imip_address: str | None = None
    imip_listen: tuple[str, int] | None = None
    # Biometric-device punch files (api.attendance.imports): CSVs dropped in punch_import_dir
    # are imported at these local times (HH:MM) and moved to its done/ folder with a report.
    punch_import_times: tuple[tuple[int, int], ...] = ((9, 30), (23, 0))
    punch_import_dir: Path | None = None
    # Meeting reminders (api.meetings.reminders): seconds before the start, largest first.
    meeting_reminder_offsets: tuple[int, ...] = (86_400, 3_600)
    meeting_rsvp_chaser_offsets: tuple[int, ...] = (259_200, 86_400)
    # TRUSTED_PROXIES: the reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the
    # client; from any other peer the header is ignored.
    trusted_proxies: tuple[str, ...] = ()
    # `python -m api serve`: HOST, PORT and WEB_CONCURRENCY (granian worker processes).
    host: str = "127.0.0.1"
    port: int = 8000
    web_concurrency: int = 1
    # /metrics answers only a peer in METRICS_ALLOW (CIDRs) or a request with METRICS_TOKEN.
    metrics_allow: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    metrics_token: str | None = None
    # The office map's background (MAP_TILE_URL, an XYZ template with {z}, {x}, {y} and
    # optionally {s}); its origin is added to the CSP's img-src. Attribution shown on the map.
    map_tile_url: str = DEFAULT_MAP_TILE_URL
    map_tile_attribution: str = "© OpenStreetMap"
    # HADIR_GROUP_COMMIT=0: one SQLite transaction per write instead of grouped commits
    # (api.core.group_commit), to measure what grouping brings or rule it out.
    group_commit: bool = True
    # DATABASE_POOL_SIZE: PostgreSQL connections per process (api.db; docs/scale.md).
    database_pool_size: int = 8

    @property
    def webauthn_rp_id(self) -> str:
        """The relying party id for passkeys: the host name of BASE_URL."""
        return urlsplit(self.base_url).hostname or "localhost"

    @property
    def webauthn_origins(self) -> list[str]:
        return [self.base_url]

    @property
    def map_tile_source(self) -> str:
        """The CSP source that lets the PWA load the map's tiles ({s} becomes a wildcard)."""
        parts = urlsplit(self.map_tile_url.replace("{s}", "tiles-s"))
        host = (parts.netloc or "").replace("tiles-s", "*")
        return f"{parts.scheme}://{host}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def sqlite_path(self) -> Path:
        """The file of a `sqlite:///relative` or `sqlite:////absolute` URL (SQLAlchemy style)."""
        path = Path(self.database_url.removeprefix("sqlite:///"))
        return path if path.is_absolute() else PROJECT_ROOT / path


def _int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _database_url(var_dir: Path) -> str:
    raw = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'hadir.sqlite3'}"
    scheme = urlsplit(raw).scheme
    if scheme == "sqlite":
        if not raw.startswith("sqlite:///") or raw == "sqlite:///":
            raise ConfigError("DATABASE_URL must name a file, e.g. sqlite:///var/hadir.sqlite3")
        return raw
    if scheme in {"postgres", "postgresql"}:
        parts = urlsplit(raw)
        # A Unix socket is named by ?host=/run/postgresql (libpq's and asyncpg's form).
        has_host = parts.hostname or "host=" in parts.query
        if not has_host or not parts.path.strip("/"):
            raise ConfigError(
                "DATABASE_URL must name a host and a database, "
                "e.g. postgresql://user@127.0.0.1:5432/hadir"
            )
        return raw
    raise ConfigError(
        f"DATABASE_URL must start with sqlite:/// or postgresql://, got scheme {scheme!r}"
    )


def _secret_key(env: str, var_dir: Path) -> str:
    raw = os.environ.get("SECRET_KEY")
    if raw:
        if len(raw) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long")
        return raw
    if env == "production":
        raise ConfigError("SECRET_KEY is required when HADIR_ENV=production")
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written with owner-only permissions: this key signs sessions and wraps stored secrets.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _decode_master_key(name: str, raw: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (ValueError, binascii.Error):
        raise ConfigError(f"{name} must be base64url text") from None
    if len(key) != 32:
        raise ConfigError(f"{name} must decode to exactly 32 bytes (AES-256)")
    return key


def _previous_master_keys() -> tuple[bytes, ...]:
    raw = os.environ.get("HADIR_MASTER_KEY_PREVIOUS") or ""
    return tuple(
        _decode_master_key("HADIR_MASTER_KEY_PREVIOUS", part.strip())
        for part in raw.split(",")
        if part.strip()
    )


def _file_store(var_dir: Path) -> dict[str, Any]:
    kind = (os.environ.get("FILE_STORE") or "local").strip().lower()
    if kind not in {"local", "database"}:
        raise ConfigError(f"FILE_STORE must be local or database, got {kind!r}")
    raw_dir = os.environ.get("FILE_STORE_DIR") or ""
    directory = Path(raw_dir) if raw_dir else var_dir / "files"
    if not directory.is_absolute():
        directory = PROJECT_ROOT / directory
    return {
        "file_store": kind,
        "file_store_dir": directory,
        "paper_max_bytes": _int(
            "PAPER_MAX_BYTES", 25 * 1024 * 1024, minimum=1024, maximum=1024 * 1024 * 1024
        ),
    }


def _master_key(env: str, var_dir: Path) -> bytes:
    raw = os.environ.get("HADIR_MASTER_KEY")
    if raw:
        return _decode_master_key("HADIR_MASTER_KEY", raw)
    if env == "production":
        raise ConfigError("HADIR_MASTER_KEY is required when HADIR_ENV=production")
    key_file = var_dir / "master_key"
    if key_file.exists():
        return base64.urlsafe_b64decode(key_file.read_text().strip())
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.urlsafe_b64encode(key).decode())
    return key


_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def _address(name: str, default: str | None) -> str | None:
    raw = os.environ.get(name) or default
    if raw is not None and not _ADDRESS.match(raw):
        raise ConfigError(f"{name} must be an e-mail address, got {raw!r}")
    return raw


def _notification_settings(env: str, base_url: str) -> dict[str, Any]:
    """SMTP relay (HADIR_SMTP_*), default sender (HADIR_MAIL_*), Web Push (HADIR_VAPID_*,
    HADIR_PUSH_*) and the daily digest hour. See notifications/README.md."""

    production = env == "production"
    smtp = None
    host = os.environ.get("HADIR_SMTP_HOST") or None
    if host:
        security = (os.environ.get("HADIR_SMTP_SECURITY") or "starttls").lower()
        if security not in {s.value for s in SmtpSecurity}:
            raise ConfigError(
                f"HADIR_SMTP_SECURITY must be starttls, tls or none, got {security!r}"
            )
        if production and security == "none" and host not in {"localhost", "127.0.0.1", "::1"}:
            raise ConfigError("HADIR_SMTP_SECURITY=none is only allowed for a relay on this host")
        username = os.environ.get("HADIR_SMTP_USERNAME") or None
        password = os.environ.get("HADIR_SMTP_PASSWORD") or None
        if username and not password:
            raise ConfigError("HADIR_SMTP_PASSWORD is required when HADIR_SMTP_USERNAME is set")
        ca_file = os.environ.get("HADIR_SMTP_CA_FILE") or None
        if ca_file and not Path(ca_file).is_file():
            raise ConfigError(f"HADIR_SMTP_CA_FILE is not a file: {ca_file!r}")
        smtp = SmtpSettings(
            host=host,
            port=_int("HADIR_SMTP_PORT", 0, minimum=1, maximum=65535) or None,
            security=SmtpSecurity(security),
            username=username,
            password=password,
            timeout=float(_int("HADIR_SMTP_TIMEOUT", 30, minimum=1, maximum=600)),
            validate_certs=_bool("HADIR_SMTP_VALIDATE_CERTS", True),
            ca_file=ca_file,
            local_hostname=os.environ.get("HADIR_SMTP_LOCAL_HOSTNAME") or None,
            envelope_from=_address("HADIR_SMTP_ENVELOPE_FROM", None),
        )
    mail_from = _address("HADIR_MAIL_FROM", f"hadir@{urlsplit(base_url).hostname}")
    assert mail_from is not None
    vapid_key = os.environ.get("HADIR_VAPID_PRIVATE_KEY") or None
    if vapid_key:
        try:
            VapidKeys.load(vapid_key)
        except (ValueError, TypeError):
            raise ConfigError(
                "HADIR_VAPID_PRIVATE_KEY must be a P-256 private key (PEM or 32 bytes base64url)"
            ) from None
    subject = os.environ.get("HADIR_VAPID_SUBJECT") or f"mailto:{mail_from}"
    if not subject.startswith(("mailto:", "https://")):
        raise ConfigError(f"HADIR_VAPID_SUBJECT must be a mailto: or https:// URI, got {subject!r}")
    hosts_raw = os.environ.get("HADIR_PUSH_HOSTS") or None
    push_hosts = None
    if hosts_raw:
        push_hosts = tuple(h.strip().lower() for h in hosts_raw.split(",") if h.strip())
        if not push_hosts or any(not re.fullmatch(r"[a-z0-9.-]+", h) for h in push_hosts):
            raise ConfigError(
                f"HADIR_PUSH_HOSTS must be comma-separated host names, got {hosts_raw!r}"
            )
    push_allow_http = _bool("HADIR_PUSH_ALLOW_HTTP", False)
    if production and push_allow_http:
        raise ConfigError("HADIR_PUSH_ALLOW_HTTP must be false when HADIR_ENV=production")
    return {
        "smtp": smtp,
        "mail_from": mail_from,
        "mail_from_name": os.environ.get("HADIR_MAIL_FROM_NAME") or "Hadir",
        "mail_reply_to": _address("HADIR_MAIL_REPLY_TO", None),
        "vapid_private_key": vapid_key,
        "vapid_subject": subject,
        "push_hosts": push_hosts,
        "push_allow_http": push_allow_http,
        "digest_hour": _int("HADIR_DIGEST_HOUR", 7, minimum=0, maximum=23),
        "imip_address": _address("HADIR_IMIP_ADDRESS", None),
        "imip_listen": _listen("HADIR_IMIP_LISTEN"),
    }


def _listen(name: str) -> tuple[str, int] | None:
    raw = os.environ.get(name) or None
    if raw is None:
        return None
    host, _, port = raw.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"{name} must be host:port, got {raw!r}")
    return host.strip("[]"), int(port)


def load_settings() -> Settings:
    env = os.environ.get("HADIR_ENV", "development")
    if env not in ("development", "test", "production"):
        raise ConfigError(f"HADIR_ENV must be development, test or production, got {env!r}")
    var_dir = Path(os.environ.get("HADIR_VAR_DIR") or PROJECT_ROOT / "var")
    if not var_dir.is_absolute():
        var_dir = PROJECT_ROOT / var_dir

    default_base = f"http://localhost:{os.environ.get('PORT') or 8000}"
    base_url = (os.environ.get("BASE_URL") or default_base).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"BASE_URL must be an http(s) URL, got {base_url!r}")
    if env == "production" and parts.scheme != "https":
        raise ConfigError("BASE_URL must use https when HADIR_ENV=production")

    timezone = os.environ.get("HADIR_TIMEZONE", "Asia/Kuala_Lumpur")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"HADIR_TIMEZONE is not a known time zone: {timezone!r}") from None

    redis_url = os.environ.get("REDIS_URL") or None
    if redis_url and urlsplit(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL must start with redis:// or rediss://, got {redis_url!r}")

    log_level = os.environ.get("LOG_LEVEL", "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")

    backup_dir = Path(os.environ.get("BACKUP_DIR") or var_dir / "backups")

    return Settings(
        env=env,  # type: ignore[arg-type]
        database_url=_database_url(var_dir),
        redis_url=redis_url,
        secret_key=_secret_key(env, var_dir),
        base_url=base_url,
        timezone=timezone,
        var_dir=var_dir,
        log_level=log_level,
        backup_dir=backup_dir if backup_dir.is_absolute() else PROJECT_ROOT / backup_dir,
        backup_keep=_int("BACKUP_KEEP", 14, minimum=1, maximum=3650),
        backup_hour=_int("BACKUP_HOUR", 2, minimum=0, maximum=23),
        backup_encrypt=_bool("BACKUP_ENCRYPT", False),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=24 * 7),
        scheduler_enabled=_bool("HADIR_SCHEDULER", True),
        master_key=_master_key(env, var_dir),
        master_keys_previous=_previous_master_keys(),
        **_file_store(var_dir),
        sign_in_rate_per_minute=_int("SIGN_IN_RATE_PER_MINUTE", 30, minimum=1, maximum=100_000),
        request_max_bytes=_int(
            "REQUEST_MAX_BYTES", 4 * 1024 * 1024, minimum=64 * 1024, maximum=64 * 1024 * 1024
        ),
        **_notification_settings(env, base_url),
        punch_import_times=_punch_import_times(),
        punch_import_dir=_optional_dir("PUNCH_IMPORT_DIR", var_dir / "punch-imports"),
        meeting_reminder_offsets=_reminder_offsets(),
        trusted_proxies=_networks("TRUSTED_PROXIES", ""),
        host=os.environ.get("HOST") or "127.0.0.1",
        port=_int("PORT", 8000, minimum=0, maximum=65535),  # 0: any free port
        web_concurrency=_int("WEB_CONCURRENCY", 1, minimum=1, maximum=256),
        metrics_allow=_networks("METRICS_ALLOW", "127.0.0.0/8,::1/128"),
        metrics_token=_metrics_token(),
        meeting_rsvp_chaser_offsets=_reminder_offsets("MEETING_RSVP_CHASER_OFFSETS", "3d,1d"),
        map_tile_url=_map_tile_url(),
        map_tile_attribution=(os.environ.get("MAP_TILE_ATTRIBUTION") or "© OpenStreetMap")[:200],
        group_commit=_bool("HADIR_GROUP_COMMIT", True),
        database_pool_size=_int("DATABASE_POOL_SIZE", 8, minimum=1, maximum=200),
    )


def _map_tile_url() -> str:
    """MAP_TILE_URL: an https XYZ tile template (http only for localhost, e.g. a test server)."""
    url = os.environ.get("MAP_TILE_URL") or DEFAULT_MAP_TILE_URL
    parts = urlsplit(url.replace("{s}", "s"))
    local = parts.hostname in {"localhost", "127.0.0.1"}
    if not (parts.scheme == "https" or (parts.scheme == "http" and local)) or not parts.hostname:
        raise ConfigError(f"MAP_TILE_URL must be an https URL, got {url!r}")
    if not all(part in url for part in ("{z}", "{x}", "{y}")) or any(c in url for c in " ;'\""):
        raise ConfigError(f"MAP_TILE_URL must contain {{z}}, {{x}} and {{y}}, got {url!r}")
    return url


def _networks(name: str, default: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or CIDR networks, normalised (10.0.0.1 → 10.0.0.1/32)."""
    raw = os.environ.get(name, default)
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise ConfigError(f"{name} must be IP addresses or CIDRs, got {part!r}") from None
    return tuple(networks)


def _metrics_token() -> str | None:
    token = os.environ.get("METRICS_TOKEN") or None
    if token is not None and len(token) < 24:
        raise ConfigError("METRICS_TOKEN must be at least 24 characters")
    return token


def _reminder_offsets(
    name: str = "MEETING_REMINDER_OFFSETS", default: str = "1d,1h"
) -> tuple[int, ...]:
    """MEETING_REMINDER_OFFSETS (or MEETING_RSVP_CHASER_OFFSETS): comma-separated durations
    before a meeting such as "1d,1h" or "2h,15m" (d, h or m). "none" turns them off."""
    raw = os.environ.get(name) or default
    if raw.strip().lower() == "none":
        return ()
    units = {"d": 86_400, "h": 3_600, "m": 60}
    offsets = set()
    for part in raw.split(","):
        part = part.strip().lower()
        if not part:
            continue
        if not re.fullmatch(r"[0-9]{1,4}[dhm]", part) or int(part[:-1]) == 0:
            raise ConfigError(f"{name} must be durations like 1d,1h,30m, got {raw!r}")
        offsets.add(int(part[:-1]) * units[part[-1]])
    return tuple(sorted(offsets, reverse=True))


def _punch_import_times() -> tuple[tuple[int, int], ...]:
    """PUNCH_IMPORT_TIMES: comma-separated local HH:MM times (default "09:30,23:00")."""
    raw = os.environ.get("PUNCH_IMPORT_TIMES") or "09:30,23:00"
    times = []
    for part in raw.split(","):
        try:
            hour, minute = (int(x) for x in part.strip().split(":"))
        except ValueError:
            raise ConfigError(f"PUNCH_IMPORT_TIMES must be HH:MM,HH:MM…, got {raw!r}") from None
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise ConfigError(f"PUNCH_IMPORT_TIMES has a time out of range: {part.strip()!r}")
        times.append((hour, minute))
    return tuple(sorted(set(times)))


def _optional_dir(name: str, default: Path) -> Path:
    path = Path(os.environ.get(name) or default)
    return path if path.is_absolute() else PROJECT_ROOT / path


@lru_cache(maxsize=1)
def first_admin_password() -> str | None:
    """HADIR_ADMIN_PASSWORD, for `python -m api create-admin` without a prompt (never kept in
    `Settings`: it is needed once, by that command only)."""
    return os.environ.get("HADIR_ADMIN_PASSWORD") or None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (parsed once: the check-in path asks for them several times
    per request)."""
    return load_settings()
