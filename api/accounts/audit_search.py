"""Searching and exporting the audit trail, within the administrator's scope."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import msgspec
from piccolo.custom_types import Combinable

from api.accounts.authz import Principal
from api.accounts.tables import AuditEvent
from api.core.errors import NotFound
from api.core.exports import csv_writer


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


class AuditPage(msgspec.Struct, rename="camel"):
    items: list[AuditEventOut]
    total: int


def _where(
    principal: Principal,
    agency_id: int | None,
    action: str | None,
    actor_id: int | None,
    target_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Combinable:
    if agency_id is None:
        if not principal.is_super_admin:
            agency_id = principal.agency_id
    elif not principal.can_administer(agency_id):
        raise NotFound()
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


def _out(row: dict[str, Any]) -> AuditEventOut:
    detail = row["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail)
    return AuditEventOut(
        seq=row["seq"],
        at=row["at"],
        agency_id=row["agency_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        ip=row["ip"],
        detail=detail,
    )


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
    return AuditPage(items=[_out(r) for r in rows], total=total)


async def export_csv(principal: Principal, **filters: Any) -> str:
    where = _where(
        principal,
        filters.get("agency_id"),
        filters.get("action"),
        filters.get("actor_id"),
        filters.get("target_id"),
        filters.get("since"),
        filters.get("until"),
    )
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        [
            "seq",
            "at",
            "agency_id",
            "actor_id",
            "action",
            "target_type",
            "target_id",
            "ip",
            "detail",
            "hash",
        ]
    )
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
        for row in rows:
            event = _out(row)
            writer.writerow(
                [
                    event.seq,
                    event.at.isoformat(),
                    event.agency_id,
                    event.actor_id,
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.ip,
                    json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
                    row["hash"],
                ]
            )
        after = rows[-1]["seq"]
    return buffer.getvalue()
