from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

LoginId = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class SignInRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    login_id: LoginId
    password: Password


class ChangePasswordRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    current_password: Password
    new_password: Password


class Me(msgspec.Struct, rename="camel"):
    id: int
    login_id: str
    name: str
    agency_id: int
    language: str
    roles: list[str]
    must_change_password: bool
    stage: str
    # Has direct reports: sees the approval inbox and the team view.
    is_supervisor: bool = False


class SignInResult(msgspec.Struct, rename="camel", omit_defaults=True):
    # "mfa" | "change_password" | "enrol_mfa" | "done" (see api.accounts.controllers)
    stage: str
    me: Me | None = None
    methods: list[str] = []


class SessionState(msgspec.Struct, rename="camel", omit_defaults=True):
    """`GET /api/auth/session`: signed in (with `me`), waiting for the second factor
    (`stage: "mfa"`, `methods`), or signed out (`signedIn: false` alone)."""

    signed_in: bool
    me: Me | None = None
    stage: str = ""
    methods: list[str] = []


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class CodeRequest(msgspec.Struct, forbid_unknown_fields=True):
    code: Code


class TotpSetup(msgspec.Struct, rename="camel"):
    secret: str
    otpauth_uri: str
    qr_svg_data_uri: str


class RecoveryCodes(msgspec.Struct, rename="camel"):
    codes: list[str]
    stage: str


class FactorSummary(msgspec.Struct, rename="camel"):
    totp: bool
    passkeys: int
    recoveryCodesLeft: int


PasskeyName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class PasskeyRegistration(msgspec.Struct, forbid_unknown_fields=True):
    name: PasskeyName
    # The PublicKeyCredential as JSON (registration response), as the browser gives it.
    credential: dict[str, Any]


class PasskeyVerification(msgspec.Struct, forbid_unknown_fields=True):
    credential: dict[str, Any]


class PasskeyRename(msgspec.Struct, forbid_unknown_fields=True):
    name: PasskeyName


class PasskeyOut(msgspec.Struct, rename="camel"):
    id: int
    name: str
    device_type: str
    backed_up: bool
    created_at: datetime
    last_used_at: datetime | None


class TemporaryPassword(msgspec.Struct, rename="camel"):
    login_id: str
    temporary_password: str
    expires_at: str


class ResetRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    login_id: LoginId


class ResetOpen(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=16, max_length=128)]


class ResetComplete(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    new_password: Password


class MePatch(msgspec.Struct, forbid_unknown_fields=True):
    language: Literal["ms", "en"]
