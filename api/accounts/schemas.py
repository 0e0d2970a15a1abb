from __future__ import annotations

from typing import Annotated

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


class SignInResult(msgspec.Struct, rename="camel"):
    # "done" when the session may act; "change_password" when only a password change is allowed.
    stage: str
    me: Me


class TemporaryPassword(msgspec.Struct, rename="camel"):
    login_id: str
    temporary_password: str
    expires_at: str
