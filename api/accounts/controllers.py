"""HTTP for sign-in: thin handlers over `api.accounts.services`."""

from __future__ import annotations

import time
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.accounts import services
from api.accounts.authz import (
    SESSION_CREATED,
    SESSION_USER,
    Access,
    Principal,
    current_principal,
    load_principal,
)
from api.accounts.schemas import ChangePasswordRequest, Me, SignInRequest, SignInResult
from api.accounts.sessions import rotate_session_id


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def me_of(principal: NamedDependency[Principal]) -> Me:
    return Me(
        id=principal.user_id,
        login_id=principal.login_id,
        name=principal.name,
        agency_id=principal.agency_id,
        language=principal.language,
        roles=sorted({g.role for g in principal.grants}),
        must_change_password=principal.must_change_password,
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ["accounts"]
    dependencies = {"principal": Provide(current_principal, sync_to_thread=False)}

    @post("/sign-in", opt={"access": Access.PUBLIC}, status_code=HTTP_200_OK)
    async def sign_in(
        self, request: Request[Any, Any, Any], data: JSONBody[SignInRequest]
    ) -> SignInResult:
        user_id = await services.sign_in(data.login_id, data.password, client_ip(request))
        await rotate_session_id(request)
        created = time.time()
        request.set_session({SESSION_USER: user_id, SESSION_CREATED: created})
        principal = await load_principal(user_id, created)
        if principal is None:  # state changed between the check and now
            raise services.InvalidCredentials()
        stage = "change_password" if principal.must_change_password else "done"
        return SignInResult(stage=stage, me=me_of(principal))

    @post("/sign-out", opt={"access": Access.PUBLIC}, status_code=HTTP_204_NO_CONTENT)
    async def sign_out(self, request: Request[Any, Any, Any]) -> None:
        request.clear_session()

    @get("/me", opt={"access": Access.PASSWORD_CHANGE})
    async def me(self, principal: NamedDependency[Principal]) -> Me:
        return me_of(principal)

    @post("/password", opt={"access": Access.PASSWORD_CHANGE}, status_code=HTTP_204_NO_CONTENT)
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
        await rotate_session_id(request)
        request.set_session({SESSION_USER: principal.user_id, SESSION_CREATED: time.time()})
