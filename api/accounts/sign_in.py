"""The sign-in sequence, one step per route: password, second factor (TOTP, recovery code or
passkey), a reset link, enrolment of the first factor; each step moves the session to its next
stage (`SignInResult.stage`, see `api.accounts.controllers`). The account rules themselves
(lockout, passwords) are in `api.accounts.services`, the factors in `api.accounts.mfa`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from litestar import Request

from api.accounts import audit, mfa, reset, services
from api.accounts.active_sessions import SESSION_IP, SESSION_USER_AGENT
from api.accounts.authz import (
    MFA_PENDING_SECONDS,
    SESSION_CREATED,
    SESSION_MFA_AT,
    SESSION_MFA_USER,
    SESSION_STAGE,
    SESSION_USER,
    Principal,
    Stage,
    load_principal,
    second_factor_pending,
    session_principal,
)
from api.accounts.schemas import Me, RecoveryCodes, SessionState, SignInResult
from api.accounts.sessions import rotate_session_id
from api.accounts.tables import Passkey
from api.core.errors import AppError
from api.core.proxies import client_ip
from api.org.tables import User

SESSION_RESET = "reset"  # hash of the reset link being used
SESSION_RESET_USER = "reset_uid"  # set once the link and the second factor are proven
RESET_COMPLETE_SECONDS = 600

STAGE_NAMES = {
    Stage.FULL: "done",
    Stage.PASSWORD_CHANGE: "change_password",
    Stage.ENROL_MFA: "enrol_mfa",
}


async def me_of(principal: Principal) -> Me:
    supervises = await User.exists().where(
        (User.supervisor == principal.user_id) & (User.id != principal.user_id)
    )
    if not supervises:
        supervises = await services.APPROVALS_WAITING.any(principal.user_id)
    return Me(
        id=principal.user_id,
        login_id=principal.login_id,
        name=principal.name,
        agency_id=principal.agency_id,
        language=principal.language,
        roles=sorted({g.role for g in principal.grants}),
        must_change_password=principal.must_change_password,
        stage=STAGE_NAMES[principal.stage],
        is_supervisor=bool(supervises),
    )


async def open_session(request: Request[Any, Any, Any], user_id: int, stage: Stage) -> SignInResult:
    """Starts a fresh session (new id) at the given stage and describes it."""
    await rotate_session_id(request)
    created = time.time()
    request.set_session(
        {
            SESSION_USER: user_id,
            SESSION_CREATED: created,
            SESSION_STAGE: stage,
            SESSION_USER_AGENT: request.headers.get("user-agent", "")[:200],
            SESSION_IP: client_ip(request),
        }
    )
    principal = await load_principal(user_id, created, stage)
    if principal is None:
        raise services.InvalidCredentials()
    return SignInResult(stage=STAGE_NAMES[principal.stage], me=await me_of(principal))


async def after_second_factor(
    request: Request[Any, Any, Any], user_id: int, method: str
) -> SignInResult:
    reset_hash = request.session.get(SESSION_RESET)
    if isinstance(reset_hash, str):
        # A reset link and the second factor: now (and only now) a new password may be set.
        await rotate_session_id(request)
        request.set_session(
            {SESSION_RESET_USER: user_id, SESSION_RESET: reset_hash, SESSION_MFA_AT: time.time()}
        )
        return SignInResult(stage="new_password")
    account = await services.usable_account(user_id)
    if account is None:
        request.clear_session()
        raise services.InvalidCredentials()
    temporary = bool(account["credential"]["password_is_temporary"])
    if not temporary:
        await services.record_success(user_id, client_ip(request), method)
    return await open_session(request, user_id, Stage.PASSWORD_CHANGE if temporary else Stage.FULL)


def pending_mfa_user(request: Request[Any, Any, Any]) -> int:
    session = request.session
    user_id, at = session.get(SESSION_MFA_USER), session.get(SESSION_MFA_AT)
    if not isinstance(user_id, int) or not isinstance(at, (int, float)):
        raise services.InvalidCredentials()
    if time.time() - at > MFA_PENDING_SECONDS:
        request.clear_session()
        raise AppError("mfa_expired", status_code=401)
    return user_id


async def second_factor_methods(user_id: int) -> list[str]:
    methods = ["totp", "recovery"]
    if await Passkey.exists().where(Passkey.user == user_id):
        methods.insert(1, "passkey")
    return methods


async def second_factor_failed(request: Request[Any, Any, Any], user_id: int, reason: str) -> None:
    reset_hash = request.session.get(SESSION_RESET)
    if isinstance(reset_hash, str):
        # One wrong second factor ends a reset link: a stolen mailbox is not enough to guess.
        await reset.spoil_link(reset_hash)
        request.clear_session()
    account = await services.usable_account(user_id)
    if account is not None:
        await services.record_failure(
            user_id, account["user"]["agency"], client_ip(request), reason
        )


async def refuse_if_unusable(request: Request[Any, Any, Any], user_id: int) -> None:
    """A locked, frozen or terminated account answers a right second factor exactly as a
    wrong one (nothing tells the lockout apart), and the code is not used up. A self-service
    reset is the exception: it may unlock, but only with the second factor (DOMAIN.md)."""
    if isinstance(request.session.get(SESSION_RESET), str):
        return
    if await services.usable_account(user_id) is not None:
        return
    user = await User.select(User.agency).where(User.id == user_id).first()
    await audit.record(
        "sign_in_failed",
        actor_id=user_id,
        agency_id=user["agency"] if user else None,
        target_type="user",
        target_id=user_id,
        ip=client_ip(request),
        detail={"reason": "locked_or_inactive"},
    )
    raise AppError("mfa_code_wrong", status_code=401)


# ------------------------------------------------------------------ the steps, one per route


async def with_password(
    request: Request[Any, Any, Any], login_id: str, password: str
) -> SignInResult:
    user_id, temporary = await services.check_password(login_id, password, client_ip(request))
    if await mfa.has_second_factor(user_id):
        await rotate_session_id(request)
        request.set_session({SESSION_MFA_USER: user_id, SESSION_MFA_AT: time.time()})
        return SignInResult(stage="mfa", methods=await second_factor_methods(user_id))
    if not temporary:
        await services.record_success(user_id, client_ip(request), "password")
    return await open_session(
        request, user_id, Stage.PASSWORD_CHANGE if temporary else Stage.ENROL_MFA
    )


async def pending_second_factor(request: Request[Any, Any, Any]) -> SignInResult:
    user_id = pending_mfa_user(request)
    return SignInResult(stage="mfa", methods=await second_factor_methods(user_id))


async def with_totp(request: Request[Any, Any, Any], code: str) -> SignInResult:
    user_id = pending_mfa_user(request)
    await refuse_if_unusable(request, user_id)
    if not await mfa.verify_totp(user_id, code):
        await second_factor_failed(request, user_id, "wrong_totp")
        raise AppError("mfa_code_wrong", status_code=401)
    return await after_second_factor(request, user_id, "password+totp")


async def with_recovery_code(request: Request[Any, Any, Any], code: str) -> SignInResult:
    user_id = pending_mfa_user(request)
    await refuse_if_unusable(request, user_id)
    if not await mfa.use_recovery_code(user_id, code):
        await second_factor_failed(request, user_id, "wrong_recovery_code")
        raise AppError("mfa_code_wrong", status_code=401)
    return await after_second_factor(request, user_id, "password+recovery_code")


async def passkey_options(request: Request[Any, Any, Any]) -> dict[str, Any]:
    pending = request.session.get(SESSION_MFA_USER)
    options_json, challenge = await mfa.authentication_options(
        pending if isinstance(pending, int) else None
    )
    session = dict(request.session)
    session["passkey_auth"] = mfa.new_challenge_state(challenge)
    request.set_session(session)
    return dict(json.loads(options_json))


async def with_passkey(request: Request[Any, Any, Any], credential: Any) -> SignInResult:
    session = dict(request.session)
    challenge = mfa.take_challenge(session, "passkey_auth")
    request.set_session(session)
    pending = session.get(SESSION_MFA_USER)
    expected = pending_mfa_user(request) if pending is not None else None
    try:
        user_id = await mfa.verify_passkey(mfa.parse_credential(credential), challenge, expected)
    except mfa.MfaError:
        if expected is not None:
            await second_factor_failed(request, expected, "passkey_failed")
        raise
    try:
        await refuse_if_unusable(request, user_id)
    except AppError:
        raise mfa.MfaError("passkey_unknown") from None  # as for a passkey not known
    method = "password+passkey" if expected is not None else "passkey"
    return await after_second_factor(request, user_id, method)


async def open_reset(request: Request[Any, Any, Any], token: str) -> SignInResult:
    user_id, hashed = await reset.open_reset(token)
    await rotate_session_id(request)
    request.set_session(
        {SESSION_MFA_USER: user_id, SESSION_MFA_AT: time.time(), SESSION_RESET: hashed}
    )
    return SignInResult(stage="mfa", methods=await second_factor_methods(user_id))


async def complete_reset(request: Request[Any, Any, Any], new_password: str) -> SignInResult:
    user_id = request.session.get(SESSION_RESET_USER)
    hashed = request.session.get(SESSION_RESET)
    at = request.session.get(SESSION_MFA_AT)
    if (
        not isinstance(user_id, int)
        or not isinstance(hashed, str)
        or not isinstance(at, (int, float))
        or time.time() - at > RESET_COMPLETE_SECONDS
    ):
        raise AppError("reset_link_invalid", status_code=400)
    await reset.complete_reset(user_id, hashed, new_password, client_ip(request))
    await services.record_success(user_id, client_ip(request), "password_reset")
    return await open_session(request, user_id, Stage.FULL)


async def session_state(request: Request[Any, Any, Any]) -> SessionState:
    principal = await session_principal(request)
    if principal is not None:
        request.scope.setdefault("state", {})["language"] = principal.language
        return SessionState(signed_in=True, me=await me_of(principal))
    if second_factor_pending(request):
        try:
            user_id = pending_mfa_user(request)
        except AppError:
            return SessionState(signed_in=False)
        return SessionState(
            signed_in=False, stage="mfa", methods=await second_factor_methods(user_id)
        )
    return SessionState(signed_in=False)


async def change_password(
    request: Request[Any, Any, Any], principal: Principal, current: str, new: str
) -> None:
    await services.change_password(principal, current, new, client_ip(request))
    # The change ended every session opened before it; this one continues under a new id.
    # A temporary password was only reachable after the second factor when one exists.
    next_stage = Stage.FULL if await mfa.has_second_factor(principal.user_id) else Stage.ENROL_MFA
    await open_session(request, principal.user_id, next_stage)


async def factor_added(
    request: Request[Any, Any, Any], principal: Principal, kind: str
) -> RecoveryCodes:
    await audit.record(
        "mfa_enrolled",
        actor_id=principal.user_id,
        agency_id=principal.agency_id,
        target_type="user",
        target_id=principal.user_id,
        ip=client_ip(request),
        detail={"factor": kind},
    )
    codes: list[str] = []
    if principal.stage == Stage.ENROL_MFA:
        # The first factor: recovery codes, and this session (only this one) is complete.
        codes = await mfa.new_recovery_codes(principal.user_id)
        await services.record_success(principal.user_id, client_ip(request), "enrolment")
        session = dict(request.session)
        session[SESSION_STAGE] = Stage.FULL
        request.set_session(session)
    return RecoveryCodes(codes=codes, stage="done")
