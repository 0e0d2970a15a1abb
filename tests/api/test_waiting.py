"""What waits for the signed-in person (`GET /api/waiting`): every count equals the length of
the list its screen shows, for the supervisor (with items escalated from one level down, red
or not yet), the chair, reviewers, invitees, assignees and the officer's own pending items."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from api.attendance.tables import AttendanceIssue, CheckIn, MovementSlip
from api.meetings.tables import Committee, CommitteeMember, Invitation, Meeting
from api.minutes.tables import Action, Minutes, MinutesReviewer
from api.org.tables import User
from tests.fixtures import Org

KL = ZoneInfo("Asia/Kuala_Lumpur")
LONG_AGO = datetime(2026, 10, 5, 9, 0, tzinfo=KL)


async def chain(org: Org) -> None:
    """officer_a → exec_a → admin_a."""
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    await User.update({User.supervisor: org.users["admin_a"]}).where(User.id == org.users["exec_a"])


async def check_in(user_id: int, at: datetime, note: str = "", approval: str = "pending") -> int:
    rows = await CheckIn.insert(
        CheckIn(
            user=user_id,
            client_id=str(uuid.uuid4()),
            kind="in",
            occurred_at=at,
            status="outside",
            note=note,
            approval=approval,
        )
    ).returning(CheckIn.id)
    return int(rows[0]["id"])


async def issue(user_id: int, day: date, status: str = "open", kind: str = "late_in") -> None:
    await AttendanceIssue.insert(AttendanceIssue(user=user_id, day=day, kind=kind, status=status))


async def slip(org: Org, user_id: int, requested: datetime, ends: datetime) -> None:
    await MovementSlip.insert(
        MovementSlip(
            user=user_id,
            destination=org.office_a,
            starts_at=ends - timedelta(hours=2),
            ends_at=ends,
            purpose="Mesyuarat",
            status="pending",
            created_at=requested,
        )
    )


async def attendance_items(org: Org) -> None:
    now = datetime.now(UTC)
    officer, middle = org.users["officer_a"], org.users["exec_a"]
    # Two levels down from admin_a: red ones come up to admin_a, recent ones do not.
    await check_in(officer, LONG_AGO)
    await check_in(officer, now - timedelta(minutes=5), note="Mesyuarat di luar")
    await check_in(officer, LONG_AGO, approval="approved")
    await issue(officer, LONG_AGO.date())
    await issue(officer, LONG_AGO.date(), status="justified", kind="early_out")
    await issue(officer, now.date())
    await issue(officer, LONG_AGO.date(), status="approved", kind="absent")
    await slip(org, officer, LONG_AGO, now + timedelta(days=1))  # red, window open
    await slip(org, officer, LONG_AGO, now - timedelta(days=1))  # red, window over
    await slip(org, officer, now, now + timedelta(hours=3))  # recent
    # One level down from admin_a: everything pending counts.
    await check_in(middle, now - timedelta(minutes=1))
    await issue(middle, now.date())
    await slip(org, middle, now, now + timedelta(hours=3))


async def signed_in(client_factory: Any, org: Org, who: str) -> Any:
    client = await client_factory()
    await client.sign_in(org.login[who])
    return client


async def lengths(client: Any) -> tuple[int, int, int]:
    check_ins = (await client.get("/api/attendance/approvals")).json()
    issues = (await client.get("/api/attendance/approvals/issues")).json()
    slips = (await client.get("/api/attendance/approvals/movement-slips")).json()
    return len(check_ins), len(issues), len(slips)


async def test_a_supervisors_counts_are_the_lengths_of_their_inbox_lists(
    client_factory: Any, org: Org
) -> None:
    await chain(org)
    await attendance_items(org)
    for who, expected in (("admin_a", (2, 3, 2)), ("exec_a", (2, 3, 3))):
        client = await signed_in(client_factory, org, who)
        waiting = (await client.get("/api/waiting")).json()
        counts = (
            waiting["checkInsToDecide"],
            waiting["issuesToDecide"],
            waiting["slipsToDecide"],
        )
        assert counts == await lengths(client) == expected, who


async def test_an_officers_own_pending_items_without_a_reason(
    client_factory: Any, org: Org
) -> None:
    await chain(org)
    await attendance_items(org)
    officer = await signed_in(client_factory, org, "officer_a")
    waiting = (await officer.get("/api/waiting")).json()
    # The pending check-in of 5 October has no reason; today's has one. Two issues are open
    # (5 October and today): the justified one waits for the supervisor, not the officer.
    assert waiting["ownCheckInsWithoutReason"] == 1
    own_open = [
        i for i in (await officer.get("/api/attendance/issues")).json() if i["status"] == "open"
    ]
    assert waiting["ownIssuesToJustify"] == len(own_open) == 2
    assert (waiting["checkInsToDecide"], waiting["issuesToDecide"], waiting["slipsToDecide"]) == (
        0,
        0,
        0,
    )
    assert waiting["total"] == 3


async def meeting_items(org: Org) -> dict[str, int]:
    now = datetime.now(UTC)
    committee = (
        await Committee.insert(
            Committee(agency=org.agency_a, code="JK1", name="Jawatankuasa Satu")
        ).returning(Committee.id)
    )[0]["id"]
    await CommitteeMember.insert(
        CommitteeMember(committee=committee, user=org.users["admin_a"], role="chair"),
        CommitteeMember(committee=committee, user=org.users["officer_a"], role="member"),
    )
    ids = {}
    for n, (status, starts, classification) in enumerate(
        (
            ("scheduled", now + timedelta(days=2), "TERBUKA"),
            ("scheduled", now - timedelta(days=2), "SULIT"),
            ("cancelled", now + timedelta(days=3), "TERBUKA"),
        ),
        start=1,
    ):
        ids[f"m{n}"] = (
            await Meeting.insert(
                Meeting(
                    committee=committee,
                    year=2026,
                    number=n,
                    title=f"Mesyuarat {n}",
                    classification=classification,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    status=status,
                )
            ).returning(Meeting.id)
        )[0]["id"]
    for key in ("m1", "m2", "m3"):
        await Invitation.insert(
            Invitation(meeting=ids[key], user=org.users["officer_a"], role="member")
        )
    submitted = (
        await Minutes.insert(Minutes(meeting=ids["m2"], status="submitted")).returning(Minutes.id)
    )[0]["id"]
    in_review = (
        await Minutes.insert(Minutes(meeting=ids["m1"], status="in_review")).returning(Minutes.id)
    )[0]["id"]
    await MinutesReviewer.insert(MinutesReviewer(minutes=in_review, user=org.users["officer_a"]))
    for n, (status, meeting, minutes) in enumerate(
        (
            ("open", ids["m2"], submitted),  # SULIT: officer_a is a member, so it is theirs
            ("in_progress", ids["m1"], in_review),
            ("done", ids["m1"], in_review),
        )
    ):
        await Action.insert(
            Action(
                meeting=meeting,
                minutes=minutes,
                item_ref=f"a{n}",
                kind="action",
                section="item:1",
                text="Sediakan laporan",
                assignee_user=org.users["officer_a"],
                status=status,
            )
        )
    await Action.insert(
        Action(
            meeting=ids["m1"],
            minutes=in_review,
            item_ref="u1",
            kind="action",
            section="item:1",
            text="Tindakan unit",
            assignee_unit=org.units_a["apps"],
            status="open",
        )
    )
    return ids


async def test_meeting_counts_follow_their_lists(client_factory: Any, org: Org) -> None:
    ids = await meeting_items(org)
    chair = await signed_in(client_factory, org, "admin_a")
    waiting = (await chair.get("/api/waiting")).json()
    approvals = (await chair.get("/api/approvals/minutes")).json()
    assert waiting["minutesToApprove"] == len(approvals) == 1

    member = await signed_in(client_factory, org, "officer_a")
    waiting = (await member.get("/api/waiting")).json()
    # Only the scheduled meeting that has not started waits for an answer.
    assert waiting["invitationsToAnswer"] == 1
    assert (waiting["minutesToReview"], waiting["reviewMeetingId"]) == (1, ids["m1"])
    actions = (await member.get("/api/actions")).json()
    assert (
        waiting["actionsOpen"]
        == len([a for a in actions if a["status"] in ("open", "in_progress")])
        == 3
    )
    assert waiting["minutesToApprove"] == 0


async def test_a_sulit_action_of_a_committee_one_is_not_in_does_not_count(
    client_factory: Any, org: Org
) -> None:
    await meeting_items(org)
    await CommitteeMember.delete().where(CommitteeMember.user == org.users["officer_a"])
    member = await signed_in(client_factory, org, "officer_a")
    waiting = (await member.get("/api/waiting")).json()
    actions = (await member.get("/api/actions")).json()
    open_ones = [a for a in actions if a["status"] in ("open", "in_progress")]
    assert waiting["actionsOpen"] == len(open_ones) == 2


async def test_waiting_needs_a_sign_in(client: Any) -> None:
    assert (await client.get("/api/waiting")).status_code == 401
