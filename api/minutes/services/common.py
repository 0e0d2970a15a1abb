"""Shared pieces of the minutes rules: labels, sealing, the meeting row, names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.documents import is_sealed_text, open_text, seal_text
from api.core.errors import NotFound
from api.meetings.access import Classification
from api.meetings.tables import Meeting
from api.minutes import schemas
from api.org.tables import OrgUnit, User

STATUS_LABELS = {
    "none": "belum disediakan",
    "draft": "draf",
    "in_review": "dalam semakan",
    "submitted": "menunggu kelulusan pengerusi",
    "approved": "diluluskan",
    "distributed": "diedarkan",
    "confirmed": "disahkan",
}
OPEN_STATUSES = ("open", "in_progress")
MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")


def _now() -> datetime:
    return datetime.now(UTC)


def _seal_if(sulit: bool, text: str, purpose: str) -> str:
    return seal_text(text, purpose) if sulit else text


def _open(value: str, purpose: str) -> str:
    return open_text(value, purpose) if is_sealed_text(value) else value


def _version_purpose(minutes_id: int, number: int) -> str:
    return f"minutes:{minutes_id}:v{number}"


def meeting_label(row: dict[str, Any]) -> str:
    return f"Bil. {row['number']}/{row['year']}"


async def _meeting_row(meeting_id: int) -> dict[str, Any]:
    row = (
        await Meeting.select(
            Meeting.id,
            Meeting.title,
            Meeting.year,
            Meeting.number,
            Meeting.classification,
            Meeting.committee,
            Meeting.starts_at,
            Meeting.status,
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.committee.agency.as_alias("agency"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def _is_sulit(meeting: dict[str, Any]) -> bool:
    return bool(meeting["classification"] == Classification.SULIT)


async def _audit_read(principal: Principal, meeting: dict[str, Any], what: str) -> None:
    if _is_sulit(meeting):
        await audit.record(
            f"{what}.read",
            actor_id=principal.user_id,
            agency_id=meeting["agency"],
            target_type="meeting",
            target_id=meeting["id"],
            detail={"classification": "SULIT"},
        )


async def _names(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({i for i in user_ids if i})
    if not ids:
        return {}
    rows = await User.select(User.id, User.name).where(User.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def _unit_names(unit_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({i for i in unit_ids if i})
    if not ids:
        return {}
    rows = await OrgUnit.select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


def _people_in(*bodies: schemas.MinutesBody) -> tuple[set[int], set[int]]:
    users = {a.assignee_user_id for b in bodies for i in b.items for a in i.actions}
    units = {a.assignee_unit_id for b in bodies for i in b.items for a in i.actions}
    return {u for u in users if u}, {u for u in units if u}
