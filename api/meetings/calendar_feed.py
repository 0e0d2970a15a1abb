"""The private calendar feed: a per-person secret URL (webcal:// or https://) that calendar
apps poll for the person's meetings.

* Only the SHA-256 of the token is stored; the token is shown once, when it is made. Making a
  new one replaces (revokes) the old one; revoking deletes it. An unknown token is 404.
* The lookup is by the hash (an indexed equality on a value the caller cannot choose), so the
  time taken does not reveal how much of a guessed token was right.
* The feed holds the meetings the person is invited to, represents someone at, or whose
  committee they belong to (not drafts), from 90 days back; cancelled ones stay with
  STATUS:CANCELLED; SULIT meetings have a neutral title (`notifications.calendar.build_feed`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from api.accounts.authz import Principal
from api.config import get_settings
from api.core.errors import NotFound
from api.db import write_transaction
from api.meetings import schemas
from api.meetings.invitations import _title, app_url, location_text, uid_for
from api.meetings.tables import CalendarFeedToken, CommitteeMember, Invitation, Meeting
from api.outbox.senders import mail_identity
from notifications.calendar import MeetingInvite, MeetingStatus, Person, build_feed
from notifications.common import Classification

FEED_WINDOW = timedelta(days=90)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_urls(token: str) -> tuple[str, str]:
    base = get_settings().base_url.rstrip("/")
    https_url = f"{base}/calendar/{token}.ics"
    parts = urlsplit(https_url)
    webcal_url = "webcal://" + parts.netloc + parts.path
    return webcal_url, https_url


async def feed_status(principal: Principal) -> schemas.FeedStatus:
    row = (
        await CalendarFeedToken.select(CalendarFeedToken.created_at)
        .where(CalendarFeedToken.user == principal.user_id)
        .first()
    )
    return schemas.FeedStatus(exists=row is not None, created_at=row["created_at"] if row else None)


async def create_feed(principal: Principal) -> schemas.FeedCreated:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with write_transaction():
        await CalendarFeedToken.delete().where(CalendarFeedToken.user == principal.user_id)
        await CalendarFeedToken.insert(
            CalendarFeedToken(user=principal.user_id, token_hash=token_hash(token), created_at=now)
        )
    webcal_url, https_url = feed_urls(token)
    return schemas.FeedCreated(webcal_url=webcal_url, https_url=https_url, created_at=now)


async def revoke_feed(principal: Principal) -> None:
    async with write_transaction():
        await CalendarFeedToken.delete().where(CalendarFeedToken.user == principal.user_id)


async def feed_for_token(token: str, now: datetime | None = None) -> bytes:
    """The feed of the token's owner, or NotFound."""
    if not 20 <= len(token) <= 100:
        raise NotFound()
    row = (
        await CalendarFeedToken.select(
            CalendarFeedToken.user,
            CalendarFeedToken.user.state.as_alias("state"),
            CalendarFeedToken.user.language.as_alias("language"),
            CalendarFeedToken.user.agency.as_alias("agency"),
        )
        .where(CalendarFeedToken.token_hash == token_hash(token))
        .first()
    )
    if row is None or row["state"] != "active":
        raise NotFound()
    return await feed_for_user(row["user"], row["language"], row["agency"], now=now)


async def feed_for_user(
    user_id: int, language: str, agency_id: int, now: datetime | None = None
) -> bytes:
    now = now or datetime.now(UTC)
    invited = await Invitation.select(Invitation.meeting).where(
        (Invitation.user == user_id) | (Invitation.representative == user_id)
    )
    committees = await CommitteeMember.select(CommitteeMember.committee).where(
        CommitteeMember.user == user_id
    )
    ids = [i["meeting"] for i in invited] or [0]
    condition: Any = Meeting.id.is_in(ids)
    if committees:
        condition = condition | (
            Meeting.committee.is_in([c["committee"] for c in committees])
            & (Meeting.status != "draft")
        )
    rows = await (
        Meeting.select(
            *Meeting.all_columns(),
            Meeting.committee.name.as_alias("committee_name"),
            Meeting.venue_office.name.as_alias("venue_office_name"),
        )
        .where(condition & (Meeting.ends_at >= now - FEED_WINDOW))
        .order_by(Meeting.starts_at)
        .limit(1000)
    )
    sender = await mail_identity(agency_id)
    organizer = Person(sender.from_address, sender.from_name)
    base = get_settings().base_url
    invites = [
        MeetingInvite(
            uid=uid_for(r["id"]),
            sequence=r["sequence"],
            title=_title(r),
            start=r["starts_at"],
            end=r["ends_at"],
            organizer=organizer,
            location=location_text(
                r["mode"], r["venue_office_name"] or "", r["room"], r["online_url"]
            )
            or None,
            url=f"{base}{app_url(r['id'])}",
            classification=Classification(r["classification"]),
            status=MeetingStatus.CANCELLED
            if r["status"] == "cancelled"
            else MeetingStatus.CONFIRMED,
            stamp=(r["updated_at"] or now),
        )
        for r in rows
    ]
    return build_feed(invites, lang=language)
