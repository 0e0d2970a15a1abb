"""Configuration comes only from the environment and a wrong value names its variable."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from api.config import ConfigError, load_settings

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "BASE_URL",
        "HADIR_ENV",
        "HADIR_TIMEZONE",
        "BACKUP_KEEP",
        "LOG_LEVEL",
        "SESSION_IDLE_MINUTES",
        "HADIR_MASTER_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HADIR_VAR_DIR", str(tmp_path / "var"))
    return monkeypatch


def test_defaults_are_an_embedded_sqlite_development_setup(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings()
    assert settings.env == "development"
    assert settings.is_sqlite
    assert settings.sqlite_path == tmp_path / "var" / "hadir.sqlite3"
    assert settings.timezone == "Asia/Kuala_Lumpur"
    assert settings.redis_url is None
    assert settings.base_url == "http://localhost:8000"


def test_secret_key_is_generated_once_and_kept_private(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = load_settings().secret_key
    second = load_settings().secret_key
    assert first == second and len(first) >= 32
    key_file = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("DATABASE_URL", "mysql://localhost/x", "DATABASE_URL"),
        ("DATABASE_URL", "postgresql://", "DATABASE_URL"),
        ("DATABASE_URL", "sqlite://", "DATABASE_URL"),
        ("REDIS_URL", "http://localhost:6379", "REDIS_URL"),
        ("SECRET_KEY", "short", "SECRET_KEY"),
        ("BASE_URL", "ftp://example", "BASE_URL"),
        ("HADIR_ENV", "staging", "HADIR_ENV"),
        ("HADIR_TIMEZONE", "Mars/Olympus", "HADIR_TIMEZONE"),
        ("BACKUP_KEEP", "many", "BACKUP_KEEP"),
        ("BACKUP_KEEP", "0", "BACKUP_KEEP"),
        ("SESSION_IDLE_MINUTES", "-5", "SESSION_IDLE_MINUTES"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL"),
    ],
)
def test_a_wrong_value_names_the_variable(
    env: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    env.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


def test_production_requires_a_secret_key_and_https(env: pytest.MonkeyPatch) -> None:
    env.setenv("HADIR_ENV", "production")
    env.setenv("BASE_URL", "https://hadir.example.gov.my")
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        load_settings()
    env.setenv("SECRET_KEY", "x" * 40)
    env.setenv("BASE_URL", "http://hadir.example.gov.my")
    with pytest.raises(ConfigError, match="BASE_URL must use https"):
        load_settings()
    env.setenv("BASE_URL", "https://hadir.example.gov.my")
    with pytest.raises(ConfigError, match="HADIR_MASTER_KEY is required"):
        load_settings()
    env.setenv("HADIR_MASTER_KEY", "c2hvcnQ")
    with pytest.raises(ConfigError, match="32 bytes"):
        load_settings()
    env.setenv("HADIR_MASTER_KEY", base64.urlsafe_b64encode(b"k" * 32).decode())
    assert load_settings().is_production


def test_postgres_url_is_accepted(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgresql://hadir@db.internal:5432/hadir")
    assert not load_settings().is_sqlite


def test_postgres_unix_socket_url_is_accepted(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgresql://hadir@/hadir?host=/run/postgresql")
    assert not load_settings().is_sqlite
    env.setenv("DATABASE_URL", "postgresql:///?host=/run/postgresql")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings()


def test_database_pool_size_and_group_commit(env: pytest.MonkeyPatch) -> None:
    env.delenv("DATABASE_POOL_SIZE", raising=False)
    env.delenv("HADIR_GROUP_COMMIT", raising=False)
    assert load_settings().database_pool_size == 8
    assert load_settings().group_commit
    env.setenv("DATABASE_POOL_SIZE", "3")
    env.setenv("HADIR_GROUP_COMMIT", "0")
    assert load_settings().database_pool_size == 3
    assert not load_settings().group_commit
    env.setenv("DATABASE_POOL_SIZE", "0")
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE"):
        load_settings()


def test_start_up_stops_with_one_clear_line(tmp_path: Path) -> None:
    environment = dict(os.environ, HADIR_VAR_DIR=str(tmp_path), DATABASE_URL="oracle://x")
    result = subprocess.run(
        [sys.executable, "-m", "api", "check-config"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DATABASE_URL" in lines[0]


def test_the_settings_are_parsed_once_per_process() -> None:
    # Regression: the cache once slid onto another function and every request re-read the
    # environment and the key files (about 450 µs of CPU per check-in).
    from api.config import get_settings

    assert get_settings() is get_settings()
