"""A person's own sessions: see where they are signed in, and end the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from api.accounts.authz import SESSION_CREATED, Principal
from api.accounts.session_store import session_store
from api.config import get_settings
from api.core.errors import NotFound

SESSION_USER_AGENT = "ua"
SESSION_IP = "ip"


class SessionOut(msgspec.Struct, rename="camel"):
    id: str
    current: bool
    signed_in_at: datetime | None
    last_seen_at: datetime | None
    user_agent: str
    ip: str


async def list_sessions(principal: Principal, current_key: str | None) -> list[SessionOut]:
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    sessions = []
    for entry in await session_store().sessions_of(principal.user_id):
        try:
            data = msgspec.json.decode(entry.data)
        except msgspec.DecodeError:
            continue
        created = data.get(SESSION_CREATED)
        sessions.append(
            SessionOut(
                id=entry.id,
                current=entry.is_for(current_key),
                signed_in_at=datetime.fromtimestamp(created, UTC) if created else None,
                last_seen_at=entry.expires_at - idle if entry.expires_at else None,
                user_agent=str(data.get(SESSION_USER_AGENT, ""))[:200],
                ip=str(data.get(SESSION_IP, "")),
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(sessions, key=lambda s: (not s.current, s.last_seen_at or oldest))


async def end_session(principal: Principal, session_id: str) -> None:
    if not await session_store().end_sessions_of(principal.user_id, only_id=session_id):
        raise NotFound()


async def end_other_sessions(principal: Principal, current_key: str | None) -> int:
    return await session_store().end_sessions_of(principal.user_id, keep_key=current_key)
