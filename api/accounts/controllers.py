"""HTTP for sign-in, second factors and one's own account: thin handlers over the services.

Sign-in stages (`SignInResult.stage`):
- "mfa": the password was right; prove the second factor (TOTP, passkey or a recovery code).
- "change_password": signed in with a temporary password; only the password change is open.
- "enrol_mfa": no second factor yet (first sign-in); only enrolment is open.
- "done": the session may use the application.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.accounts import mfa, own_account, reset, services, sign_in
from api.accounts.active_sessions import (
    SessionOut,
    end_other_sessions,
    end_session,
    list_sessions,
)
from api.accounts.authz import (
    Access,
    Principal,
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
from api.accounts.sessions import SESSION_COOKIE
from api.config import get_settings
from api.core.errors import AppError
from api.core.i18n import request_language
from api.core.messages import message
from api.core.params import PathId
from api.core.proxies import client_ip


def sign_in_rate_limit() -> Any:
    """Per client IP, on the routes that take a secret. Per-account lockout is separate."""
    return RateLimitConfig(
        rate_limit=("minute", get_settings().sign_in_rate_per_minute),
        store="rate_limit",
        set_rate_limit_headers=True,
    ).middleware


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]

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
        return await sign_in.with_password(request, data.login_id, data.password)

    @get("/mfa/pending", opt={"access": Access.PUBLIC})
    async def pending_second_factor(self, request: Request[Any, Any, Any]) -> SignInResult:
        """After a reload in the middle of signing in: the second-factor step this session is
        waiting for (401 when there is none or it expired), so the app can show it again."""
        return await sign_in.pending_second_factor(request)

    @post(
        "/mfa/totp",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def verify_totp(
        self, request: Request[Any, Any, Any], data: JSONBody[CodeRequest]
    ) -> SignInResult:
        return await sign_in.with_totp(request, data.code)

    @post(
        "/mfa/recovery",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def verify_recovery_code(
        self, request: Request[Any, Any, Any], data: JSONBody[CodeRequest]
    ) -> SignInResult:
        return await sign_in.with_recovery_code(request, data.code)

    @post(
        "/passkey/options",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def passkey_options(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Options for navigator.credentials.get(): any passkey of this site (passkey-only
        sign-in), or the pending user's passkeys after their password."""
        return await sign_in.passkey_options(request)

    @post(
        "/passkey/verify",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def passkey_verify(
        self, request: Request[Any, Any, Any], data: JSONBody[PasskeyVerification]
    ) -> SignInResult:
        return await sign_in.with_passkey(request, data.credential)

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
        return await sign_in.open_reset(request, data.token)

    @post(
        "/reset/complete",
        opt={"access": Access.PUBLIC},
        status_code=HTTP_200_OK,
        middleware=[sign_in_rate_limit()],
    )
    async def complete_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[ResetComplete]
    ) -> SignInResult:
        return await sign_in.complete_reset(request, data.new_password)

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
        return await sign_in.session_state(request)

    @get("/me", opt={"access": Access.PASSWORD_CHANGE})
    async def me(self, principal: NamedDependency[Principal]) -> Me:
        return await sign_in.me_of(principal)

    @patch("/me", opt={"access": Access.PASSWORD_CHANGE})
    async def update_me(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[MePatch],
    ) -> Me:
        """A person's own settings: the language of the app, e-mails and server messages."""
        return await own_account.set_language(request, principal, data.language)

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
        await sign_in.change_password(request, principal, data.current_password, data.new_password)

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
        return await sign_in.factor_added(request, principal, "totp")

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
        return await sign_in.factor_added(request, principal, "passkey")

    @get("/passkeys", opt={"access": Access.SIGNED_IN})
    async def passkeys(self, principal: NamedDependency[Principal]) -> list[PasskeyOut]:
        return await own_account.passkeys(principal)

    @patch("/passkeys/{passkey_id:int}", opt={"access": Access.SIGNED_IN})
    async def rename_passkey(
        self,
        principal: NamedDependency[Principal],
        passkey_id: PathId,
        data: JSONBody[PasskeyRename],
    ) -> None:
        await own_account.rename_passkey(principal, passkey_id, data.name)

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
        return await own_account.regenerate_recovery_codes(request, principal)

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
