"""Keyword search across meetings, agenda items, minutes and decisions, only within what the
person may read (the rules of `api.meetings.access`, applied in SQL here).

* Notices (meeting titles, committee names, agenda items): meetings of the person's committees,
  meetings they are invited to or represent someone at, and TERBUKA meetings of their agency.
* Content (minutes, decisions and actions) of TERBUKA and TERHAD meetings: the same meetings
  minus SULIT ones; minutes only once distributed (drafts: the committee's secretariat too).
* SULIT content is stored sealed, so no database query can search it and nothing indexes its
  plaintext: for the person's own committees' SULIT meetings the sealed texts are opened in
  memory, matched, and forgotten; each search that shows SULIT content is audited.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.documents import is_sealed_text, open_text
from api.core.errors import Invalid
from api.db import is_sqlite
from api.meetings.access import not_a_hidden_draft, secretariat_committees
from api.meetings.confidential import agenda_purpose, opened, subject_of
from api.meetings.tables import AgendaItem, Committee, CommitteeMember, Invitation, Meeting
from api.minutes.tables import Action, Minutes, MinutesVersion

MIN_QUERY = 2
MAX_QUERY = 100
LIMIT = 50
SNIPPET_CONTEXT = 60
READABLE_MINUTES = ("distributed", "confirmed")
# A meeting's number as people write it: "Bil. 5/2026", "bil 5 / 2026", "5/2026".
MEETING_NUMBER = re.compile(r"(?:\bbil\b\.?\s*)?\b(\d{1,4})\s*/\s*(\d{4})\b", re.IGNORECASE)


class SearchHit(msgspec.Struct, rename="camel"):
    kind: str  # meeting | agenda | minutes | decision | action
    meeting_id: int
    meeting_title: str
    number: str  # "Bil. 2/2026"
    classification: str
    snippet: str
    url: str  # a route of the PWA


class SearchResult(msgspec.Struct, rename="camel"):
    query: str
    hits: list[SearchHit]
    truncated: bool


def _contains(column: Any, pattern: str) -> Any:
    """Case-insensitive LIKE: SQLite's LIKE already ignores case (ASCII), PostgreSQL needs ILIKE."""
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


def _like(query: str) -> str:
    # Not escaped: SQLite's LIKE has no default escape character. A "%" or "_" typed by the
    # person only widens the database's pre-selection; `snippet` keeps exact matches only.
    return f"%{query}%"


def snippet(text: str, query: str) -> str | None:
    """The words around the first match (case-insensitive), or None when there is none."""
    at = text.casefold().find(query.casefold())
    if at < 0:
        return None
    start = max(0, at - SNIPPET_CONTEXT)
    end = min(len(text), at + len(query) + SNIPPET_CONTEXT)
    return (
        ("…" if start else "")
        + " ".join(text[start:end].split())
        + ("…" if end < len(text) else "")
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def minutes_text(body: str) -> str:
    """The readable text of a minutes body (JSON): every string in it, one per line."""
    try:
        return "\n".join(_strings(msgspec.json.decode(body)))
    except msgspec.DecodeError:
        return body


def _my_committees(principal: Principal) -> Any:
    return CommitteeMember.select(CommitteeMember.committee).where(
        CommitteeMember.user == principal.user_id
    )


def _my_invitations(principal: Principal) -> Any:
    return Invitation.select(Invitation.meeting).where(
        (Invitation.user == principal.user_id) | (Invitation.representative == principal.user_id)
    )


def _notice_readable(principal: Principal) -> Any:
    return (
        Meeting.committee.is_in(_my_committees(principal))
        | Meeting.id.is_in(_my_invitations(principal))
        | (
            (Meeting.classification == "TERBUKA")
            & Meeting.committee.is_in(
                Committee.select(Committee.id).where(Committee.agency == principal.agency_id)
            )
        )
    ) & not_a_hidden_draft(principal)


def _meeting_columns() -> tuple[Any, ...]:
    return (
        Meeting.id,
        Meeting.title,
        Meeting.number,
        Meeting.year,
        Meeting.classification,
        Meeting.committee.name.as_alias("committee_name"),
    )


def _hit(kind: str, meeting: dict[str, Any], text: str, url: str) -> SearchHit:
    return SearchHit(
        kind=kind,
        meeting_id=meeting["id"],
        meeting_title=subject_of(meeting),
        number=f"Bil. {meeting['number']}/{meeting['year']}",
        classification=meeting["classification"],
        snippet=text,
        url=url,
    )


async def _by_number(readable: Any, query: str, numbered: re.Match[str]) -> list[SearchHit]:
    """Meetings numbered "Bil. N/YYYY"; other words of the query narrow to the committee (or
    the subject, when readable in the database)."""
    number, year = int(numbered.group(1)), int(numbered.group(2))
    rest = " ".join((query[: numbered.start()] + " " + query[numbered.end() :]).split())
    condition = readable & (Meeting.number == number) & (Meeting.year == year)
    if len(rest) >= MIN_QUERY:
        words = _like(rest)
        condition = condition & (
            _contains(Meeting.committee.name, words) | _contains(Meeting.title, words)
        )
    rows = (
        await Meeting.select(*_meeting_columns())
        .where(condition)
        .order_by(Meeting.starts_at, ascending=False)
        .limit(LIMIT + 1)
    )
    label = f"Bil. {number}/{year}"
    return [
        _hit("meeting", m, f"{label} · {m['committee_name']}", f"/meetings/{m['id']}") for m in rows
    ]


async def search(principal: Principal, query: str) -> SearchResult:
    query = " ".join(query.split())
    if not MIN_QUERY <= len(query) <= MAX_QUERY:
        raise Invalid(
            "search_query_length",
            params={"min": MIN_QUERY, "max": MAX_QUERY},
        )
    pattern = _like(query)
    hits: list[SearchHit] = []
    readable = _notice_readable(principal)

    numbered = MEETING_NUMBER.search(query)
    if numbered:
        hits.extend(await _by_number(readable, query, numbered))
    found_by_number = {h.meeting_id for h in hits}
    for meeting in (
        await Meeting.select(*_meeting_columns())
        .where(
            readable
            & (_contains(Meeting.title, pattern) | _contains(Meeting.committee.name, pattern))
            & Meeting.id.not_in(sorted(found_by_number) or [0])
        )
        .order_by(Meeting.starts_at, ascending=False)
        .limit(LIMIT + 1)
    ):
        found = snippet(subject_of(meeting), query) or snippet(meeting["committee_name"], query)
        if found:
            hits.append(_hit("meeting", meeting, found, f"/meetings/{meeting['id']}"))

    agenda = (
        await AgendaItem.select(
            AgendaItem.title,
            AgendaItem.description,
            *[getattr(AgendaItem.meeting, c._meta.name) for c in _meeting_columns()[:5]],
            AgendaItem.meeting._.committee._.name.as_alias("committee_name"),
        )
        .where(
            AgendaItem.meeting.is_in(Meeting.select(Meeting.id).where(readable))
            & (_contains(AgendaItem.title, pattern) | _contains(AgendaItem.description, pattern))
        )
        .limit(LIMIT + 1)
    )
    for row in agenda:
        meeting = _meeting_of(row, "meeting")
        # A SULIT title is sealed, so the database matches only its envelope, never its text.
        purpose = agenda_purpose(meeting["id"])
        text = snippet(opened(row["title"], purpose), query) or snippet(
            opened(row["description"], purpose), query
        )
        if text:
            hits.append(_hit("agenda", meeting, text, f"/meetings/{meeting['id']}"))

    # Content of TERBUKA and TERHAD meetings, searched in the database.
    open_content = Meeting.select(Meeting.id).where(readable & (Meeting.classification != "SULIT"))
    secretariat_of = secretariat_committees(principal)
    minutes_rows = (
        await MinutesVersion.select(
            MinutesVersion.body,
            MinutesVersion.number,
            MinutesVersion.minutes.current_version.as_alias("current"),
            MinutesVersion.minutes.status.as_alias("status"),
            *[
                getattr(MinutesVersion.minutes.meeting, c._meta.name)
                for c in _meeting_columns()[:5]
            ],
            MinutesVersion.minutes._.meeting._.committee._.name.as_alias("committee_name"),
            MinutesVersion.minutes._.meeting._.committee.as_alias("committee"),
        )
        .where(
            MinutesVersion.minutes.meeting.is_in(open_content)
            & _contains(MinutesVersion.body, pattern)
        )
        .limit(4 * LIMIT)
    )
    secretariat = {r["committee"] for r in await secretariat_of}
    for row in minutes_rows:
        if row["number"] != row["current"]:
            continue
        if row["status"] not in READABLE_MINUTES and row["committee"] not in secretariat:
            continue
        text = snippet(minutes_text(row["body"]), query)
        if text:
            meeting = _meeting_of(row, "minutes.meeting")
            hits.append(_hit("minutes", meeting, text, f"/meetings/{meeting['id']}/minutes"))

    for row in (
        await Action.select(
            Action.kind,
            Action.text,
            *[getattr(Action.meeting, c._meta.name) for c in _meeting_columns()[:5]],
            Action.meeting._.committee._.name.as_alias("committee_name"),
        )
        .where(Action.meeting.is_in(open_content) & _contains(Action.text, pattern))
        .limit(LIMIT + 1)
    ):
        text = snippet(row["text"], query)
        if text:
            meeting = _meeting_of(row, "meeting")
            hits.append(_hit(row["kind"], meeting, text, f"/meetings/{meeting['id']}/minutes"))

    hits += await _search_sulit(principal, query)
    unique = {(h.kind, h.meeting_id, h.snippet): h for h in reversed(hits)}
    hits = [h for h in hits if unique.get((h.kind, h.meeting_id, h.snippet)) is h]
    return SearchResult(query=query, hits=hits[:LIMIT], truncated=len(hits) > LIMIT)


def _meeting_of(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {
        "id": row[f"{prefix}.id"],
        "title": row[f"{prefix}.title"],
        "number": row[f"{prefix}.number"],
        "year": row[f"{prefix}.year"],
        "classification": row[f"{prefix}.classification"],
        "committee_name": row["committee_name"],
    }


async def _search_sulit(principal: Principal, query: str) -> list[SearchHit]:
    """SULIT subjects, agenda, minutes and actions of the person's own committees, opened in
    memory only (their sealed text is never matched by the database)."""
    meetings = {
        m["id"]: m
        for m in await Meeting.select(*_meeting_columns()).where(
            Meeting.committee.is_in(_my_committees(principal))
            & (Meeting.classification == "SULIT")
            & not_a_hidden_draft(principal)
        )
    }
    if not meetings:
        return []
    hits: list[SearchHit] = []
    for meeting in meetings.values():
        text = snippet(subject_of(meeting), query)
        if text:
            hits.append(_hit("meeting", meeting, text, f"/meetings/{meeting['id']}"))
    for item in await AgendaItem.select(
        AgendaItem.meeting, AgendaItem.title, AgendaItem.description
    ).where(AgendaItem.meeting.is_in(list(meetings))):
        purpose = agenda_purpose(item["meeting"])
        text = snippet(opened(item["title"], purpose), query) or snippet(
            opened(item["description"], purpose), query
        )
        if text:
            meeting = meetings[item["meeting"]]
            hits.append(_hit("agenda", meeting, text, f"/meetings/{meeting['id']}"))
    minutes = await Minutes.select(
        Minutes.id, Minutes.meeting, Minutes.current_version, Minutes.status
    ).where(Minutes.meeting.is_in(list(meetings)) & Minutes.status.is_in(list(READABLE_MINUTES)))
    for entry in minutes:
        version = (
            await MinutesVersion.select(MinutesVersion.body)
            .where(
                (MinutesVersion.minutes == entry["id"])
                & (MinutesVersion.number == entry["current_version"])
            )
            .first()
        )
        if version is None:
            continue
        body = version["body"]
        if is_sealed_text(body):
            body = open_text(body, f"minutes:{entry['id']}:v{entry['current_version']}")
        text = snippet(minutes_text(body), query)
        if text:
            meeting = meetings[entry["meeting"]]
            hits.append(_hit("minutes", meeting, text, f"/meetings/{meeting['id']}/minutes"))
    for action in await Action.select(Action.id, Action.kind, Action.text, Action.meeting).where(
        Action.meeting.is_in(list(meetings))
    ):
        plain = action["text"]
        if is_sealed_text(plain):
            plain = open_text(plain, f"action:{action['id']}")
        text = snippet(plain, query)
        if text:
            meeting = meetings[action["meeting"]]
            hits.append(_hit(action["kind"], meeting, text, f"/meetings/{meeting['id']}/minutes"))
    if hits:
        await audit.record(
            "sulit_search",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="meeting",
            detail={"meetings": sorted({h.meeting_id for h in hits})},
        )
    return hits
