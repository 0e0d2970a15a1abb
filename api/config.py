"""Settings, read only from environment variables and validated once at start-up.

A wrong value raises `ConfigError` with one line that names the variable; the CLI and the
ASGI factory print that line and stop. Nothing else in Hadir reads `os.environ`.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Environment = Literal["development", "test", "production"]


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message names the variable."""


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
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    scheduler_enabled: bool = True
    # AES-256 key that wraps stored secrets (TOTP secrets, SULIT document keys); kept outside
    # the database: HADIR_MASTER_KEY (base64url, 32 bytes) or var/master_key in development.
    master_key: bytes = b""
    sign_in_rate_per_minute: int = 30

    @property
    def webauthn_rp_id(self) -> str:
        """The relying party id for passkeys: the host name of BASE_URL."""
        return urlsplit(self.base_url).hostname or "localhost"

    @property
    def webauthn_origins(self) -> list[str]:
        return [self.base_url]

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
        if not parts.hostname or not parts.path.strip("/"):
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
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written with owner-only permissions: this key signs sessions and wraps stored secrets.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _master_key(env: str, var_dir: Path) -> bytes:
    raw = os.environ.get("HADIR_MASTER_KEY")
    if raw:
        try:
            key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (ValueError, binascii.Error):
            raise ConfigError("HADIR_MASTER_KEY must be base64url text") from None
        if len(key) != 32:
            raise ConfigError("HADIR_MASTER_KEY must decode to exactly 32 bytes (AES-256)")
        return key
    if env == "production":
        raise ConfigError("HADIR_MASTER_KEY is required when HADIR_ENV=production")
    key_file = var_dir / "master_key"
    if key_file.exists():
        return base64.urlsafe_b64decode(key_file.read_text().strip())
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.urlsafe_b64encode(key).decode())
    return key


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
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=24 * 7),
        scheduler_enabled=_bool("HADIR_SCHEDULER", True),
        master_key=_master_key(env, var_dir),
        sign_in_rate_per_minute=_int("SIGN_IN_RATE_PER_MINUTE", 30, minimum=1, maximum=100_000),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (parsed once)."""
    return load_settings()
