"""Notification settings come from the environment; a wrong value names its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config import ConfigError, load_settings
from notifications.email import SmtpSecurity
from notifications.push import VapidKeys

NAMES = (
    "HADIR_ENV",
    "BASE_URL",
    "SECRET_KEY",
    "HADIR_MASTER_KEY",
    "HADIR_SMTP_HOST",
    "HADIR_SMTP_PORT",
    "HADIR_SMTP_SECURITY",
    "HADIR_SMTP_USERNAME",
    "HADIR_SMTP_PASSWORD",
    "HADIR_MAIL_FROM",
    "HADIR_VAPID_PRIVATE_KEY",
    "HADIR_VAPID_SUBJECT",
    "HADIR_PUSH_HOSTS",
    "HADIR_PUSH_ALLOW_HTTP",
    "HADIR_DIGEST_HOUR",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HADIR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    return monkeypatch


def test_defaults_send_no_email_and_derive_the_sender_from_base_url(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("BASE_URL", "https://hadir.jpm.gov.my")
    settings = load_settings()
    assert settings.smtp is None  # e-mail waits in the outbox
    assert settings.mail_from == "hadir@hadir.jpm.gov.my"
    assert settings.vapid_subject == "mailto:hadir@hadir.jpm.gov.my"
    assert settings.push_hosts is None and not settings.push_allow_http
    assert settings.digest_hour == 7


def test_smtp_and_vapid_from_the_environment(env: pytest.MonkeyPatch) -> None:
    key = VapidKeys.generate()
    env.setenv("HADIR_SMTP_HOST", "smtp.agensi.gov.my")
    env.setenv("HADIR_SMTP_SECURITY", "TLS")
    env.setenv("HADIR_SMTP_USERNAME", "hadir")
    env.setenv("HADIR_SMTP_PASSWORD", "rahsia-sangat")
    env.setenv("HADIR_VAPID_PRIVATE_KEY", key.private_base64url())
    env.setenv("HADIR_PUSH_HOSTS", "fcm.googleapis.com, push.apple.com")
    settings = load_settings()
    assert settings.smtp is not None
    assert settings.smtp.security is SmtpSecurity.TLS and settings.smtp.effective_port == 465
    assert "rahsia" not in repr(settings.smtp)
    assert settings.vapid_private_key == key.private_base64url()
    assert settings.push_hosts == ("fcm.googleapis.com", "push.apple.com")


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"HADIR_SMTP_HOST": "smtp.x", "HADIR_SMTP_SECURITY": "ssl3"}, "HADIR_SMTP_SECURITY"),
        ({"HADIR_SMTP_HOST": "smtp.x", "HADIR_SMTP_PORT": "smtp"}, "HADIR_SMTP_PORT"),
        ({"HADIR_SMTP_HOST": "smtp.x", "HADIR_SMTP_USERNAME": "u"}, "HADIR_SMTP_PASSWORD"),
        ({"HADIR_MAIL_FROM": "not an address"}, "HADIR_MAIL_FROM"),
        ({"HADIR_VAPID_PRIVATE_KEY": "c2hvcnQ"}, "HADIR_VAPID_PRIVATE_KEY"),
        ({"HADIR_VAPID_SUBJECT": "admin@agensi.gov.my"}, "HADIR_VAPID_SUBJECT"),
        ({"HADIR_PUSH_HOSTS": "http://evil"}, "HADIR_PUSH_HOSTS"),
        ({"HADIR_PUSH_ALLOW_HTTP": "maybe"}, "HADIR_PUSH_ALLOW_HTTP"),
        ({"HADIR_DIGEST_HOUR": "25"}, "HADIR_DIGEST_HOUR"),
    ],
)
def test_a_wrong_value_names_the_variable(
    env: pytest.MonkeyPatch, variables: dict[str, str], fragment: str
) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert fragment in str(raised.value) and "\n" not in str(raised.value)


def test_production_refuses_plain_http_push_endpoints(env: pytest.MonkeyPatch) -> None:
    env.setenv("HADIR_ENV", "production")
    env.setenv("BASE_URL", "https://hadir.jpm.gov.my")
    env.setenv("SECRET_KEY", "x" * 40)
    env.setenv("HADIR_MASTER_KEY", "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=")
    env.setenv("HADIR_PUSH_ALLOW_HTTP", "true")
    with pytest.raises(ConfigError, match="HADIR_PUSH_ALLOW_HTTP"):
        load_settings()
