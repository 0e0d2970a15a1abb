"""Searching and exporting the audit trail, within the administrator's scope.

People appear by name (looked up for the page shown, so the chain itself keeps ids only) and
actions in words in the export, from the same catalogue the PWA uses (`pwa/i18n/*.json`), so an
action has one wording wherever it is read.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from piccolo.custom_types import Combinable

from api.accounts.authz import Principal
from api.accounts.tables import AuditEvent
from api.core.errors import NotFound
from api.core.exports import csv_writer
from api.core.i18n import pwa_catalogue
from api.core.spreadsheet import Sheet, safe_row, workbook_bytes
from api.org.tables import Agency, User


class AuditEventOut(msgspec.Struct, rename="camel"):
    seq: int
    at: datetime
    agency_id: int | None
    actor_id: int | None
    action: str
    target_type: str
    target_id: str
    ip: str
    detail: dict[str, Any]
    # The actor's name today (None for events without an actor, e.g. a failed sign-in).
    actor_name: str | None = None
    # The person's name when the target is a person (target_type "user").
    target_name: str | None = None


class AuditPage(msgspec.Struct, rename="camel"):
    items: list[AuditEventOut]
    total: int


class AuditActor(msgspec.Struct, rename="camel"):
    id: int
    name: str


class AuditFilterChoices(msgspec.Struct, rename="camel"):
    """What the filters can pick from: the actions and the people found in the trail in scope."""

    actions: list[str]
    actors: list[AuditActor]


def _agency_in_scope(principal: Principal, agency_id: int | None) -> int | None:
    if agency_id is None:
        return None if principal.is_super_admin else principal.agency_id
    if not principal.can_administer(agency_id):
        raise NotFound()
    return agency_id


def _where(
    principal: Principal,
    agency_id: int | None,
    action: str | None,
    actor_id: int | None,
    target_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Combinable:
    agency_id = _agency_in_scope(principal, agency_id)
    where: Combinable = AuditEvent.seq > 0
    if agency_id is not None:
        where = where & (AuditEvent.agency_id == agency_id)
    if action:
        where = where & (AuditEvent.action == action)
    if actor_id is not None:
        where = where & (AuditEvent.actor_id == actor_id)
    if target_id:
        where = where & (AuditEvent.target_id == target_id)
    if since is not None:
        where = where & (AuditEvent.at >= since)
    if until is not None:
        where = where & (AuditEvent.at < until)
    return where


async def _names(actor_ids: set[int]) -> dict[int, str]:
    if not actor_ids:
        return {}
    rows = await User.select(User.id, User.name).where(User.id.is_in(sorted(actor_ids)))
    return {r["id"]: r["name"] for r in rows}


def _out(row: dict[str, Any], names: dict[int, str]) -> AuditEventOut:
    detail = row["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail)
    actor_id = row["actor_id"]
    return AuditEventOut(
        seq=row["seq"],
        at=row["at"],
        agency_id=row["agency_id"],
        actor_id=actor_id,
        action=row["action"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        ip=row["ip"],
        detail=detail,
        actor_name=names.get(actor_id) if actor_id is not None else None,
        target_name=names.get(_user_target(row) or 0),
    )


def _user_target(row: dict[str, Any]) -> int | None:
    target = row["target_id"]
    if row["target_type"] == "user" and target.isdigit():
        return int(target)
    return None


def _people_in(rows: list[dict[str, Any]]) -> set[int]:
    people = {r["actor_id"] for r in rows if r["actor_id"] is not None}
    return people | {t for t in map(_user_target, rows) if t is not None}


async def search(
    principal: Principal,
    *,
    agency_id: int | None = None,
    action: str | None = None,
    actor_id: int | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    page_size: int = 100,
) -> AuditPage:
    where = _where(principal, agency_id, action, actor_id, target_id, since, until)
    total = await AuditEvent.count().where(where)
    rows = (
        await AuditEvent.select()
        .where(where)
        .order_by(AuditEvent.seq, ascending=False)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    names = await _names(_people_in(rows))
    return AuditPage(items=[_out(r, names) for r in rows], total=total)


async def filter_choices(principal: Principal, agency_id: int | None = None) -> AuditFilterChoices:
    """The distinct actions and actors in the trail the administrator may search."""
    scope = _agency_in_scope(principal, agency_id)
    actions_query = AuditEvent.select(AuditEvent.action).distinct()
    actors_query = AuditEvent.select(AuditEvent.actor_id).distinct()
    if scope is not None:
        actions_query = actions_query.where(AuditEvent.agency_id == scope)
        actors_query = actors_query.where(
            (AuditEvent.agency_id == scope) & AuditEvent.actor_id.is_not_null()
        )
    else:
        actors_query = actors_query.where(AuditEvent.actor_id.is_not_null())
    actions = sorted({r["action"] for r in await actions_query})
    names = await _names({r["actor_id"] for r in await actors_query})
    actors = sorted(
        (AuditActor(id=i, name=n) for i, n in names.items()), key=lambda a: (a.name.lower(), a.id)
    )
    return AuditFilterChoices(actions=actions, actors=actors)


HEADINGS = {
    "ms": (
        "No.",
        "Masa",
        "Tindakan",
        "Kod tindakan",
        "Pelaku",
        "ID pelaku",
        "Jenis sasaran",
        "ID sasaran",
        "Nama sasaran",
        "Alamat IP",
        "Butiran",
        "Hash",
    ),
    "en": (
        "No.",
        "Time",
        "Action",
        "Action code",
        "Actor",
        "Actor ID",
        "Target type",
        "Target ID",
        "Target name",
        "IP address",
        "Details",
        "Hash",
    ),
}
_MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")
SHEET_TITLE = {"ms": "Jejak audit", "en": "Audit trail"}


async def _export_rows(principal: Principal, language: str, filters: dict[str, Any]) -> Any:
    """Yields each row of the selection (oldest first) as plain values, 1,000 at a time."""
    where = _where(
        principal,
        filters.get("agency_id"),
        filters.get("action"),
        filters.get("actor_id"),
        filters.get("target_id"),
        filters.get("since"),
        filters.get("until"),
    )
    labels = pwa_catalogue(language)
    after = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(where & (AuditEvent.seq > after))
            .order_by(AuditEvent.seq)
            .limit(1000)
        )
        if not rows:
            break
        names = await _names(_people_in(rows))
        for row in rows:
            event = _out(row, names)
            yield [
                event.seq,
                event.at,
                labels.get(f"auditAction.{event.action}", event.action),
                event.action,
                event.actor_name or "",
                event.actor_id,
                event.target_type,
                event.target_id,
                event.target_name or "",
                event.ip,
                json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
                row["hash"],
            ]
        after = rows[-1]["seq"]


async def export_csv(principal: Principal, language: str = "ms", **filters: Any) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(HEADINGS.get(language, HEADINGS["ms"]))
    async for values in _export_rows(principal, language, filters):
        values[1] = values[1].isoformat()
        writer.writerow(safe_row(values))
    return buffer.getvalue()


async def export_xlsx(principal: Principal, language: str = "ms", **filters: Any) -> bytes:
    scope = _agency_in_scope(principal, filters.get("agency_id"))
    agency = (
        await Agency.select(Agency.name).where(Agency.id == scope).first()
        if scope is not None
        else None
    )
    title = SHEET_TITLE.get(language, SHEET_TITLE["ms"])
    preamble = [f"{title} — {agency['name']}" if agency else title]
    sheet = Sheet(
        title,
        preamble,
        HEADINGS.get(language, HEADINGS["ms"]),
        widths=(8, 20, 36, 28, 28, 10, 14, 14, 28, 16, 50, 20),
    )
    sheet.number_formats[2] = "yyyy-mm-dd hh:mm:ss"
    async for values in _export_rows(principal, language, filters):
        # Excel has no time zones: the time is written as Malaysian local time.
        values[1] = values[1].astimezone(_MALAYSIA).replace(tzinfo=None)
        sheet.append(values)
    return workbook_bytes([sheet])
