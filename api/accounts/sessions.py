"""Session cookie settings and the session-id rotation done at sign-in (no session fixation)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession

from api.config import Settings

SESSION_COOKIE = "__Host-hadir_session"
_ROTATE = "rotate_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(_ROTATE):
            if "new_session_id" not in state:
                state["new_session_id"] = self.generate_session_id()
            return str(state["new_session_id"])
        return super().get_session_id(connection)

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
        await super().store_in_message(scope_session, message, connection)


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
    )


async def rotate_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Give the session a new id when it is written at the end of this request, and drop the
    old one now."""
    old = connection.cookies.get(SESSION_COOKIE)
    if old and old != "null":
        store = connection.app.stores.get("sessions")
        await store.delete(old)
    connection.scope.setdefault("state", {})[_ROTATE] = True
