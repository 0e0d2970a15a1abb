"""Session cookie settings and the session-id rotation done at sign-in (no session fixation)."""

from __future__ import annotations

import time
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from api.accounts.authz import STAMP_READ_WITH_SESSION
from api.accounts.session_store import take_stamp_read
from api.config import Settings

SESSION_COOKIE = "__Host-hadir_session"
NO_SESSION = "no_session"
_ROTATE = "rotate_session_id"
_LOADED = "session_as_loaded"
_TOUCHED = "t"  # when the store's idle expiry was last renewed
# An unchanged session is written back to its store (renewing its idle expiry) at most this
# often, and never less often than a quarter of the idle timeout: with a short idle timeout a
# session in use must not expire between two renewals. The store's expiry may lag the
# cookie's by up to this much.
TOUCH_EVERY_SECONDS = 60.0


def touch_interval(idle_seconds: float) -> float:
    return min(TOUCH_EVERY_SECONDS, idle_seconds / 4)


def _without_touch(session: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(session).items() if k != _TOUCHED}


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(_ROTATE):
            if "new_session_id" not in state:
                state["new_session_id"] = self.generate_session_id()
            return str(state["new_session_id"])
        return super().get_session_id(connection)

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        take_stamp_read()  # nothing left from an earlier request run in this context
        data = await super().load_from_connection(connection)
        state = connection.scope.setdefault("state", {})
        state[_LOADED] = dict(data)
        state[STAMP_READ_WITH_SESSION] = take_stamp_read()
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        # An anonymous visitor without a session cookie gets none: no store write, no cookie.
        if (
            scope_session is not Empty
            and not scope_session
            and not connection.cookies.get(self.config.key)
        ):
            return
        state = connection.scope.get("state", {})
        if scope_session is not Empty and scope_session:
            loaded = state.get(_LOADED) or {}
            unchanged = _without_touch(scope_session) == _without_touch(loaded)
            interval = touch_interval(float(self.config.max_age))
            recent = time.time() - float(loaded.get(_TOUCHED, 0)) < interval
            if unchanged and recent and not state.get(_ROTATE):
                # Nothing changed and the idle expiry was renewed a moment ago:
                # refresh the cookie only, and spare the store a write on every request.
                self._set_cookie(message, connection)
                return
            if isinstance(scope_session, dict):
                scope_session[_TOUCHED] = time.time()
        await super().store_in_message(scope_session, message, connection)

    def _set_cookie(self, message: Message, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        headers = MutableScopeHeaders.from_message(message)
        value = self.get_session_id(connection)
        if value.isascii() and value.isalnum():
            # Every signed-in request refreshes the cookie: the attributes are the same each
            # time, so they are rendered once (Cookie.to_header goes through SimpleCookie and
            # a dataclass copy, measured at ~10 % of a check-in's CPU: docs/performance.md).
            headers.add("Set-Cookie", f"{self.config.key}={value}{self._cookie_attributes()}")
            return
        headers.add("Set-Cookie", self._cookie(value).to_header(header=""))

    def _cookie(self, value: str) -> Cookie:
        cookie_params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        return Cookie(value=value, key=self.config.key, **cookie_params)

    def _cookie_attributes(self) -> str:
        """ "; HttpOnly; Max-Age=…; Path=/; …" exactly as Cookie.to_header writes them."""
        rendered = getattr(self, "_rendered_attributes", None)
        if rendered is None:
            full = self._cookie("x").to_header(header="")
            rendered = full[len(f"{self.config.key}=x") :]
            self._rendered_attributes = rendered
        return rendered


class HadirSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> HadirSessionConfig:
    return HadirSessionConfig(
        key=SESSION_COOKIE,
        store="sessions",
        # The store keeps a session for the idle timeout from its last use; the absolute
        # timeout is checked against the sign-in time in `authz.load_principal`.
        max_age=settings.session_idle_minutes * 60,
        secure=True,
        httponly=True,
        samesite="lax",
        path="/",
        # Routes with opt {"no_session": True} (the PWA's static files) never load, write or
        # set the session: the service worker pre-caches dozens of files right after sign-in
        # with the cookie the browser had before, and a late answer would put the
        # pre-sign-in session id back.
        exclude_opt_key=NO_SESSION,
    )


async def rotate_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give the session a new id when it is written at the end of this request, and drop the
    old one now."""
    old = connection.cookies.get(SESSION_COOKIE)
    if old and old != "null":
        store = connection.app.stores.get("sessions")
        await store.delete(old)
    connection.scope.setdefault("state", {})[_ROTATE] = True
