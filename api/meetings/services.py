"""Meeting rules: numbering, validation of time / place / classification, the agenda, and what
each person sees of a meeting.

* **Numbering** "Bil. N/YYYY" per committee per calendar year of the start date (Malaysian
  time). The number comes from one atomic upsert of `meeting_counter` inside the same write
  transaction as the meeting (INSERT … ON CONFLICT (committee, year) DO UPDATE SET
  last_number = last_number + 1 RETURNING last_number): on PostgreSQL the conflicting row is
  locked until the transaction ends, on SQLite the IMMEDIATE transaction holds the write lock,
  so concurrent creates get consecutive numbers with no gap and no duplicate; a failed create
  rolls its number back.
* **Classification** TERBUKA / TERHAD / SULIT. RAHSIA and RAHSIA BESAR are not handled by
  Hadir at all: any spelling ("rahsia", "Rahsia  Besar", "R-A-H-S-I-A") is refused with 422 and
  an audit event. Input is normalised by dropping non-letters and upper-casing.
* **Place**: physical needs a venue office of the committee's agency and a room; online an
  https link; hybrid both.
* Changes of time or place after the invitations went out are sent as updates
  (`api.meetings.invitations`).
* **Changing the classification** (`change_classification`): the secretariat may only raise
  it; lowering it (SULIT → TERHAD → TERBUKA) is the chair's decision. Once minutes exist the
  classification is fixed either way (their text, comments and actions were sealed or not
  according to it; re-sealing them is not attempted: refusing is the simpler consistent rule).
  Every change is audited as `meeting.classification_change` with before and after.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from api.accounts import audit
from api.accounts.authz import Principal
from api.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from api.db import for_update, is_sqlite, write_transaction
from api.meetings import invitations, schemas
from api.meetings.access import (
    CLASSIFICATION_RANK,
    Classification,
    CommitteeRole,
    MeetingAccess,
    committee_role,
    hidden_draft,
    is_forbidden_classification,
    managed_meeting,
    normalise_classification,
    readable_meeting,
)
from api.meetings.confidential import (
    agenda_purpose,
    opened,
    reason_purpose,
    seal_if_sulit,
    subject_of,
    subject_purpose,
)
from api.meetings.tables import AgendaItem, Committee, CommitteeMember, Invitation, Meeting
from api.org.tables import Office, User

TZ = ZoneInfo("Asia/Kuala_Lumpur")
MAX_DURATION = timedelta(days=7)
PAST_WINDOW = timedelta(days=90)


# --------------------------------------------------------------------------- small rules


def number_label(number: int, year: int) -> str:
    return f"Bil. {number}/{year}"


def display_title(committee_name: str, number: int, year: int) -> str:
    return f"Mesyuarat {committee_name} {number_label(number, year)}"


async def classification_of(
    principal: Principal, raw: str, *, agency_id: int, target: str
) -> Classification:
    """TERBUKA / TERHAD / SULIT; RAHSIA (BESAR) in any spelling is refused and audited."""
    if is_forbidden_classification(raw):
        await audit.record(
            "meeting.classification_refused",
            actor_id=principal.user_id,
            agency_id=agency_id,
            target_type="meeting",
            target_id=target,
            detail={"given": raw[:64]},
        )
        raise Invalid(
            "classification_too_high",
            errors=[FieldError("classification", "classification_too_high")],
        )
    try:
        return Classification(normalise_classification(raw))
    except ValueError:
        raise Invalid(
            "classification_invalid",
            errors=[FieldError("classification", "classification_invalid")],
        ) from None


def _aware(value: datetime) -> datetime:
    """Times without an offset are Malaysian wall-clock times."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value.astimezone(UTC)


def check_times(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    start, end = _aware(starts_at), _aware(ends_at)
    if end <= start:
        raise Invalid(
            "meeting_end_before_start", errors=[FieldError("endsAt", "meeting_end_before_start")]
        )
    if end - start > MAX_DURATION:
        raise Invalid("meeting_too_long", errors=[FieldError("endsAt", "meeting_too_long")])
    return start, end


async def check_place(
    agency_id: int, mode: str, office_id: int | None, room: str, online_url: str
) -> None:
    errors = []
    if mode in ("physical", "hybrid"):
        if office_id is None or not await Office.exists().where(
            (Office.id == office_id) & (Office.agency == agency_id) & (Office.active == True)  # noqa: E712
        ):
            errors.append(FieldError("venueOfficeId", "meeting_venue_required"))
        if not room.strip():
            errors.append(FieldError("room", "meeting_room_required"))
    if mode in ("online", "hybrid"):
        parts = urlsplit(online_url.strip())
        if (
            parts.scheme != "https"
            or not parts.hostname
            or any(c.isspace() for c in online_url.strip())
        ):
            errors.append(FieldError("onlineUrl", "meeting_link_required"))
    if errors:
        raise Invalid("meeting_place_invalid", errors=errors)


async def next_number(committee_id: int, year: int) -> int:
    """The next number of the committee's year; call inside the meeting's write transaction."""
    rows = await Meeting.raw(
        "INSERT INTO meeting_counter (committee, year, last_number) VALUES ({}, {}, 1) "
        "ON CONFLICT (committee, year) DO UPDATE "
        "SET last_number = meeting_counter.last_number + 1 RETURNING last_number",
        committee_id,
        year,
    )
    return int(rows[0]["last_number"])


# --------------------------------------------------------------------------- reading


async def _meeting_row(meeting_id: int) -> dict[str, Any] | None:
    return await (
        Meeting.select(
            *Meeting.all_columns(),
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.committee.agency.as_alias("agency"),
            Meeting.venue_office.name.as_alias("venue_office_name"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )


async def agenda(meeting_id: int, *, with_descriptions: bool = True) -> list[schemas.AgendaItemOut]:
    rows = (
        await AgendaItem.select()
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position)
        .order_by(AgendaItem.id)
    )
    purpose = agenda_purpose(meeting_id)
    return [
        schemas.AgendaItemOut(
            id=r["id"],
            position=index,
            title=opened(r["title"], purpose),
            description=opened(r["description"], purpose) if with_descriptions else "",
            presenter=r["presenter"],
        )
        for index, r in enumerate(rows, start=1)
    ]


def _rsvp_open(row: dict[str, Any], now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return bool(row["status"] != "cancelled" and now < row["starts_at"].astimezone(UTC))


async def invitation_list(meeting_id: int) -> list[schemas.InvitationOut]:
    rows = await Invitation.select(
        *Invitation.all_columns(),
        Invitation.user.name.as_alias("name"),
        Invitation.user.position.as_alias("position"),
        Invitation.representative.name.as_alias("rep_name"),
    ).where(Invitation.meeting == meeting_id)
    order = {"chair": 0, "member": 1, "guest": 2, "secretariat": 3}
    rows.sort(key=lambda r: (order.get(r["role"], 1), r["seniority"], r["name"]))
    return [
        schemas.InvitationOut(
            id=r["id"],
            user_id=r["user"],
            name=r["name"],
            position=r["position"] or "",
            role=r["role"],
            seniority=r["seniority"],
            response=r["response"],
            decline_reason=r["decline_reason"],
            representative_id=r["representative"],
            representative_name=r["rep_name"] or r["representative_name"],
            responded_at=r["responded_at"],
        )
        for r in rows
    ]


async def meeting_out(principal: Principal, access: MeetingAccess) -> schemas.MeetingOut:
    row = await _meeting_row(access.meeting_id)
    if row is None:
        raise NotFound()
    mine = (
        await Invitation.select(
            *Invitation.all_columns(), Invitation.representative.name.as_alias("rep_name")
        )
        .where((Invitation.meeting == row["id"]) & (Invitation.user == principal.user_id))
        .first()
    )
    representing = await Invitation.select(Invitation.user.name.as_alias("name")).where(
        (Invitation.meeting == row["id"]) & (Invitation.representative == principal.user_id)
    )
    my_rsvp = None
    if mine is not None:
        my_rsvp = schemas.MyRsvp(
            role=mine["role"],
            response=mine["response"],
            decline_reason=mine["decline_reason"],
            representative_id=mine["representative"],
            representative_name=mine["rep_name"] or mine["representative_name"],
            responded_at=mine["responded_at"],
            can_change=_rsvp_open(row),
        )
    return schemas.MeetingOut(
        id=row["id"],
        committee_id=row["committee"],
        committee_name=row["committee_name"],
        number=number_label(row["number"], row["year"]),
        display_title=display_title(row["committee_name"], row["number"], row["year"]),
        subject=subject_of(row),
        classification=row["classification"],
        mode=row["mode"],
        venue_office_id=row["venue_office"],
        venue_office_name=row["venue_office_name"] or "",
        room=row["room"],
        online_url=row["online_url"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        status=row["status"],
        sequence=row["sequence"],
        invited_at=row["invited_at"],
        status_reason=opened(row["status_reason"], reason_purpose(row["id"])),
        agenda=await agenda(row["id"], with_descriptions=access.can_read_content),
        my_rsvp=my_rsvp,
        can_manage=access.can_manage,
        can_read_content=access.can_read_content,
        my_committee_role=access.committee_role.value if access.committee_role else None,
        representing=[r["name"] for r in representing],
        invitations=await invitation_list(row["id"]) if access.can_manage else None,
    )


async def meeting_detail(principal: Principal, meeting_id: int) -> schemas.MeetingOut:
    return await meeting_out(principal, await readable_meeting(principal, meeting_id))


async def my_meetings(
    principal: Principal, when: str, now: datetime | None = None
) -> list[schemas.MeetingSummary]:
    """Meetings I am invited to, represent someone at, or whose committee I belong to."""
    now = now or datetime.now(UTC)
    invited = await Invitation.select(
        Invitation.meeting, Invitation.user, Invitation.response, Invitation.representative
    ).where(
        (Invitation.user == principal.user_id) | (Invitation.representative == principal.user_id)
    )
    memberships = await CommitteeMember.select(
        CommitteeMember.committee, CommitteeMember.role
    ).where(CommitteeMember.user == principal.user_id)
    roles = {m["committee"]: m["role"] for m in memberships}
    meeting_ids = {i["meeting"] for i in invited}
    query = Meeting.select(
        *Meeting.all_columns(),
        Meeting.committee.name.as_alias("committee_name"),
        Meeting.venue_office.name.as_alias("venue_office_name"),
    )
    condition: Any = Meeting.id.is_in(list(meeting_ids) or [0])
    if roles:
        condition = condition | Meeting.committee.is_in(list(roles))
    if when == "past":
        # No cut-off in years: the latest 200 here, every one in the committee's archive.
        query = query.where(condition & (Meeting.ends_at < now))
        query = query.order_by(Meeting.starts_at, ascending=False)
    else:
        query = query.where(condition & (Meeting.ends_at >= now)).order_by(Meeting.starts_at)
    rows = await query.limit(200)
    responses = {i["meeting"]: i["response"] for i in invited if i["user"] == principal.user_id}
    represented = {
        i["meeting"]: i["user"] for i in invited if i["representative"] == principal.user_id
    }
    names: dict[int, str] = {}
    if represented:
        for u in await User.select(User.id, User.name).where(
            User.id.is_in(list(represented.values()))
        ):
            names[u["id"]] = u["name"]
    result = []
    for r in rows:
        if hidden_draft(r["status"], roles.get(r["committee"]), r["id"] in responses):
            continue
        result.append(
            schemas.MeetingSummary(
                id=r["id"],
                committee_id=r["committee"],
                committee_name=r["committee_name"],
                number=number_label(r["number"], r["year"]),
                display_title=display_title(r["committee_name"], r["number"], r["year"]),
                subject=subject_of(r),
                classification=r["classification"],
                mode=r["mode"],
                venue_office_name=r["venue_office_name"] or "",
                room=r["room"],
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
                status=r["status"],
                my_response=responses.get(r["id"]),
                representing=names.get(represented[r["id"]]) if r["id"] in represented else None,
            )
        )
    return result


# --------------------------------------------------------------------------- writing


async def _secretariat_committee(principal: Principal, committee_id: int) -> dict[str, Any]:
    committee = (
        await Committee.select(Committee.id, Committee.agency, Committee.name, Committee.active)
        .where(Committee.id == committee_id)
        .first()
    )
    if committee is None:
        raise NotFound()
    role = await committee_role(principal.user_id, committee_id)
    if role != CommitteeRole.SECRETARIAT:
        if role is None and not principal.can_administer(committee["agency"]):
            raise NotFound()
        raise Forbidden("meeting_secretariat_only")
    if not committee["active"]:
        raise Conflict("committee_inactive")
    return committee


async def create_meeting(
    principal: Principal, data: schemas.MeetingIn, ip: str = ""
) -> schemas.MeetingOut:
    committee = await _secretariat_committee(principal, data.committee_id)
    level = await classification_of(
        principal, data.classification, agency_id=committee["agency"], target="new"
    )
    start, end = check_times(data.starts_at, data.ends_at)
    await check_place(
        committee["agency"], data.mode, data.venue_office_id, data.room, data.online_url
    )
    year = start.astimezone(TZ).year
    async with write_transaction():
        number = await next_number(committee["id"], year)
        meeting_id = (
            await Meeting.insert(
                Meeting(
                    committee=committee["id"],
                    year=year,
                    number=number,
                    title="" if level == Classification.SULIT else data.subject.strip(),
                    classification=level.value,
                    mode=data.mode,
                    venue_office=data.venue_office_id if data.mode != "online" else None,
                    room=data.room.strip() if data.mode != "online" else "",
                    online_url=data.online_url.strip() if data.mode != "physical" else "",
                    starts_at=start,
                    ends_at=end,
                    status="draft",
                    sequence=0,
                    created_by=principal.user_id,
                )
            ).returning(Meeting.id)
        )[0]["id"]
        if level == Classification.SULIT:
            # Sealed bound to the meeting's id, which the insert has just given.
            await Meeting.update(
                {
                    Meeting.title: seal_if_sulit(
                        data.subject.strip(), level, subject_purpose(meeting_id)
                    )
                }
            ).where(Meeting.id == meeting_id)
        purpose = agenda_purpose(meeting_id)
        for position, item in enumerate(data.agenda, start=1):
            await AgendaItem.insert(
                AgendaItem(
                    meeting=meeting_id,
                    position=position,
                    title=seal_if_sulit(item.title.strip(), level, purpose),
                    description=seal_if_sulit(item.description, level, purpose),
                    presenter=item.presenter,
                )
            )
        await audit.record(
            "meeting.create",
            actor_id=principal.user_id,
            agency_id=committee["agency"],
            target_type="meeting",
            target_id=meeting_id,
            ip=ip,
            detail={"number": number_label(number, year), "classification": level.value},
        )
    return await meeting_detail(principal, meeting_id)


async def minutes_exist(meeting_id: int) -> bool:
    """Whether minutes were started for the meeting. Raw SQL: the minutes area imports this
    one, so importing its table here would make a cycle."""
    rows = await Meeting.raw("SELECT 1 AS found FROM minutes WHERE meeting = {}", meeting_id)
    return bool(rows)


async def _set_classification(
    principal: Principal,
    access: MeetingAccess,
    row: dict[str, Any],
    level: Classification,
    ip: str,
) -> bool:
    """Applies a new classification inside the caller's write transaction (the meeting row
    locked); False when it is unchanged. Lowering needs the chair; minutes fix it."""
    before = Classification(row["classification"])
    if level == before:
        return False
    if CLASSIFICATION_RANK[level] < CLASSIFICATION_RANK[before] and not access.is_chair:
        raise Forbidden(
            "classification_lower_chair_only",
            errors=[FieldError("classification", "classification_lower_chair_only")],
        )
    if await minutes_exist(access.meeting_id):
        raise Conflict(
            "classification_fixed_after_minutes",
            errors=[FieldError("classification", "classification_fixed_after_minutes")],
        )
    await Meeting.update(
        {
            Meeting.classification: level.value,
            Meeting.title: seal_if_sulit(
                subject_of(row), level, subject_purpose(access.meeting_id)
            ),
            Meeting.status_reason: seal_if_sulit(
                opened(row["status_reason"], reason_purpose(access.meeting_id)),
                level,
                reason_purpose(access.meeting_id),
            ),
            Meeting.updated_at: datetime.now(UTC),
        }
    ).where(Meeting.id == access.meeting_id)
    purpose = agenda_purpose(access.meeting_id)
    for item in await AgendaItem.select(
        AgendaItem.id, AgendaItem.title, AgendaItem.description
    ).where(AgendaItem.meeting == access.meeting_id):
        await AgendaItem.update(
            {
                AgendaItem.title: seal_if_sulit(opened(item["title"], purpose), level, purpose),
                AgendaItem.description: seal_if_sulit(
                    opened(item["description"], purpose), level, purpose
                ),
            }
        ).where(AgendaItem.id == item["id"])
    await audit.record(
        "meeting.classification_change",
        actor_id=principal.user_id,
        agency_id=access.agency_id,
        target_type="meeting",
        target_id=access.meeting_id,
        ip=ip,
        detail={"before": before.value, "after": level.value},
    )
    return True


async def change_classification(
    principal: Principal, meeting_id: int, data: schemas.ClassificationIn, ip: str = ""
) -> schemas.MeetingOut:
    """The chair raises or lowers the classification; the secretariat only raises it."""
    access = await readable_meeting(principal, meeting_id)
    if not (access.is_chair or access.is_secretariat):
        raise Forbidden("classification_lower_chair_only")
    level = await classification_of(
        principal, data.classification, agency_id=access.agency_id, target=str(meeting_id)
    )
    async with write_transaction():
        row = await _locked_meeting(meeting_id)
        if row["status"] == "cancelled":
            raise Conflict("meeting_cancelled")
        await _set_classification(principal, access, row, level, ip)
    return await meeting_detail(principal, meeting_id)


async def _locked_meeting(meeting_id: int) -> dict[str, Any]:
    row = await for_update(Meeting.select().where(Meeting.id == meeting_id)).first()
    if row is None:
        raise NotFound()
    return row


async def update_meeting(
    principal: Principal, meeting_id: int, data: schemas.MeetingPatch, ip: str = ""
) -> schemas.MeetingOut:
    access = await managed_meeting(principal, meeting_id)
    level = None
    if data.classification is not None:
        level = await classification_of(
            principal, data.classification, agency_id=access.agency_id, target=str(meeting_id)
        )
    async with write_transaction():
        row = await _locked_meeting(meeting_id)
        if row["status"] == "cancelled":
            raise Conflict("meeting_cancelled")
        start, end = check_times(data.starts_at or row["starts_at"], data.ends_at or row["ends_at"])
        mode = data.mode or row["mode"]
        office = data.venue_office_id if data.venue_office_id is not None else row["venue_office"]
        room = data.room if data.room is not None else row["room"]
        link = data.online_url if data.online_url is not None else row["online_url"]
        if mode == "online":
            office, room = None, ""
        if mode == "physical":
            link = ""
        await check_place(access.agency_id, mode, office, room, link)
        values: dict[Any, Any] = {
            Meeting.starts_at: start,
            Meeting.ends_at: end,
            Meeting.mode: mode,
            Meeting.venue_office: office,
            Meeting.room: room.strip(),
            Meeting.online_url: link.strip(),
            Meeting.updated_at: datetime.now(UTC),
        }
        if level is not None:
            await _set_classification(principal, access, row, level, ip)
        if data.subject is not None:
            values[Meeting.title] = seal_if_sulit(
                data.subject.strip(),
                level.value if level is not None else row["classification"],
                subject_purpose(meeting_id),
            )
        if start.astimezone(TZ).year != row["year"]:
            # The number belongs to its year: moving it would leave a gap. Cancel and create
            # the meeting again in the other year instead.
            raise Invalid(
                "meeting_year_fixed", errors=[FieldError("startsAt", "meeting_year_fixed")]
            )
        changed = (
            start != row["starts_at"].astimezone(UTC)
            or end != row["ends_at"].astimezone(UTC)
            or mode != row["mode"]
            or office != row["venue_office"]
            or room.strip() != row["room"]
            or link.strip() != row["online_url"]
        )
        notify = changed and row["invited_at"] is not None
        reason = (data.reason or "").strip()
        if notify:
            values[Meeting.sequence] = row["sequence"] + 1
            values[Meeting.status_reason] = seal_if_sulit(
                reason,
                level.value if level is not None else row["classification"],
                reason_purpose(meeting_id),
            )
        await Meeting.update(values).where(Meeting.id == meeting_id)
        if notify:
            await invitations.reset_responses(meeting_id)
            await invitations.notify_all(meeting_id, invitations.UPDATE, reason=reason)
        await audit.record(
            "meeting.update",
            actor_id=principal.user_id,
            agency_id=access.agency_id,
            target_type="meeting",
            target_id=meeting_id,
            ip=ip,
            detail={"sequence": values.get(Meeting.sequence, row["sequence"]), "notified": notify},
        )
    return await meeting_detail(principal, meeting_id)


async def cancel_meeting(
    principal: Principal, meeting_id: int, ip: str = "", reason: str = ""
) -> schemas.MeetingOut:
    """Cancelled with a reason, told to every invitee in the notice and the CANCEL's COMMENT."""
    access = await managed_meeting(principal, meeting_id)
    reason = reason.strip()
    async with write_transaction():
        row = await _locked_meeting(meeting_id)
        if row["status"] == "cancelled":
            return await meeting_out(principal, access)  # idempotent
        sequence = row["sequence"] + 1 if row["invited_at"] is not None else row["sequence"]
        await Meeting.update(
            {
                Meeting.status: "cancelled",
                Meeting.status_reason: seal_if_sulit(
                    reason, row["classification"], reason_purpose(meeting_id)
                ),
                Meeting.sequence: sequence,
                Meeting.updated_at: datetime.now(UTC),
            }
        ).where(Meeting.id == meeting_id)
        if row["invited_at"] is not None:
            await invitations.notify_all(meeting_id, invitations.CANCEL, reason=reason)
        await audit.record(
            "meeting.cancel",
            actor_id=principal.user_id,
            agency_id=access.agency_id,
            target_type="meeting",
            target_id=meeting_id,
            ip=ip,
        )
    return await meeting_out(principal, access)


# --------------------------------------------------------------------------- agenda


async def _editable(principal: Principal, meeting_id: int) -> str:
    """The meeting may be edited; its classification."""
    await managed_meeting(principal, meeting_id)
    row = (
        await Meeting.select(Meeting.status, Meeting.classification)
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        raise NotFound()
    if row["status"] == "cancelled":
        raise Conflict("meeting_cancelled")
    return str(row["classification"])


async def add_agenda_item(
    principal: Principal, meeting_id: int, data: schemas.AgendaItemIn
) -> list[schemas.AgendaItemOut]:
    level = await _editable(principal, meeting_id)
    purpose = agenda_purpose(meeting_id)
    async with write_transaction():
        await _locked_meeting(meeting_id)
        rows = await AgendaItem.select(AgendaItem.position).where(AgendaItem.meeting == meeting_id)
        if len(rows) >= 200:
            raise Invalid("agenda_too_long")
        await AgendaItem.insert(
            AgendaItem(
                meeting=meeting_id,
                position=max((r["position"] for r in rows), default=0) + 1,
                title=seal_if_sulit(data.title.strip(), level, purpose),
                description=seal_if_sulit(data.description, level, purpose),
                presenter=data.presenter,
            )
        )
    return await agenda(meeting_id)


async def update_agenda_item(
    principal: Principal, meeting_id: int, item_id: int, data: schemas.AgendaItemIn
) -> list[schemas.AgendaItemOut]:
    level = await _editable(principal, meeting_id)
    purpose = agenda_purpose(meeting_id)
    async with write_transaction():
        updated = (
            await AgendaItem.update(
                {
                    AgendaItem.title: seal_if_sulit(data.title.strip(), level, purpose),
                    AgendaItem.description: seal_if_sulit(data.description, level, purpose),
                    AgendaItem.presenter: data.presenter,
                }
            )
            .where((AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id))
            .returning(AgendaItem.id)
        )
        if not updated:
            raise NotFound()
    return await agenda(meeting_id)


async def remove_agenda_item(principal: Principal, meeting_id: int, item_id: int) -> None:
    await _editable(principal, meeting_id)
    async with write_transaction():
        deleted = (
            await AgendaItem.delete()
            .where((AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id))
            .returning(AgendaItem.id)
        )
        if not deleted:
            raise NotFound()


async def reorder_agenda(
    principal: Principal, meeting_id: int, data: schemas.AgendaOrder
) -> list[schemas.AgendaItemOut]:
    await _editable(principal, meeting_id)
    async with write_transaction():
        await _locked_meeting(meeting_id)
        current = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id)
        if sorted(r["id"] for r in current) != sorted(data.item_ids) or len(
            set(data.item_ids)
        ) != len(data.item_ids):
            raise Invalid(
                "agenda_order_invalid", errors=[FieldError("itemIds", "agenda_order_invalid")]
            )
        for position, item_id in enumerate(data.item_ids, start=1):
            await AgendaItem.update({AgendaItem.position: position}).where(AgendaItem.id == item_id)
    return await agenda(meeting_id)


# --------------------------------------------------------------------------- colleagues


async def colleagues(principal: Principal, meeting_id: int, q: str) -> list[schemas.Colleague]:
    """People of my agency I may name as my representative (search by name)."""
    await readable_meeting(principal, meeting_id)
    if not await Invitation.exists().where(
        (Invitation.meeting == meeting_id) & (Invitation.user == principal.user_id)
    ):
        raise NotFound()
    query = User.select(User.id, User.name, User.position).where(
        (User.agency == principal.agency_id)
        & (User.state == "active")
        & (User.id != principal.user_id)
    )
    q = q.strip()
    if q:
        pattern = "%" + q.replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(
            User.name.ilike(pattern) if not is_sqlite() else User.name.like(pattern)
        )
    rows = await query.order_by(User.name).limit(20)
    return [
        schemas.Colleague(id=r["id"], name=r["name"], position=r["position"] or "") for r in rows
    ]


async def venue_offices(principal: Principal) -> list[schemas.OfficeChoice]:
    rows = (
        await Office.select(Office.id, Office.name)
        .where(
            (Office.agency == principal.agency_id) & (Office.active == True)  # noqa: E712
        )
        .order_by(Office.name)
    )
    return [schemas.OfficeChoice(id=r["id"], name=r["name"]) for r in rows]
