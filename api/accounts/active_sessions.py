"""A person's own sessions: see where they are signed in, and end the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
from piccolo.custom_types import Combinable

from api.accounts.authz import SESSION_CREATED, Principal
from api.accounts.tables import HttpSession
from api.config import get_settings
from api.core.errors import NotFound

SESSION_USER_AGENT = "ua"
SESSION_IP = "ip"


class SessionOut(msgspec.Struct, rename="camel"):
    id: int
    current: bool
    signed_in_at: datetime | None
    last_seen_at: datetime | None
    user_agent: str
    ip: str


async def list_sessions(principal: Principal, current_key: str | None) -> list[SessionOut]:
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    rows = await HttpSession.select().where(
        (HttpSession.user_id == principal.user_id) & (HttpSession.expires_at > datetime.now(UTC))
    )
    sessions = []
    for row in rows:
        try:
            data = msgspec.json.decode(bytes(row["data"]))
        except msgspec.DecodeError:
            continue
        created = data.get(SESSION_CREATED)
        sessions.append(
            SessionOut(
                id=row["id"],
                current=row["key"] == current_key,
                signed_in_at=datetime.fromtimestamp(created, UTC) if created else None,
                last_seen_at=row["expires_at"] - idle if row["expires_at"] else None,
                user_agent=str(data.get(SESSION_USER_AGENT, ""))[:200],
                ip=str(data.get(SESSION_IP, "")),
            )
        )
    return sorted(sessions, key=lambda s: (not s.current, s.last_seen_at or datetime.min))


async def end_session(principal: Principal, session_id: int) -> None:
    deleted = (
        await HttpSession.delete()
        .where((HttpSession.id == session_id) & (HttpSession.user_id == principal.user_id))
        .returning(HttpSession.id)
    )
    if not deleted:
        raise NotFound()


async def end_other_sessions(principal: Principal, current_key: str | None) -> int:
    where: Combinable = HttpSession.user_id == principal.user_id
    if current_key:
        where = where & (HttpSession.key != current_key)
    return len(await HttpSession.delete().where(where).returning(HttpSession.id))
