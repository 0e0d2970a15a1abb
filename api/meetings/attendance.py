"""The meeting day: attendance marked by the secretariat, members' self check-in at the venue
(geofence of the venue office, or the room's rotating QR code), the live quorum and the
official attendance list.

- **Who.** Marking, the attendance sheet and the room code: the committee's secretariat
  (`access.managed_meeting`). Self check-in: invitees, or the representative an invitee named
  (marked "represented"). Anything outside the caller's reach answers 404.
- **When.** Marking from `MARKING_OPENS_BEFORE` the start until `MARKING_CLOSES_AFTER` the end;
  self check-in from `SELF_CHECKIN_OPENS_BEFORE` the start until the end; never for a cancelled
  meeting.
- **Room code.** HMAC-SHA256 of the meeting's random secret (sealed with the master key in
  `Meeting.checkin_secret`, made on first use) and the number of the 30-second window; the
  current and the previous window are accepted, so a code scanned just before it changes works.
- **Idempotent.** A second self check-in keeps the first time; marks by the secretariat replace
  the previous mark (audited with both).
- **Quorum.** `Committee.quorum` or else a majority (floor(n/2)+1) of the committee's chair and
  members (the secretariat does not count); present or represented members count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import segno

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import fences
from api.config import get_settings
from api.core import crypto
from api.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from api.db import for_update, write_transaction
from api.meetings import access
from api.meetings import attendance_schemas as schemas
from api.meetings.confidential import subject_of
from api.meetings.tables import CommitteeMember, Invitation, Meeting
from api.org.tables import Office, User

MARKING_OPENS_BEFORE = timedelta(days=1)
MARKING_CLOSES_AFTER = timedelta(hours=24)
SELF_CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CODE_WINDOW_SECONDS = 30
CODE_LENGTH = 10  # base32 characters of the HMAC shown and scanned (50 bits)

VOTING_ROLES = ("chair", "member")
ATTENDING = ("present", "represented")

ROLE_LABELS = {
    "ms": {
        "chair": "Pengerusi",
        "secretariat": "Urus setia",
        "member": "Ahli",
        "guest": "Jemputan",
    },
    "en": {"chair": "Chair", "secretariat": "Secretariat", "member": "Member", "guest": "Guest"},
}
LIST_TEXT = {
    "ms": {
        "present": "Hadir",
        "absent": "Tidak hadir",
        "guests": "Turut hadir",
        "secretariat": "Urus setia",
        "representing": "{name} (hadir mewakili {member})",
        "present_line": "{name} ({role})",
        "absent_line": "{name} — Tidak hadir ({reason})",
        "absent_no_reason": "{name} — Tidak hadir",
    },
    "en": {
        "present": "Present",
        "absent": "Absent",
        "guests": "In attendance",
        "secretariat": "Secretariat",
        "representing": "{name} (attending on behalf of {member})",
        "present_line": "{name} ({role})",
        "absent_line": "{name} — Absent ({reason})",
        "absent_no_reason": "{name} — Absent",
    },
}


# --------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


def meeting_number(row: dict[str, Any]) -> str:
    return f"Bil. {row['number']}/{row['year']}"


def quorum_needed(committee_quorum: int | None, voting_members: int) -> int:
    """The committee's own quorum, or a majority of its chair and members."""
    if committee_quorum is not None and committee_quorum > 0:
        return committee_quorum
    return voting_members // 2 + 1


async def _meeting(meeting_id: int) -> dict[str, Any]:
    row = (
        await Meeting.select(
            Meeting.id,
            Meeting.committee,
            Meeting.committee.agency.as_alias("agency"),
            Meeting.committee.quorum.as_alias("committee_quorum"),
            Meeting.title,
            Meeting.year,
            Meeting.number,
            Meeting.status,
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.venue_office,
            Meeting.classification,
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def _not_cancelled(meeting: dict[str, Any]) -> None:
    if meeting["status"] == "cancelled":
        raise Conflict("meeting_cancelled")


def marking_open(meeting: dict[str, Any], now: datetime) -> bool:
    return bool(
        meeting["starts_at"] - MARKING_OPENS_BEFORE
        <= now
        <= meeting["ends_at"] + MARKING_CLOSES_AFTER
    )


async def _quorum(meeting: dict[str, Any], attendees: list[dict[str, Any]]) -> schemas.Quorum:
    voting = await CommitteeMember.count().where(
        CommitteeMember.committee == meeting["committee"],
        CommitteeMember.role.is_in(list(VOTING_ROLES)),
    )
    present = sum(
        1 for a in attendees if a["role"] in VOTING_ROLES and a["attendance"] in ATTENDING
    )
    needed = quorum_needed(meeting["committee_quorum"], voting)
    return schemas.Quorum(
        needed=needed, present=present, voting_members=voting, reached=present >= needed
    )


async def _attendees(meeting_id: int) -> list[dict[str, Any]]:
    return await (
        Invitation.select(
            Invitation.id,
            Invitation.user,
            Invitation.user.name.as_alias("name"),
            Invitation.role,
            Invitation.seniority,
            Invitation.response,
            Invitation.decline_reason,
            Invitation.representative,
            Invitation.representative.name.as_alias("representative_user_name"),
            Invitation.representative_name,
            Invitation.attendance,
            Invitation.absence_reason,
            Invitation.checked_in_at,
            Invitation.checkin_method,
        )
        .where(Invitation.meeting == meeting_id)
        .order_by(Invitation.seniority)
        .order_by(Invitation.id)
    )


async def _user_name(user_id: int) -> str:
    row = await User.select(User.name).where(User.id == user_id).first()
    return str(row["name"]) if row else ""


def _representative_name(row: dict[str, Any]) -> str:
    return str(row["representative_user_name"] or row["representative_name"] or "")


ROLE_ORDER = {"chair": 0, "member": 1, "guest": 2, "secretariat": 3}


def _official_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (ROLE_ORDER.get(r["role"], 9), r["seniority"], r["id"]))


def etag_of(value: msgspec.Struct) -> str:
    """A strong ETag of a response body, so a polling screen gets 304 while nothing changed."""
    return '"' + hashlib.sha256(msgspec.json.encode(value)).hexdigest()[:32] + '"'


# --------------------------------------------------------------------------- attendance sheet


async def attendance_sheet(principal: Principal, meeting_id: int) -> schemas.AttendanceOut:
    await access.managed_meeting(principal, meeting_id)
    meeting = await _meeting(meeting_id)
    rows = _official_order(await _attendees(meeting_id))
    return schemas.AttendanceOut(
        meeting_id=meeting_id,
        title=subject_of(meeting),
        number=meeting_number(meeting),
        starts_at=meeting["starts_at"],
        ends_at=meeting["ends_at"],
        status=meeting["status"],
        marking_open=meeting["status"] != "cancelled" and marking_open(meeting, _now()),
        quorum=await _quorum(meeting, rows),
        attendees=[
            schemas.AttendeeOut(
                invitation_id=r["id"],
                user_id=r["user"],
                name=r["name"],
                role=r["role"],
                seniority=r["seniority"],
                response=r["response"],
                decline_reason=r["decline_reason"],
                representative_id=r["representative"],
                representative_name=_representative_name(r),
                attendance=r["attendance"],
                absence_reason=r["absence_reason"],
                checked_in_at=r["checked_in_at"],
                checkin_method=r["checkin_method"],
            )
            for r in rows
        ],
    )


async def mark(
    principal: Principal, meeting_id: int, invitation_id: int, data: schemas.MarkRequest
) -> schemas.AttendanceOut:
    managed = await access.managed_meeting(principal, meeting_id)
    meeting = await _meeting(meeting_id)
    _not_cancelled(meeting)
    now = _now()
    if not marking_open(meeting, now):
        raise Conflict("meeting_marking_closed")
    reason = data.reason.strip()
    if data.attendance == "absent" and not reason:
        raise Invalid(
            "meeting_absence_reason_required",
            errors=[FieldError("reason", "meeting_absence_reason_required")],
        )
    if data.representative_id is not None:
        exists = await User.exists().where(User.id == data.representative_id)
        if not exists:
            raise Invalid(
                "meeting_representative_unknown",
                errors=[FieldError("representativeId", "meeting_representative_unknown")],
            )
    async with write_transaction():
        row = await for_update(
            Invitation.select(
                Invitation.id,
                Invitation.user,
                Invitation.attendance,
                Invitation.representative,
                Invitation.representative_name,
                Invitation.checked_in_at,
                Invitation.checkin_method,
            ).where(Invitation.id == invitation_id, Invitation.meeting == meeting_id)
        ).first()
        if row is None:
            raise NotFound()
        changes: dict[Any, Any] = {
            Invitation.attendance: data.attendance,
            Invitation.absence_reason: reason if data.attendance == "absent" else "",
            Invitation.marked_by: principal.user_id,
        }
        if data.attendance == "represented":
            if data.representative_id is not None:
                changes[Invitation.representative] = data.representative_id
                changes[Invitation.representative_name] = ""
            elif data.representative_name.strip() and (
                row["representative"] is None
                or data.representative_name.strip() != await _user_name(row["representative"])
            ):
                # A typed name replaces the colleague named in the RSVP (unless it is theirs).
                changes[Invitation.representative] = None
                changes[Invitation.representative_name] = data.representative_name.strip()
            elif row["representative"] is None and not row["representative_name"]:
                raise Invalid(
                    "meeting_representative_required",
                    errors=[FieldError("representativeName", "meeting_representative_required")],
                )
        if data.attendance in ATTENDING:
            # A member who checked in themselves keeps their time and method.
            if row["checked_in_at"] is None or row["attendance"] not in ATTENDING:
                changes[Invitation.checked_in_at] = now
                changes[Invitation.checkin_method] = "secretariat"
        else:
            changes[Invitation.checked_in_at] = None
            changes[Invitation.checkin_method] = ""
        await Invitation.update(changes).where(Invitation.id == invitation_id)
        await audit.record(
            "meeting.attendance_marked",
            actor_id=principal.user_id,
            agency_id=managed.agency_id,
            target_type="meeting_invitation",
            target_id=invitation_id,
            detail={
                "meeting_id": meeting_id,
                "attendee_id": row["user"],
                "previous": row["attendance"],
                "attendance": data.attendance,
            },
        )
    return await attendance_sheet(principal, meeting_id)


# --------------------------------------------------------------------------- room code


def _secret_purpose(meeting_id: int) -> str:
    return f"meeting-checkin:{meeting_id}"


async def _checkin_secret(meeting_id: int, *, create: bool) -> bytes | None:
    """The meeting's QR secret; made (once, whoever comes first) when `create` is set."""
    row = await Meeting.select(Meeting.checkin_secret).where(Meeting.id == meeting_id).first()
    sealed = row["checkin_secret"] if row else ""
    if not sealed and create:
        async with write_transaction():
            current = await for_update(
                Meeting.select(Meeting.checkin_secret).where(Meeting.id == meeting_id)
            ).first()
            sealed = current["checkin_secret"] if current else ""
            if not sealed:
                sealed = crypto.seal(os.urandom(32), _secret_purpose(meeting_id))
                await Meeting.update({Meeting.checkin_secret: sealed}).where(
                    Meeting.id == meeting_id
                )
    if not sealed:
        return None
    return crypto.open_sealed(sealed, _secret_purpose(meeting_id))


def code_for(secret: bytes, meeting_id: int, window: int) -> str:
    digest = hmac.new(secret, f"{meeting_id}:{window}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def current_window(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // CODE_WINDOW_SECONDS)


def code_accepted(secret: bytes, meeting_id: int, code: str, at: float | None = None) -> bool:
    """The code of the current or the previous 30-second window (constant-time compare)."""
    window = current_window(at)
    given = code.strip().upper().encode()
    return any(
        hmac.compare_digest(given, code_for(secret, meeting_id, w).encode())
        for w in (window, window - 1)
    )


def checkin_url(meeting_id: int, code: str) -> str:
    return f"{get_settings().base_url}/#/meetings/{meeting_id}/check-in?code={code}"


async def room_code(principal: Principal, meeting_id: int) -> schemas.RoomCodeOut:
    await access.managed_meeting(principal, meeting_id)
    meeting = await _meeting(meeting_id)
    _not_cancelled(meeting)
    secret = await _checkin_secret(meeting_id, create=True)
    assert secret is not None
    now = time.time()
    window = current_window(now)
    code = code_for(secret, meeting_id, window)
    url = checkin_url(meeting_id, code)
    qr = segno.make_qr(url, error="m").svg_data_uri(scale=8, border=4, dark="#000", light="#fff")
    seconds_left = max(1, int((window + 1) * CODE_WINDOW_SECONDS - now))
    return schemas.RoomCodeOut(
        meeting_id=meeting_id,
        title=subject_of(meeting),
        number=meeting_number(meeting),
        code=code,
        url=url,
        qr_svg=qr,
        seconds_left=seconds_left,
        window_seconds=CODE_WINDOW_SECONDS,
    )


# --------------------------------------------------------------------------- self check-in


async def _venue_verdict(meeting: dict[str, Any], data: schemas.CheckInRequest) -> None:
    """Inside the venue office, or Invalid with the distance (same judgement as attendance)."""
    assert data.fix is not None
    office_id = meeting["venue_office"]
    office = (
        await Office.select(Office.agency).where(Office.id == office_id).first()
        if office_id is not None
        else None
    )
    if office is None:
        raise Invalid("meeting_no_venue")
    agency_fence = await fences.fence_for_agency(office["agency"])
    if agency_fence.fence is None or str(office_id) not in set(agency_fence.fence.office_ids):
        raise Invalid("meeting_no_venue")
    fix = data.fix
    try:
        verdict = agency_fence.fence.check(
            fix.lat, fix.lon, fix.accuracy, office_ids=[str(office_id)]
        )
    except ValueError as error:
        raise Invalid(
            "invalid_fix", params={"reason": str(error)}, errors=[FieldError("fix", str(error))]
        ) from None
    if verdict.status == "inside":
        return
    params = {
        "distance": round(max(float(verdict.distance_m), 0.0)),
        "accuracy": round(fix.accuracy),
        "office": agency_fence.names.get(office_id, ""),
    }
    if verdict.status == "uncertain":
        raise Invalid("meeting_checkin_uncertain", params=params)
    raise Invalid("meeting_checkin_outside", params=params)


async def self_check_in(
    principal: Principal, meeting_id: int, data: schemas.CheckInRequest
) -> schemas.CheckInOut:
    if (data.code is None) == (data.fix is None):
        raise Invalid(
            "meeting_checkin_code_or_position",
            errors=[FieldError("code", "meeting_checkin_code_or_position")],
        )
    seen = await access.readable_meeting(principal, meeting_id)
    if not (seen.invited or seen.representing):
        raise Forbidden("meeting_not_invited")
    meeting = await _meeting(meeting_id)
    _not_cancelled(meeting)
    now = _now()
    if now < meeting["starts_at"] - SELF_CHECKIN_OPENS_BEFORE:
        raise Conflict("meeting_checkin_not_yet")
    if now > meeting["ends_at"]:
        raise Conflict("meeting_checkin_over")
    if data.code is not None:
        secret = await _checkin_secret(meeting_id, create=False)
        if secret is None or not code_accepted(secret, meeting_id, data.code):
            raise Invalid(
                "meeting_checkin_code_invalid",
                errors=[FieldError("code", "meeting_checkin_code_invalid")],
            )
        method = "qr"
    else:
        await _venue_verdict(meeting, data)
        method = "geofence"

    async with write_transaction():
        rows = await for_update(
            Invitation.select(
                Invitation.id,
                Invitation.user,
                Invitation.representative,
                Invitation.attendance,
                Invitation.checked_in_at,
                Invitation.checkin_method,
            ).where(
                Invitation.meeting == meeting_id,
                (Invitation.user == principal.user_id)
                | (Invitation.representative == principal.user_id),
            )
        )
        # Their own invitation first; otherwise the member they represent.
        own = [r for r in rows if r["user"] == principal.user_id]
        row = own[0] if own else (rows[0] if rows else None)
        if row is None:
            raise NotFound()
        attendance = "present" if own else "represented"
        representing = "" if own else await _user_name(row["user"])
        if row["attendance"] in ATTENDING and row["checked_in_at"] is not None:
            return schemas.CheckInOut(
                meeting_id=meeting_id,
                invitation_id=row["id"],
                attendance=row["attendance"],
                checked_in_at=row["checked_in_at"],
                checkin_method=row["checkin_method"],
                representing=representing,
                replayed=True,
            )
        await Invitation.update(
            {
                Invitation.attendance: attendance,
                Invitation.absence_reason: "",
                Invitation.checked_in_at: now,
                Invitation.checkin_method: method,
                Invitation.marked_by: principal.user_id,
            }
        ).where(Invitation.id == row["id"])
        await audit.record(
            "meeting.checked_in",
            actor_id=principal.user_id,
            agency_id=seen.agency_id,
            target_type="meeting_invitation",
            target_id=row["id"],
            detail={"meeting_id": meeting_id, "method": method, "attendance": attendance},
        )
    return schemas.CheckInOut(
        meeting_id=meeting_id,
        invitation_id=row["id"],
        attendance=attendance,
        checked_in_at=now,
        checkin_method=method,
        representing=representing,
        replayed=False,
    )


# --------------------------------------------------------------------------- official list


def _entry_text(kind: str, language: str, **params: str) -> str:
    return LIST_TEXT[language][kind].format(**params)


async def attendance_list(meeting_id: int, language: str = "ms") -> schemas.AttendanceListOut:
    """The official attendance list of a meeting, without a request (the minutes use it):
    chair, then members by seniority ("Hadir"; representatives "X (hadir mewakili Y)"), then
    the absent with their reasons, the guests present ("Turut hadir"), the secretariat last.
    Unmarked chair and members count as absent (their RSVP's reason, if any)."""
    language = language if language in LIST_TEXT else "ms"
    labels = ROLE_LABELS[language]
    meeting = await _meeting(meeting_id)
    rows = _official_order(await _attendees(meeting_id))
    present: list[schemas.ListEntry] = []
    absent: list[schemas.ListEntry] = []
    guests: list[schemas.ListEntry] = []
    secretariat: list[schemas.ListEntry] = []
    for r in rows:
        role_label = labels.get(r["role"], r["role"])
        if r["role"] == "secretariat":
            if r["attendance"] != "absent":
                secretariat.append(
                    schemas.ListEntry(r["name"], r["role"], "secretariat", "", "", r["name"])
                )
            continue
        if r["role"] == "guest":
            if r["attendance"] in ATTENDING:
                guests.append(schemas.ListEntry(r["name"], r["role"], "guest", "", "", r["name"]))
            continue
        if r["attendance"] == "present":
            text = _entry_text("present_line", language, name=r["name"], role=role_label)
            present.append(schemas.ListEntry(r["name"], r["role"], "present", "", "", text))
        elif r["attendance"] == "represented":
            name = _representative_name(r) or "—"
            text = _entry_text("representing", language, name=name, member=r["name"])
            present.append(schemas.ListEntry(name, r["role"], "represented", r["name"], "", text))
        else:
            reason = (r["absence_reason"] or r["decline_reason"] or "").strip()
            text = (
                _entry_text("absent_line", language, name=r["name"], reason=reason)
                if reason
                else _entry_text("absent_no_reason", language, name=r["name"])
            )
            absent.append(schemas.ListEntry(r["name"], r["role"], "absent", "", reason, text))
    sections = [
        schemas.ListSection(key, LIST_TEXT[language][key], entries)
        for key, entries in (
            ("present", present),
            ("absent", absent),
            ("guests", guests),
            ("secretariat", secretariat),
        )
        if entries
    ]
    lines: list[str] = []
    for section in sections:
        lines.append(section.title.upper())
        lines.extend(f"{i}. {e.text}" for i, e in enumerate(section.entries, start=1))
    return schemas.AttendanceListOut(
        meeting_id=meeting_id,
        language=language,
        title=subject_of(meeting),
        number=meeting_number(meeting),
        sections=sections,
        lines=lines,
    )


async def readable_attendance_list(
    principal: Principal, meeting_id: int, language: str
) -> schemas.AttendanceListOut:
    """The list for a person who may read the meeting's content (SULIT: members only)."""
    await access.content_readable_meeting(principal, meeting_id)
    return await attendance_list(meeting_id, language)
