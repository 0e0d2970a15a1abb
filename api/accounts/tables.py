"""How people sign in: credentials, server-side sessions, the audit trail."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from api.org.tables import User


class Credential(Table, tablename="credential"):
    """A user's password (argon2id hash) and the state of their sign-in attempts."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True)
    password_hash = Varchar(length=255, null=True, default=None)
    # A temporary password only allows changing the password, once, before it expires.
    password_is_temporary = Boolean(default=False)
    temporary_expires_at = Timestamptz(null=True, default=None)
    password_changed_at = Timestamptz(null=True, default=None)
    failed_attempts = Integer(default=0)
    locked_at = Timestamptz(null=True, default=None)
    # Bumped by database triggers whenever anything a signed-in principal is built from
    # changes (account state, password, lock, second factors, role grants): the cached
    # principal of every process is stale once it differs. See api/accounts/authz.py.
    security_stamp = Integer(default=0)


class HttpSession(Table, tablename="http_session"):
    """Server-side session data, so several processes share sessions without Redis."""

    id = Serial(primary_key=True)
    key = Varchar(length=128, unique=True)
    data = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)
    # Whose session it is (read from the session data), so a person's sessions can be listed
    # and ended; null for rate-limit counters and sign-ins still waiting for a second factor.
    user_id = Integer(null=True, default=None, index=True)


class AuditEvent(Table, tablename="audit_event"):
    """Append-only, hash-chained record of security-relevant events.

    `hash` = SHA-256 over the previous hash and this event's canonical JSON, so changing,
    removing or re-ordering any event breaks every later link (see `api.accounts.audit`).
    """

    id = Serial(primary_key=True)
    seq = BigInt(unique=True)
    at = Timestamptz(default=TimestamptzNow())
    agency_id = Integer(null=True, default=None, index=True)
    actor_id = Integer(null=True, default=None, index=True)
    action = Varchar(length=64, index=True)
    target_type = Varchar(length=32, default="")
    target_id = Varchar(length=64, default="")
    ip = Varchar(length=64, default="")
    detail = JSON(default={})
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class TotpFactor(Table, tablename="totp_factor"):
    """An authenticator-app secret (sealed with the master key) and the last time step used,
    so that each code is accepted once."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True)
    secret_sealed = Varchar(length=255)
    confirmed_at = Timestamptz(null=True, default=None)
    last_used_step = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Passkey(Table, tablename="passkey"):
    """A WebAuthn credential. `device_type` is single_device (device-bound) or multi_device
    (synced passkey); `backed_up` says whether it is currently backed up."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    credential_id = Varchar(length=512, unique=True)
    public_key = Bytea()
    sign_count = BigInt(default=0)
    transports = JSON(default=[])
    name = Varchar(length=64)
    device_type = Varchar(length=32)
    backed_up = Boolean(default=False)
    aaguid = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)


class RecoveryCode(Table, tablename="recovery_code"):
    """Single-use recovery codes, stored as keyed hashes (HMAC-SHA256), never in clear."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    code_hash = Varchar(length=64, index=True)
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class PasswordReset(Table, tablename="password_reset"):
    """A self-service reset link sent to the official e-mail: only its hash is kept; it works
    once, for a short time, and still needs the second factor."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
