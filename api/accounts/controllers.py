"""HTTP for sign-in, second factors and one's own account: thin handlers over the services.

Sign-in stages (`SignInResult.stage`):
- "mfa": the password was right; prove the second factor (TOTP, passkey or a recovery code).
- "change_password": signed in with a temporary password; only the password change is open.
- "enrol_mfa": no second factor yet (first sign-in); only enrolment is open.
- "done": the session may use the application.
"""

from __future__ import annotations

import json
import time
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.accounts import audit, mfa, reset, services
from api.accounts.active_sessions import (
    SESSION_IP,
    SESSION_USER_AGENT,
    SessionOut,
    end_other_sessions,
    end_session,
    list_sessions,
)
from api.accounts.authz import (
    MFA_PENDING_SECONDS,
    SESSION_CREATED,
    SESSION_MFA_AT,
    SESSION_MFA_USER,
    SESSION_STAGE,
    SESSION_USER,
    Access,
    Principal,
    Stage,
    current_principal,
    load_principal,
    second_factor_pending,
    session_principal,
)
from api.accounts.schemas import (
    ChangePasswordRequest,
    CodeRequest,
    FactorSummary,
    Me,
    MePatch,
    PasskeyOut,
    PasskeyRegistration,
    PasskeyRename,
    PasskeyVerification,
    RecoveryCodes,
    ResetComplete,
    ResetOpen,
    ResetRequest,
    SessionState,
    SignInRequest,
    SignInResult,
    TotpSetup,
)
from api.accounts.sessions import SESSION_COOKIE, rotate_session_id
from api.accounts.tables import Passkey
from api.config import get_settings
from api.core.errors import AppError, NotFound
from api.core.i18n import request_language
from api.core.messages import message
from api.core.params import PathId
from api.org.tables import User

SESSION_RESET = "reset"  # hash of the reset link being used
SESSION_RESET_USER = "reset_uid"  # set once the link and the second factor are proven
RESET_COMPLETE_SECONDS = 600

STAGE_NAMES = {
    Stage.FULL: "done",
    Stage.PASSWORD_CHANGE: "change_password",
    Stage.ENROL_MFA: "enrol_mfa",
}


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


async def me_of(principal: Principal) -> Me:
    supervises = await User.exists().where(
        (User.supervisor == principal.user_id) & (User.id != principal.user_id)
    )
    if not supervises:
        # Acting for a supervisor today (api.org.acting) opens the same screens.
        from api.attendance.team import acting_for

        supervises = bool(await acting_for(principal.user_id))
    if not supervises:
        # Chairs with minutes waiting for them use the same approvals screen.
        from api.minutes.services import has_pending_minutes

        supervises = await has_pending_minutes(principal.user_id)
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


def sign_in_rate_limit() -> Any:
    """Per client IP, on the routes that take a secret. Per-account lockout is separate."""
    return RateLimitConfig(
        rate_limit=("minute", get_settings().sign_in_rate_per_minute),
        store="rate_limit",
        set_rate_limit_headers=True,
    ).middleware


async def _open_session(
    request: Request[Any, Any, Any], user_id: int, stage: Stage
) -> SignInResult:
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


async def _after_second_factor(
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
    return await _open_session(request, user_id, Stage.PASSWORD_CHANGE if temporary else Stage.FULL)


def _pending_mfa_user(request: Request[Any, Any, Any]) -> int:
    session = request.session
    user_id, at = session.get(SESSION_MFA_USER), session.get(SESSION_MFA_AT)
    if not isinstance(user_id, int) or not isinstance(at, (int, float)):
        raise services.InvalidCredentials()
    if time.time() - at > MFA_PENDING_SECONDS:
        request.clear_session()
        raise AppError("mfa_expired", status_code=401)
    return user_id


async def _second_factor_methods(user_id: int) -> list[str]:
    methods = ["totp", "recovery"]
    if await Passkey.exists().where(Passkey.user == user_id):
        methods.insert(1, "passkey")
    return methods


async def _second_factor_failed(request: Request[Any, Any, Any], user_id: int, reason: str) -> None:
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


async def _refuse_if_unusable(request: Request[Any, Any, Any], user_id: int) -> None:
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


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]
    dependencies = {"principal": Provide(current_principal, sync_to_thread=False)}

    # ------------------------------------------------------------------ signing in

    @post(
        "/sign-in",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def sign_in(
        self, request: Request[Any, Any, Any], data: JSONBody[SignInRequest]
    ) -> SignInResult:
        user_id, temporary = await services.check_password(
            data.login_id, data.password, client_ip(request)
        )
        if await mfa.has_second_factor(user_id):
            await rotate_session_id(request)
            request.set_session({SESSION_MFA_USER: user_id, SESSION_MFA_AT: time.time()})
            return SignInResult(stage="mfa", methods=await _second_factor_methods(user_id))
        if not temporary:
            await services.record_success(user_id, client_ip(request), "password")
        return await _open_session(
            request, user_id, Stage.PASSWORD_CHANGE if temporary else Stage.ENROL_MFA
        )

    @get("/mfa/pending", opt={"access": Access.PUBLIC})
    async def pending_second_factor(self, request: Request[Any, Any, Any]) -> SignInResult:
        """After a reload in the middle of signing in: the second-factor step this session is
        waiting for (401 when there is none or it expired), so the app can show it again."""
        user_id = _pending_mfa_user(request)
        return SignInResult(stage="mfa", methods=await _second_factor_methods(user_id))

    @post(
        "/mfa/totp",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def verify_totp(
        self, request: Request[Any, Any, Any], data: JSONBody[CodeRequest]
    ) -> SignInResult:
        user_id = _pending_mfa_user(request)
        await _refuse_if_unusable(request, user_id)
        if not await mfa.verify_totp(user_id, data.code):
            await _second_factor_failed(request, user_id, "wrong_totp")
            raise AppError("mfa_code_wrong", status_code=401)
        return await _after_second_factor(request, user_id, "password+totp")

    @post(
        "/mfa/recovery",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def verify_recovery_code(
        self, request: Request[Any, Any, Any], data: JSONBody[CodeRequest]
    ) -> SignInResult:
        user_id = _pending_mfa_user(request)
        await _refuse_if_unusable(request, user_id)
        if not await mfa.use_recovery_code(user_id, data.code):
            await _second_factor_failed(request, user_id, "wrong_recovery_code")
            raise AppError("mfa_code_wrong", status_code=401)
        return await _after_second_factor(request, user_id, "password+recovery_code")

    @post(
        "/passkey/options",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def passkey_options(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Options for navigator.credentials.get(): any passkey of this site (passkey-only
        sign-in), or the pending user's passkeys after their password."""
        pending = request.session.get(SESSION_MFA_USER)
        options_json, challenge = await mfa.authentication_options(
            pending if isinstance(pending, int) else None
        )
        session = dict(request.session)
        session["passkey_auth"] = mfa.new_challenge_state(challenge)
        request.set_session(session)
        return dict(json.loads(options_json))

    @post(
        "/passkey/verify",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def passkey_verify(
        self, request: Request[Any, Any, Any], data: JSONBody[PasskeyVerification]
    ) -> SignInResult:
        session = dict(request.session)
        challenge = mfa.take_challenge(session, "passkey_auth")
        request.set_session(session)
        pending = session.get(SESSION_MFA_USER)
        expected = _pending_mfa_user(request) if pending is not None else None
        try:
            user_id = await mfa.verify_passkey(
                mfa.parse_credential(data.credential), challenge, expected
            )
        except mfa.MfaError:
            if expected is not None:
                await _second_factor_failed(request, expected, "passkey_failed")
            raise
        try:
            await _refuse_if_unusable(request, user_id)
        except AppError:
            raise mfa.MfaError("passkey_unknown") from None  # as for a passkey not known
        method = "password+passkey" if expected is not None else "passkey"
        return await _after_second_factor(request, user_id, method)

    @post(
        "/reset/request",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_202_ACCEPTED,
        middleware=[sign_in_rate_limit()],
    )
    async def request_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[ResetRequest]
    ) -> dict[str, str]:
        """Always the same answer, whether or not the ID exists (no account enumeration)."""
        await reset.request_reset(data.login_id, client_ip(request))
        return {"message": message("reset_requested", request_language(request))}

    @post(
        "/reset/open",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def open_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[ResetOpen]
    ) -> SignInResult:
        user_id, hashed = await reset.open_reset(data.token)
        await rotate_session_id(request)
        request.set_session(
            {SESSION_MFA_USER: user_id, SESSION_MFA_AT: time.time(), SESSION_RESET: hashed}
        )
        return SignInResult(stage="mfa", methods=await _second_factor_methods(user_id))

    @post(
        "/reset/complete",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def complete_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[ResetComplete]
    ) -> SignInResult:
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
        await reset.complete_reset(user_id, hashed, data.new_password, client_ip(request))
        await services.record_success(user_id, client_ip(request), "password_reset")
        return await _open_session(request, user_id, Stage.FULL)

    @post("/sign-out", opt={"access": Access.PUBLIC}, status_code=HTTP_204_NO_CONTENT)
    async def sign_out(self, request: Request[Any, Any, Any]) -> None:
        request.clear_session()

    # ------------------------------------------------------------------ own account

    @get("/session", opt={"access": Access.PUBLIC})
    async def session(self, request: Request[Any, Any, Any]) -> SessionState:
        """Who this browser is signed in as, answered 200 whether anyone is or not: the app's
        first request on every load, where "signed out" is an answer, not an error. A sign-in
        waiting for its second factor answers `stage: "mfa"` and the methods. (`GET /me`
        keeps answering 401 to a signed-out caller.)"""
        principal = await session_principal(request)
        if principal is not None:
            request.scope.setdefault("state", {})["language"] = principal.language
            return SessionState(signed_in=True, me=await me_of(principal))
        if second_factor_pending(request):
            try:
                user_id = _pending_mfa_user(request)
            except AppError:
                return SessionState(signed_in=False)
            return SessionState(
                signed_in=False, stage="mfa", methods=await _second_factor_methods(user_id)
            )
        return SessionState(signed_in=False)

    @get("/me", opt={"access": Access.PASSWORD_CHANGE})
    async def me(self, principal: NamedDependency[Principal]) -> Me:
        return await me_of(principal)

    @patch("/me", opt={"access": Access.PASSWORD_CHANGE})
    async def update_me(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[MePatch],
    ) -> Me:
        """A person's own settings: the language of the app, e-mails and server messages."""
        await User.update({User.language: data.language}).where(User.id == principal.user_id)
        request.scope.setdefault("state", {})["language"] = data.language
        return await me_of(msgspec.structs.replace(principal, language=data.language))

    @post(
        "/password",
        opt={"access": Access.PASSWORD_CHANGE},
        status_code=HTTP_204_NO_CONTENT,
        middleware=[sign_in_rate_limit()],
    )
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[ChangePasswordRequest],
    ) -> None:
        await services.change_password(
            principal, data.current_password, data.new_password, client_ip(request)
        )
        # The change ended every session opened before it; this one continues under a new id.
        # A temporary password was only reachable after the second factor when one exists.
        next_stage = (
            Stage.FULL if await mfa.has_second_factor(principal.user_id) else (Stage.ENROL_MFA)
        )
        await _open_session(request, principal.user_id, next_stage)

    # ------------------------------------------------------------------ second factors

    @get("/mfa", opt={"access": Access.MFA_ENROL})
    async def factors(self, principal: NamedDependency[Principal]) -> FactorSummary:
        return FactorSummary(**await mfa.factor_summary(principal.user_id))

    @post("/mfa/totp/setup", opt={"access": Access.MFA_ENROL}, status_code=HTTP_200_OK)
    async def totp_setup(self, principal: NamedDependency[Principal]) -> TotpSetup:
        secret, uri, qr = await mfa.start_totp(principal.user_id, principal.login_id)
        return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg_data_uri=qr)

    @post("/mfa/totp/confirm", opt={"access": Access.MFA_ENROL}, status_code=HTTP_200_OK)
    async def totp_confirm(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[CodeRequest],
    ) -> RecoveryCodes:
        if not await mfa.verify_totp(principal.user_id, data.code, confirming=True):
            raise AppError("mfa_code_wrong", status_code=422)
        return await self._factor_added(request, principal, "totp")

    @post("/passkeys/options", opt={"access": Access.MFA_ENROL}, status_code=HTTP_200_OK)
    async def passkey_registration_options(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        options_json, challenge = await mfa.registration_options(
            principal.user_id, principal.login_id, principal.name
        )
        session = dict(request.session)
        session["passkey_reg"] = mfa.new_challenge_state(challenge)
        request.set_session(session)
        return dict(json.loads(options_json))

    @post("/passkeys", opt={"access": Access.MFA_ENROL}, status_code=HTTP_200_OK)
    async def passkey_register(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[PasskeyRegistration],
    ) -> RecoveryCodes:
        session = dict(request.session)
        challenge = mfa.take_challenge(session, "passkey_reg")
        request.set_session(session)
        await mfa.register_passkey(
            principal.user_id, data.name, mfa.parse_credential(data.credential), challenge
        )
        return await self._factor_added(request, principal, "passkey")

    async def _factor_added(
        self, request: Request[Any, Any, Any], principal: Principal, kind: str
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

    @get("/passkeys", opt={"access": Access.SIGNED_IN})
    async def passkeys(self, principal: NamedDependency[Principal]) -> list[PasskeyOut]:
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

    @patch("/passkeys/{passkey_id:int}", opt={"access": Access.SIGNED_IN})
    async def rename_passkey(
        self,
        principal: NamedDependency[Principal],
        passkey_id: PathId,
        data: JSONBody[PasskeyRename],
    ) -> None:
        updated = (
            await Passkey.update({Passkey.name: data.name})
            .where((Passkey.id == passkey_id) & (Passkey.user == principal.user_id))
            .returning(Passkey.id)
        )
        if not updated:
            raise NotFound()

    @delete(
        "/passkeys/{passkey_id:int}",
        opt={"access": Access.SIGNED_IN},
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove_passkey(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        passkey_id: PathId,
    ) -> None:
        await services.remove_factor(principal, "passkey", passkey_id, client_ip(request))

    @delete("/mfa/totp", opt={"access": Access.SIGNED_IN}, status_code=HTTP_204_NO_CONTENT)
    async def remove_totp(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> None:
        await services.remove_factor(principal, "totp", None, client_ip(request))

    @post("/recovery-codes", opt={"access": Access.SIGNED_IN}, status_code=HTTP_200_OK)
    async def regenerate_recovery_codes(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
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

    # ------------------------------------------------------------------ own sessions

    @get("/sessions", opt={"access": Access.SIGNED_IN})
    async def sessions(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> list[SessionOut]:
        return await list_sessions(principal, request.cookies.get(SESSION_COOKIE))

    @delete(
        "/sessions/{session_id:str}",
        opt={"access": Access.SIGNED_IN},
        status_code=HTTP_204_NO_CONTENT,
    )
    async def end_one_session(
        self, principal: NamedDependency[Principal], session_id: FromPath[str]
    ) -> None:
        await end_session(principal, session_id)

    @post("/sessions/end-others", opt={"access": Access.SIGNED_IN}, status_code=HTTP_200_OK)
    async def end_others(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal]
    ) -> dict[str, int]:
        ended = await end_other_sessions(principal, request.cookies.get(SESSION_COOKIE))
        return {"ended": ended}
