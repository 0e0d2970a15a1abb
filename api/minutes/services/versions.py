"""Every saved version of minutes, and the difference between two."""

from __future__ import annotations

import difflib
from typing import Any

from api.accounts.authz import Principal
from api.core.errors import NotFound
from api.meetings.access import content_readable_meeting
from api.minutes import schemas
from api.minutes.services.common import _audit_read, _meeting_row, _names, _people_in, _unit_names
from api.minutes.services.reading import _may_read_body, _minutes_row, _version_body
from api.minutes.tables import MinutesVersion


async def _readable_minutes(
    principal: Principal, meeting_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    access = await content_readable_meeting(principal, meeting_id)
    meeting = await _meeting_row(meeting_id)
    minutes = await _minutes_row(meeting_id)
    if minutes is None or not _may_read_body(access, minutes["status"]):
        raise NotFound()
    await _audit_read(principal, meeting, "minutes")
    return meeting, minutes


async def versions(principal: Principal, meeting_id: int) -> list[schemas.VersionOut]:
    _, minutes = await _readable_minutes(principal, meeting_id)
    rows = (
        await MinutesVersion.select(
            MinutesVersion.number,
            MinutesVersion.kind,
            MinutesVersion.created_at,
            MinutesVersion.author.name.as_alias("author_name"),
        )
        .where(MinutesVersion.minutes == minutes["id"])
        .order_by(MinutesVersion.number, ascending=False)
    )
    return [schemas.VersionOut(**r) for r in rows]


async def version(principal: Principal, meeting_id: int, number: int) -> schemas.VersionBodyOut:
    _, minutes = await _readable_minutes(principal, meeting_id)
    row = await _version_body(minutes["id"], number)
    return schemas.VersionBodyOut(
        number=row["number"],
        kind=row["kind"],
        author_name=row["author_name"],
        created_at=row["created_at"],
        body=row["parsed"],
    )


def _section_lines(
    body: schemas.MinutesBody, users: dict[int, str], units: dict[int, str]
) -> list[tuple[str, str, list[str]]]:
    """(key, title, lines) for each section, in the order they are printed."""
    sections: list[tuple[str, str, list[str]]] = []
    att = body.attendance or schemas.AttendanceSection()
    sections.append(
        (
            "attendance",
            "Kehadiran",
            [f"Hadir: {a.text}" for a in att.present]
            + [f"Tidak hadir: {a.text}" for a in att.absent]
            + [f"Turut hadir: {a.text}" for a in att.in_attendance],
        )
    )
    sections.append(
        (
            "matters",
            "Perkara berbangkit",
            [
                f"{m.meeting_label}: {m.text} [{m.status}]"
                + (f" — {m.latest_feedback}" if m.latest_feedback else "")
                for m in body.matters_arising
            ],
        )
    )
    for index, item in enumerate(body.items, start=1):
        lines = [f"Perbincangan: {line}" for line in item.discussion.splitlines() if line.strip()]
        lines += [f"Keputusan: {d.text}" for d in item.decisions]
        for a in item.actions:
            who = " / ".join(
                x
                for x in (
                    users.get(a.assignee_user_id or 0, ""),
                    units.get(a.assignee_unit_id or 0, ""),
                )
                if x
            )
            due = a.due_date.isoformat() if a.due_date else "-"
            lines.append(f"Tindakan: {a.text} (oleh: {who or '-'}; tarikh akhir: {due})")
        sections.append((f"item:{index}", f"{index}. {item.title}", lines))
    sections.append(("notes", "Catatan", [x for x in body.notes.splitlines() if x.strip()]))
    return sections


def diff_bodies(
    a: schemas.MinutesBody,
    b: schemas.MinutesBody,
    users: dict[int, str] | None = None,
    units: dict[int, str] | None = None,
) -> list[schemas.SectionDiff]:
    users, units = users or {}, units or {}
    old = {k: (t, lines) for k, t, lines in _section_lines(a, users, units)}
    new_sections = _section_lines(b, users, units)
    keys = [k for k, _, _ in new_sections] + [
        k for k in old if k not in dict.fromkeys(k for k, _, _ in new_sections)
    ]
    new = {k: (t, lines) for k, t, lines in new_sections}
    out = []
    for key in keys:
        title = (new.get(key) or old[key])[0]
        before = old.get(key, ("", []))[1]
        after = new.get(key, ("", []))[1]
        lines: list[schemas.DiffLine] = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                lines += [schemas.DiffLine("=", x) for x in before[i1:i2]]
            else:
                lines += [schemas.DiffLine("-", x) for x in before[i1:i2]]
                lines += [schemas.DiffLine("+", x) for x in after[j1:j2]]
        out.append(
            schemas.SectionDiff(
                section=key,
                title=title,
                changed=any(x.op != "=" for x in lines),
                lines=lines,
            )
        )
    return out


async def diff(principal: Principal, meeting_id: int, a: int, b: int) -> schemas.DiffOut:
    _, minutes = await _readable_minutes(principal, meeting_id)
    body_a = (await _version_body(minutes["id"], a))["parsed"]
    body_b = (await _version_body(minutes["id"], b))["parsed"]
    user_ids, unit_ids = _people_in(body_a, body_b)
    sections = diff_bodies(body_a, body_b, await _names(user_ids), await _unit_names(unit_ids))
    return schemas.DiffOut(a=a, b=b, sections=sections)
