"""A committee's archive of meetings (issue 16): paged, newest first, every year (no 10-year
cut-off), for those who see the committee; subjects only for readers of the notice; drafts
hidden as everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.meetings.conftest import Cmt


async def _held(cmt: Cmt, count: int) -> list[int]:
    """`count` meetings, one a half-year apart going back from last month (12 years for 25)."""
    from api.meetings.tables import Meeting

    ids = []
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    for n in range(count):
        when = start - timedelta(days=182 * n)
        classification = "SULIT" if n == 1 else "TERBUKA"
        rows = await Meeting.insert(
            Meeting(
                committee=cmt.id,
                year=when.year,
                number=n + 1,
                title=f"Subjek {n}",
                classification=classification,
                starts_at=when,
                ends_at=when + timedelta(hours=2),
                status="scheduled",
            )
        ).returning(Meeting.id)
        ids.append(rows[0]["id"])
    return ids


async def test_the_archive_pages_through_every_year(cmt: Cmt) -> None:
    from api.meetings.tables import Meeting

    ids = await _held(cmt, 25)
    draft = (
        await Meeting.insert(
            Meeting(
                committee=cmt.id,
                year=2020,
                number=99,
                title="Draf",
                starts_at=datetime(2020, 1, 1, tzinfo=UTC),
                ends_at=datetime(2020, 1, 1, 2, tzinfo=UTC),
                status="draft",
            )
        ).returning(Meeting.id)
    )[0]["id"]
    member = await cmt.client("member")
    url = f"/api/committees/{cmt.id}/meetings"
    first = (await member.get(url, params={"pageSize": 20})).json()
    assert (first["total"], first["page"], first["pageSize"]) == (25, 1, 20)
    assert [m["id"] for m in first["items"]] == ids[:20]  # newest first
    second = (await member.get(url, params={"page": 2, "pageSize": 20})).json()
    assert [m["id"] for m in second["items"]] == ids[20:]
    oldest = second["items"][-1]
    assert datetime.fromisoformat(oldest["startsAt"]) < datetime.now(UTC) - timedelta(days=4000)
    assert oldest["subject"] == "Subjek 24" and oldest["number"].startswith("Bil. 25/")
    assert (await member.get(url, params={"page": 3, "pageSize": 20})).json()["items"] == []
    # The secretariat sees the draft as well.
    sec = await cmt.client("sec")
    listed = (await sec.get(url, params={"pageSize": 100})).json()
    assert listed["total"] == 26 and draft in [m["id"] for m in listed["items"]]
    # The agency's administrator sees the list, but not the SULIT meeting's subject.
    admin = await cmt.client("admin_a")
    listed = (await admin.get(url, params={"pageSize": 5})).json()
    assert listed["total"] == 25
    sulit = next(m for m in listed["items"] if m["classification"] == "SULIT")
    assert sulit["subject"] == "" and sulit["displayTitle"].startswith("Mesyuarat Jawatankuasa")
    # Outside the committee: nothing; bad paging: a clear 400.
    outsider = await cmt.client("colleague")
    assert (await outsider.get(url)).status_code == 404
    assert (await member.get(url, params={"pageSize": 1000})).status_code == 400
    assert (await member.get(url, params={"page": 0})).status_code == 400


async def test_past_meetings_have_no_ten_year_cut_off(cmt: Cmt) -> None:
    ids = await _held(cmt, 25)
    member = await cmt.client("member")
    past = (await member.get("/api/meetings", params={"when": "past"})).json()
    assert [m["id"] for m in past] == ids  # twelve years back, the oldest included
