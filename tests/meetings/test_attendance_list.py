"""The official attendance list: chair, members by seniority, representatives as "hadir
mewakili", the absent with reasons, guests ("Turut hadir"), the secretariat last; Malay by
default and English on request; read only by those who may read the meeting's content."""

from __future__ import annotations

from typing import Any

from api.meetings.attendance import attendance_list
from tests.meetings.conftest_attendance import Day, day, signed_in

__all__ = ["day", "signed_in"]


async def _mark(day: Day, signed_in: Any) -> None:
    secretariat = await signed_in("admin_a")
    marks = {
        "chong": {"attendance": "absent", "reason": "Berkursus di INTAN"},
        "officer_a": {"attendance": "present"},
        "bakar": {"attendance": "represented"},
        "exec_a": {"attendance": "present"},
        "admin_a": {"attendance": "present"},
        "gopal": {"attendance": "present"},
        # Ahmad is not marked: absent, without a reason.
    }
    for key, body in marks.items():
        url = f"/api/meetings/{day.meeting}/attendance/{day.invitations[key]}"
        response = await secretariat.put(url, json=body)
        assert response.status_code == 200, response.text


async def test_official_order_in_malay(day: Day, signed_in: Any) -> None:
    await _mark(day, signed_in)
    listing = await attendance_list(day.meeting)
    assert listing.language == "ms"
    assert listing.lines == [
        "HADIR",
        "1. Pegawai exec_a (Pengerusi)",
        "2. Pegawai officer_a (Ahli)",
        "3. Rahim bin Osman (hadir mewakili Bakar bin Salleh)",
        "TIDAK HADIR",
        "1. Ahmad bin Ali — Tidak hadir",
        "2. Chong Wei Ming — Tidak hadir (Berkursus di INTAN)",
        "TURUT HADIR",
        "1. Gopal a/l Raju",
        "URUS SETIA",
        "1. Pegawai admin_a",
    ]
    assert [s.key for s in listing.sections] == ["present", "absent", "guests", "secretariat"]
    represented = listing.sections[0].entries[2]
    assert (represented.status, represented.name, represented.representing) == (
        "represented",
        "Rahim bin Osman",
        "Bakar bin Salleh",
    )
    assert listing.sections[1].entries[1].reason == "Berkursus di INTAN"


async def test_members_ordered_by_seniority_not_by_name_or_invitation(
    day: Day, signed_in: Any
) -> None:
    from api.meetings.tables import Invitation

    # Chong becomes the most senior member.
    await Invitation.update({Invitation.seniority: 5}).where(
        Invitation.id == day.invitations["chong"]
    )
    await Invitation.update(
        {Invitation.response: "declined", Invitation.decline_reason: "Mesyuarat lain"}
    ).where(Invitation.id == day.invitations["bakar"])
    secretariat = await signed_in("admin_a")
    for key in ("ahmad", "chong", "officer_a"):
        await secretariat.put(
            f"/api/meetings/{day.meeting}/attendance/{day.invitations[key]}",
            json={"attendance": "present"},
        )
    listing = await attendance_list(day.meeting, "ms")
    assert [e.name for e in listing.sections[0].entries] == [
        "Chong Wei Ming",
        "Pegawai officer_a",
        "Ahmad bin Ali",
    ]
    # Unmarked: the chair too is absent; the RSVP's decline reason is used when there is one.
    assert [e.text for e in listing.sections[1].entries] == [
        "Pegawai exec_a — Tidak hadir",
        "Bakar bin Salleh — Tidak hadir (Mesyuarat lain)",
    ]


async def test_english_and_the_endpoint(day: Day, signed_in: Any) -> None:
    await _mark(day, signed_in)
    member = await signed_in("officer_a")
    response = await member.get(
        f"/api/meetings/{day.meeting}/attendance-list", headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    body = response.json()
    # The signed-in person's own language (Malay) wins over the browser's.
    assert body["language"] == "ms"
    assert body["lines"][0] == "HADIR"
    english = await attendance_list(day.meeting, "en")
    assert english.lines[3] == "3. Rahim bin Osman (attending on behalf of Bakar bin Salleh)"
    assert english.sections[-1].title == "Secretariat"
    assert "Chong Wei Ming — Absent (Berkursus di INTAN)" in english.lines[6]


async def test_sulit_list_only_for_members(day: Day, signed_in: Any) -> None:
    from api.meetings.tables import Meeting

    await Meeting.update({Meeting.classification: "SULIT"}).where(Meeting.id == day.meeting)
    url = f"/api/meetings/{day.meeting}/attendance-list"
    assert (await (await signed_in("officer_a")).get(url)).status_code == 200
    # An invited guest sees the notice, not SULIT content; a member's representative reads
    # what the member reads (issue 16 defect 1).
    assert (await (await signed_in("gopal")).get(url)).status_code == 404
    assert (await (await signed_in("rahim")).get(url)).status_code == 200
    assert (await (await signed_in("officer_b")).get(url)).status_code == 404
    missing = await (await signed_in("officer_b")).get("/api/meetings/999999/attendance-list")
    assert missing.status_code == 404
