"""Who may see and do what with a committee's meetings: the one place for these rules.

* SULIT content (papers, minutes, decisions) is readable only by the committee's members and
  secretariat (chair included), and by the representative (wakil) a member named in their RSVP,
  who attends in the member's place; guests from outside the committee (and their
  representatives) see the meeting notice but no SULIT content.
* TERHAD: the committee's members, the meeting's invitees and their representatives.
* TERBUKA: additionally anyone signed in from the committee's agency.
* A draft meeting is the secretariat's work in progress: only the committee's secretariat and
  people already on its invitation list know it exists (`hidden_draft`, and
  `not_a_hidden_draft` for lists and search).
* The secretariat manages meetings (create, invite, mark attendance, draft minutes); the chair
  approves minutes; agency administrators manage committees and their members, but do not read
  SULIT content by virtue of being administrators.

Anything a principal may not read answers 404 (never 403), so ids leak nothing.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any

import msgspec

from api.accounts.authz import Principal
from api.core.errors import NotFound
from api.meetings.tables import CommitteeMember, Invitation, Meeting


class CommitteeRole(StrEnum):
    CHAIR = "chair"
    SECRETARIAT = "secretariat"
    MEMBER = "member"


ROLE_NAMES = {
    "chair": CommitteeRole.CHAIR,
    "pengerusi": CommitteeRole.CHAIR,
    "secretariat": CommitteeRole.SECRETARIAT,
    "urus setia": CommitteeRole.SECRETARIAT,
    "urusetia": CommitteeRole.SECRETARIAT,
    "member": CommitteeRole.MEMBER,
    "ahli": CommitteeRole.MEMBER,
}


def role_from_text(text: str) -> str | None:
    """A committee role as written in an import (English or Malay, any case), or None."""
    role = ROLE_NAMES.get(" ".join(text.lower().split()))
    return role.value if role else None


class Classification(StrEnum):
    TERBUKA = "TERBUKA"
    TERHAD = "TERHAD"
    SULIT = "SULIT"


CLASSIFICATION_RANK = {Classification.TERBUKA: 0, Classification.TERHAD: 1, Classification.SULIT: 2}


def normalise_classification(raw: str) -> str:
    """Letters only, upper case ("Rahsia  Besar", "r-a-h-s-i-a" → "RAHSIABESAR", "RAHSIA")."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(c for c in folded if c.isalpha()).upper()


def is_forbidden_classification(raw: str) -> bool:
    """RAHSIA and RAHSIA BESAR may not be stored in Hadir, however they are written."""
    return "RAHSIA" in normalise_classification(raw)


def hidden_draft(status: str, committee_role: str | None, invited: bool) -> bool:
    """A draft meeting is unknown to everyone but the committee's secretariat and the people
    already on its invitation list."""
    return status == "draft" and committee_role != CommitteeRole.SECRETARIAT and not invited


def secretariat_committees(principal: Principal) -> Any:
    """A sub-query: the committees whose secretariat the principal is."""
    return CommitteeMember.select(CommitteeMember.committee).where(
        (CommitteeMember.user == principal.user_id) & (CommitteeMember.role == "secretariat")
    )


def not_a_hidden_draft(principal: Principal) -> Any:
    """`hidden_draft` as a query condition on `Meeting` (lists, search)."""
    return (
        (Meeting.status != "draft")
        | Meeting.committee.is_in(secretariat_committees(principal))
        | Meeting.id.is_in(
            Invitation.select(Invitation.meeting).where(Invitation.user == principal.user_id)
        )
    )


class MeetingAccess(msgspec.Struct, frozen=True):
    """A meeting as seen by one principal, with what they may do there."""

    meeting_id: int
    committee_id: int
    agency_id: int
    classification: Classification
    status: str
    committee_role: CommitteeRole | None  # the principal's role in the committee, if any
    invited: bool  # on the invitation list (any role, guests included)
    representing: bool  # named as someone's representative
    same_agency: bool  # the principal works in the committee's agency
    representing_member: bool = False  # a committee member's representative (wakil)

    @property
    def is_secretariat(self) -> bool:
        return self.committee_role == CommitteeRole.SECRETARIAT

    @property
    def is_chair(self) -> bool:
        return self.committee_role == CommitteeRole.CHAIR

    @property
    def is_member(self) -> bool:
        """Chair, secretariat or member of the committee."""
        return self.committee_role is not None

    @property
    def can_read_notice(self) -> bool:
        """Title, time, venue, agenda titles, own RSVP."""
        if hidden_draft(self.status, self.committee_role, self.invited):
            return False
        if self.is_member or self.invited or self.representing:
            return True
        return self.classification == Classification.TERBUKA and self.same_agency

    @property
    def can_read_content(self) -> bool:
        """Papers, minutes, decisions and actions."""
        if self.classification == Classification.SULIT:
            return self.is_member or self.representing_member
        return self.can_read_notice

    @property
    def can_manage(self) -> bool:
        return self.is_secretariat


async def committee_role(user_id: int, committee_id: int) -> CommitteeRole | None:
    row = (
        await CommitteeMember.select(CommitteeMember.role)
        .where(CommitteeMember.committee == committee_id, CommitteeMember.user == user_id)
        .first()
    )
    return CommitteeRole(row["role"]) if row else None


async def meeting_access(principal: Principal, meeting_id: int) -> MeetingAccess | None:
    """What `principal` may do with the meeting, or None when the meeting does not exist."""
    row = (
        await Meeting.select(
            Meeting.id,
            Meeting.committee,
            Meeting.classification,
            Meeting.status,
            Meeting.committee.agency.as_alias("agency"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        return None
    role = await committee_role(principal.user_id, row["committee"])
    invitations = await Invitation.select(
        Invitation.user, Invitation.representative, Invitation.role, Invitation.response
    ).where(
        Invitation.meeting == meeting_id,
        (Invitation.user == principal.user_id) | (Invitation.representative == principal.user_id),
    )
    return MeetingAccess(
        meeting_id=row["id"],
        committee_id=row["committee"],
        agency_id=row["agency"],
        classification=Classification(row["classification"]),
        status=row["status"],
        committee_role=role,
        invited=any(i["user"] == principal.user_id for i in invitations),
        representing=any(i["representative"] == principal.user_id for i in invitations),
        representing_member=any(
            i["representative"] == principal.user_id
            and i["response"] == "delegated"
            and i["role"] != "guest"
            for i in invitations
        ),
        same_agency=row["agency"] == principal.agency_id,
    )


async def readable_meeting(principal: Principal, meeting_id: int) -> MeetingAccess:
    """The meeting's notice may be read, or NotFound."""
    access = await meeting_access(principal, meeting_id)
    if access is None or not access.can_read_notice:
        raise NotFound()
    return access


async def content_readable_meeting(principal: Principal, meeting_id: int) -> MeetingAccess:
    """Papers, minutes and decisions may be read, or NotFound (SULIT: members only)."""
    access = await meeting_access(principal, meeting_id)
    if access is None or not access.can_read_content:
        raise NotFound()
    return access


async def managed_meeting(principal: Principal, meeting_id: int) -> MeetingAccess:
    """The principal is the committee's secretariat; otherwise NotFound when they cannot even
    read the meeting, Forbidden when they can."""
    from api.core.errors import Forbidden

    access = await meeting_access(principal, meeting_id)
    if access is None or not access.can_read_notice:
        raise NotFound()
    if not access.can_manage:
        raise Forbidden()
    return access
