"""A committee's archive of meetings: every meeting it ever held or planned, newest first, a
page at a time (no cut-off in years; the total is counted).

Who sees the list is who sees the committee (`committees.visible_committee`: its members and
the agency's administrators). A meeting's subject is shown to those who may read its notice
(the committee's members, its invitees and representatives, anyone for TERBUKA); otherwise the
line keeps only the committee's name and number. Drafts stay hidden from all but the
secretariat and the people already invited (`access.not_a_hidden_draft`)."""

from __future__ import annotations

import msgspec

from api.accounts.authz import Principal
from api.meetings import schemas
from api.meetings.access import not_a_hidden_draft
from api.meetings.committees import visible_committee
from api.meetings.confidential import subject_of
from api.meetings.services import display_title, number_label
from api.meetings.tables import CommitteeMember, Invitation, Meeting

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000


class ArchivePage(msgspec.Struct, rename="camel"):
    items: list[schemas.MeetingSummary]
    total: int
    page: int
    page_size: int


async def committee_archive(
    principal: Principal, committee_id: int, page: int = 1, page_size: int = 20
) -> ArchivePage:
    row = await visible_committee(principal, committee_id)
    condition = (Meeting.committee == committee_id) & not_a_hidden_draft(principal)
    total = await Meeting.count().where(condition)
    rows = (
        await Meeting.select(
            *Meeting.all_columns(), Meeting.venue_office.name.as_alias("venue_office_name")
        )
        .where(condition)
        .order_by(Meeting.starts_at, ascending=False)
        .order_by(Meeting.id, ascending=False)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    ids = [r["id"] for r in rows]
    member = await CommitteeMember.exists().where(
        (CommitteeMember.committee == committee_id) & (CommitteeMember.user == principal.user_id)
    )
    mine = await Invitation.select(Invitation.meeting, Invitation.user, Invitation.response).where(
        Invitation.meeting.is_in(ids or [0])
        & (
            (Invitation.user == principal.user_id)
            | (Invitation.representative == principal.user_id)
        )
    )
    invited = {i["meeting"] for i in mine}
    responses = {i["meeting"]: i["response"] for i in mine if i["user"] == principal.user_id}
    items = []
    for r in rows:
        knows_subject = member or r["id"] in invited or r["classification"] == "TERBUKA"
        items.append(
            schemas.MeetingSummary(
                id=r["id"],
                committee_id=committee_id,
                committee_name=row["name"],
                number=number_label(r["number"], r["year"]),
                display_title=display_title(row["name"], r["number"], r["year"]),
                subject=subject_of(r) if knows_subject else "",
                classification=r["classification"],
                mode=r["mode"],
                venue_office_name=r["venue_office_name"] or "",
                room=r["room"],
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
                status=r["status"],
                my_response=responses.get(r["id"]),
            )
        )
    return ArchivePage(items=items, total=total, page=page, page_size=page_size)
