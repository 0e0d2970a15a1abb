"""Usage statistics per agency: meetings held, days to distributed minutes (average, median),
% actions done on time, RSVP response rate; per committee and in total; CSV; scope."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.attendance.rules import MALAYSIA_TZ
from tests.meetings.conftest_attendance import Day, add_meeting, day, invite, signed_in

__all__ = ["day", "signed_in"]


def _range() -> dict[str, str]:
    today = datetime.now(UTC).astimezone(MALAYSIA_TZ).date()
    return {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}


async def _minutes(meeting_id: int, days_after_end: float | None) -> int:
    from api.meetings.tables import Meeting
    from api.minutes.tables import Minutes

    row = await Meeting.select(Meeting.ends_at).where(Meeting.id == meeting_id).first()
    assert row is not None
    distributed = (
        row["ends_at"] + timedelta(days=days_after_end) if days_after_end is not None else None
    )
    minutes_id: int = (
        await Minutes.insert(
            Minutes(
                meeting=meeting_id,
                status="distributed" if distributed else "draft",
                distributed_at=distributed,
            )
        ).returning(Minutes.id)
    )[0]["id"]
    return minutes_id


async def _action(
    day: Day,
    meeting_id: int,
    minutes_id: int,
    ref: str,
    due: date,
    status: str = "open",
    done_at: datetime | None = None,
    kind: str = "action",
) -> None:
    from api.minutes.tables import Action, ActionFeedback

    action_id = (
        await Action.insert(
            Action(
                meeting=meeting_id,
                minutes=minutes_id,
                item_ref=ref,
                kind=kind,
                section="item:1",
                due_date=due,
                status=status,
                assignee_user=day.users["officer_a"],
            )
        ).returning(Action.id)
    )[0]["id"]
    if done_at is not None:
        await ActionFeedback.insert(
            ActionFeedback(
                action=action_id,
                author=day.users["officer_a"],
                text="Selesai",
                status="done",
                created_at=done_at,
            )
        )


async def _scenario(day: Day) -> dict[str, int]:
    """Committee JK ICT: two held meetings (minutes out after 2 and 5 days), one cancelled, one
    draft, one not ended yet (the fixture's, now), one in the future. JK Kewangan under the
    agency's root unit: one held meeting without minutes."""
    from api.meetings.tables import Committee, Invitation

    now = datetime.now(UTC)
    held1 = await add_meeting(day, starts_in=timedelta(days=-20))
    held2 = await add_meeting(day, starts_in=timedelta(days=-10))
    await add_meeting(day, starts_in=timedelta(days=-15), status="cancelled")
    await add_meeting(day, starts_in=timedelta(days=-14), status="draft")
    await add_meeting(day, starts_in=timedelta(days=7))
    # held1: 4 invitations, 3 answered; held2: 2 invitations, 0 answered.
    for key, response in (
        ("officer_a", "accepted"),
        ("ahmad", "declined"),
        ("bakar", "delegated"),
        ("chong", "needs_action"),
    ):
        await invite(held1, day.users[key], "member", response=response)
    await invite(held2, day.users["officer_a"], "member")
    await invite(held2, day.users["ahmad"], "member")
    m1 = await _minutes(held1, 2)
    m2 = await _minutes(held2, 5)
    today = now.astimezone(MALAYSIA_TZ).date()
    # Actions of held1: done on time, done late, open and overdue, open not yet due (not
    # counted), dropped (not counted), a decision (not counted).
    await _action(day, held1, m1, "A1", today - timedelta(days=5), "done", now - timedelta(days=6))
    await _action(day, held1, m1, "A2", today - timedelta(days=5), "done", now - timedelta(days=1))
    await _action(day, held1, m1, "A3", today - timedelta(days=1))
    await _action(day, held1, m1, "A4", today + timedelta(days=10))
    await _action(day, held1, m1, "A5", today - timedelta(days=3), "dropped")
    await _action(day, held1, m1, "D1", today - timedelta(days=3), kind="decision")
    await _action(day, held2, m2, "A6", today - timedelta(days=2), "done", now - timedelta(days=3))
    finance = (
        await Committee.insert(
            Committee(
                agency=day.org.agency_a,
                unit=day.org.units_a["root"],
                code="JKK",
                name="JK Kewangan",
            )
        ).returning(Committee.id)
    )[0]["id"]
    held3 = await add_meeting(day, committee=finance, starts_in=timedelta(days=-5))
    await invite(held3, day.users["admin_a"], "chair", response="accepted")
    assert await Invitation.count().where(Invitation.meeting == held3) == 1
    return {"held1": held1, "held2": held2, "held3": held3, "finance": finance}


async def test_figures_per_committee_and_totals(day: Day, signed_in: Any) -> None:
    await _scenario(day)
    response = await (await signed_in("admin_a")).get("/api/meeting-stats", params=_range())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["minutesAvailable"] is True
    rows = {r["committeeName"]: r for r in body["committees"]}
    assert list(rows) == ["JK ICT", "JK Kewangan"]
    ict = rows["JK ICT"]
    assert ict["meetingsHeld"] == 2
    assert (ict["invitations"], ict["responses"]) == (6, 3)
    assert ict["rsvpResponseRate"] == 50.0
    assert ict["minutesDistributed"] == 2
    assert ict["minutesDaysAverage"] == 3.5
    assert ict["minutesDaysMedian"] == 3.5
    # A1 on time, A2 late, A3 overdue, A6 on time: 2 of 4.
    assert ict["actionsDue"] == 4
    assert ict["actionsOnTimeRate"] == 50.0
    finance = rows["JK Kewangan"]
    assert finance["meetingsHeld"] == 1
    assert finance["rsvpResponseRate"] == 100.0
    assert finance["minutesDistributed"] == 0
    assert finance["minutesDaysAverage"] is None
    assert finance["actionsOnTimeRate"] is None
    totals = body["totals"]
    assert totals["committeeId"] is None
    assert totals["meetingsHeld"] == 3
    assert totals["rsvpResponseRate"] == round(100 * 4 / 7, 1)
    assert totals["minutesDaysMedian"] == 3.5
    assert totals["actionsOnTimeRate"] == 50.0


async def test_csv_export(day: Day, signed_in: Any) -> None:
    await _scenario(day)
    response = await (await signed_in("admin_a")).get("/api/meeting-stats.csv", params=_range())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Jawatankuasa"
    assert rows[1][:5] == ["JK ICT", "2", "6", "3", "50.0"]
    assert rows[2][0] == "JK Kewangan"
    assert rows[2][6] == "n/a"
    assert rows[3][:2] == ["Jumlah agensi", "3"]


async def test_scope(day: Day, signed_in: Any) -> None:
    await _scenario(day)
    # Officers are not executives: refused by the route's access level.
    officer = await signed_in("officer_a")
    assert (await officer.get("/api/meeting-stats", params=_range())).status_code == 403
    # Another agency's administrator: 404 for agency A, their own agency has nothing.
    admin_b = await signed_in("admin_b")
    other = await admin_b.get("/api/meeting-stats", params={**_range(), "agency": day.org.agency_a})
    assert other.status_code == 404
    own = (await admin_b.get("/api/meeting-stats", params=_range())).json()
    assert own["committees"] == [] and own["totals"]["meetingsHeld"] == 0
    # A unit-scoped executive (Bahagian IT) sees JK ICT (under IT), not JK Kewangan (root).
    executive = (
        await (await signed_in("exec_a")).get("/api/meeting-stats", params=_range())
    ).json()
    assert [r["committeeName"] for r in executive["committees"]] == ["JK ICT"]
    assert executive["totals"]["meetingsHeld"] == 2
    exec_other = await (await signed_in("exec_a")).get(
        "/api/meeting-stats", params={**_range(), "agency": day.org.agency_b}
    )
    assert exec_other.status_code == 404
    # The super administrator may look at any agency.
    platform = await (await signed_in("super")).get(
        "/api/meeting-stats", params={**_range(), "agency": day.org.agency_a}
    )
    assert platform.json()["totals"]["meetingsHeld"] == 3
    for dates in (("2026-01-01", "2025-01-01"), ("9999-12-30", "9999-12-31")):
        bad = await (await signed_in("admin_a")).get(
            "/api/meeting-stats", params={"from": dates[0], "to": dates[1]}
        )
        assert bad.status_code == 422, dates
        assert bad.json()["code"] == "meeting_stats_range"
