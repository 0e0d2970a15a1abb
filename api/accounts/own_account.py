"""One's own account: the language, one's passkeys and recovery codes."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from api.accounts import audit, mfa
from api.accounts.authz import Principal
from api.accounts.schemas import Me, PasskeyOut, RecoveryCodes
from api.accounts.sign_in import me_of
from api.accounts.tables import Passkey
from api.core.errors import NotFound
from api.core.proxies import client_ip
from api.org.tables import User


async def set_language(request: Request[Any, Any, Any], principal: Principal, language: str) -> Me:
    """The language of the app, e-mails and server messages (this response already in it)."""
    await User.update({User.language: language}).where(User.id == principal.user_id)
    request.scope.setdefault("state", {})["language"] = language
    return await me_of(msgspec.structs.replace(principal, language=language))


async def passkeys(principal: Principal) -> list[PasskeyOut]:
    rows = await Passkey.select().where(Passkey.user == principal.user_id).order_by(Passkey.id)
    return [
        PasskeyOut(
            id=r["id"],
            name=r["name"],
            device_type=r["device_type"],
            backed_up=r["backed_up"],
            created_at=r["created_at"],
            last_used_at=r["last_used_at"],
        )
        for r in rows
    ]


async def rename_passkey(principal: Principal, passkey_id: int, name: str) -> None:
    updated = (
        await Passkey.update({Passkey.name: name})
        .where((Passkey.id == passkey_id) & (Passkey.user == principal.user_id))
        .returning(Passkey.id)
    )
    if not updated:
        raise NotFound()


async def regenerate_recovery_codes(
    request: Request[Any, Any, Any], principal: Principal
) -> RecoveryCodes:
    codes = await mfa.new_recovery_codes(principal.user_id)
    await audit.record(
        "recovery_codes_regenerated",
        actor_id=principal.user_id,
        agency_id=principal.agency_id,
        target_type="user",
        target_id=principal.user_id,
        ip=client_ip(request),
    )
    return RecoveryCodes(codes=codes, stage="done")
