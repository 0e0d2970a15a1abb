"""RSVP rules: the invitee answers attend / decline (a reason is required) / send a
representative (a colleague of the same agency, or a name typed in). The answer can be changed
until the meeting starts; never for a cancelled meeting.

A colleague named as representative is told at once (MEETING_DELEGATED with the REQUEST that
lists them with DELEGATED-FROM), the member gets MEETING_DELEGATION_SENT with the REQUEST that
records DELEGATED-TO; the representative then sees what the member sees
(`api.meetings.access`), SULIT papers included. A representative taken back (the member
answers for themselves or names someone else) gets a CANCEL and the member is told
(`api.meetings.delegation`)."""

from __future__ import annotations

from datetime import UTC, datetime

from api.accounts.authz import Principal
from api.core.errors import Conflict, FieldError, Invalid, NotFound
from api.db import for_update, write_transaction
from api.meetings import schemas
from api.meetings.access import readable_meeting
from api.meetings.delegation import notify_withdrawal, occasion
from api.meetings.invitations import notify_delegation
from api.meetings.tables import Invitation, Meeting
from api.org.tables import User

MIN_REASON = 3


async def respond(
    principal: Principal, meeting_id: int, data: schemas.RsvpIn, now: datetime | None = None
) -> schemas.MyRsvp:
    await readable_meeting(principal, meeting_id)
    now = now or datetime.now(UTC)
    reason = data.reason.strip()
    rep_name = data.representative_name.strip()
    rep_id = data.representative_id
    if data.response == "declined":
        if len(reason) < MIN_REASON:
            raise Invalid(
                "rsvp_reason_required", errors=[FieldError("reason", "rsvp_reason_required")]
            )
        rep_id, rep_name = None, ""
    elif data.response == "delegated":
        if rep_id is None and not rep_name:
            raise Invalid(
                "rsvp_representative_required",
                errors=[FieldError("representativeId", "rsvp_representative_required")],
            )
        if rep_id is not None:
            rep_name = ""
            user = await User.select(User.agency, User.state).where(User.id == rep_id).first()
            if (
                rep_id == principal.user_id
                or user is None
                or user["agency"] != principal.agency_id
                or user["state"] != "active"
            ):
                raise Invalid(
                    "rsvp_representative_invalid",
                    errors=[FieldError("representativeId", "rsvp_representative_invalid")],
                )
    else:
        reason, rep_id, rep_name = "", None, ""
    async with write_transaction():
        meeting = await for_update(
            Meeting.select(Meeting.status, Meeting.starts_at).where(Meeting.id == meeting_id)
        ).first()
        invitation = (
            await for_update(
                Invitation.select(
                    Invitation.id, Invitation.role, Invitation.response, Invitation.representative
                ).where((Invitation.meeting == meeting_id) & (Invitation.user == principal.user_id))
            )
        ).copy()
        if meeting is None or not invitation:
            raise NotFound()
        if meeting["status"] == "cancelled":
            raise Conflict("meeting_cancelled")
        if now >= meeting["starts_at"].astimezone(UTC):
            raise Conflict("rsvp_closed")
        await Invitation.update(
            {
                Invitation.response: data.response,
                Invitation.decline_reason: reason,
                Invitation.representative: rep_id,
                Invitation.representative_name: rep_name,
                Invitation.responded_at: now,
            }
        ).where(Invitation.id == invitation[0]["id"])
        role = invitation[0]["role"]
        before = invitation[0]
        former = before["representative"] if before["response"] == "delegated" else None
        if former is not None and former != rep_id:
            await notify_withdrawal(meeting_id, principal.user_id, former, now)
        if rep_id is not None and (
            before["response"] != "delegated" or before["representative"] != rep_id
        ):
            await notify_delegation(meeting_id, principal.user_id, rep_id, occasion(now))
    rep_display = rep_name
    if rep_id is not None:
        rep = await User.select(User.name).where(User.id == rep_id).first()
        rep_display = rep["name"] if rep else ""
    return schemas.MyRsvp(
        role=role,
        response=data.response,
        decline_reason=reason,
        representative_id=rep_id,
        representative_name=rep_display,
        responded_at=now,
        can_change=True,
    )


async def respond_with_reply(
    principal: Principal, meeting_id: int, data: bytes, now: datetime | None = None
) -> schemas.MyRsvp:
    """An iCalendar METHOD:REPLY from the invitee's calendar app, applied as their RSVP.

    It must be about this meeting (UID), from the signed-in person (their e-mail as ATTENDEE),
    and answer the current version (SEQUENCE); a reply older than the last answer recorded
    (DTSTAMP before `responded_at`) is stale and changes nothing (409)."""
    from api.meetings.invitations import uid_for
    from notifications.calendar import InvalidReply, PartStat, StaleReply, parse_reply

    await readable_meeting(principal, meeting_id)
    meeting = await Meeting.select(Meeting.sequence).where(Meeting.id == meeting_id).first()
    mine = (
        await Invitation.select(Invitation.responded_at)
        .where((Invitation.meeting == meeting_id) & (Invitation.user == principal.user_id))
        .first()
    )
    me = await User.select(User.email).where(User.id == principal.user_id).first()
    if meeting is None or mine is None or me is None:
        raise NotFound()
    try:
        reply = parse_reply(
            data,
            current_sequence=meeting["sequence"],
            last_stamp=mine["responded_at"],
            expected_uid=uid_for(meeting_id),
            attendee=me["email"] or "-",
        )
    except StaleReply:
        raise Conflict("rsvp_reply_stale") from None
    except InvalidReply:
        raise Invalid("rsvp_reply_invalid") from None
    if reply.partstat is PartStat.ACCEPTED:
        answer = schemas.RsvpIn(response="accepted")
    elif reply.partstat is PartStat.DECLINED:
        answer = schemas.RsvpIn(response="declined", reason=(reply.comment or "")[:500])
    elif reply.partstat is PartStat.DELEGATED:
        delegate = reply.delegated_to[0]
        colleague = (
            await User.select(User.id)
            .where(
                (User.email == delegate)
                & (User.agency == principal.agency_id)
                & (User.state == "active")
            )
            .first()
        )
        answer = schemas.RsvpIn(
            response="delegated",
            reason=(reply.comment or "")[:500],
            representative_id=colleague["id"] if colleague else None,
            representative_name="" if colleague else delegate[:255],
        )
    else:
        raise Invalid("rsvp_reply_tentative")
    return await respond(principal, meeting_id, answer, now=now)


async def unanswered_count(principal: Principal, now: datetime | None = None) -> int:
    """Invitations of the person to scheduled meetings that have not started and that they
    have not answered yet."""
    now = now or datetime.now(UTC)
    return int(
        await Invitation.count().where(
            (Invitation.user == principal.user_id)
            & (Invitation.response == "needs_action")
            & (Invitation.meeting.status == "scheduled")
            & (Invitation.meeting.starts_at > now)
        )
    )
