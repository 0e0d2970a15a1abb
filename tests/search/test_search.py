"""Search finds meetings, agenda items, minutes and decisions only within what the person may
read; SULIT text is found only by the committee's members, opened in memory, and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from api.accounts.tables import AuditEvent
from api.core.documents import seal_text
from api.meetings.tables import AgendaItem, Committee, CommitteeMember, Meeting
from api.minutes.tables import Action, Minutes, MinutesVersion
from api.search.services import minutes_text, snippet
from tests.fixtures import ApiClient, Org

START = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)


async def _meeting(committee: int, number: int, title: str, classification: str) -> int:
    rows = await Meeting.insert(
        Meeting(
            committee=committee,
            year=2026,
            number=number,
            title=title,
            classification=classification,
            starts_at=START + timedelta(days=number),
            ends_at=START + timedelta(days=number, hours=2),
            status="scheduled",
        )
    ).returning(Meeting.id)
    return int(rows[0]["id"])


async def _minutes(meeting: int, author: int, text: str, status: str, sulit: bool = False) -> int:
    minutes = (
        await Minutes.insert(Minutes(meeting=meeting, status=status, current_version=1)).returning(
            Minutes.id
        )
    )[0]["id"]
    body = msgspec.json.encode({"items": [{"title": "Perkara", "discussion": text}]}).decode()
    if sulit:
        body = seal_text(body, f"minutes:{minutes}:v1")
    await MinutesVersion.insert(MinutesVersion(minutes=minutes, number=1, body=body, author=author))
    return int(minutes)


@pytest.fixture
async def library(org: Org) -> dict[str, int]:
    """Committee ICT of agency A: officer_a member, exec_a secretariat; admin_a is not in it."""
    committee = (
        await Committee.insert(
            Committee(agency=org.agency_a, code="ICT", name="Jawatankuasa ICT")
        ).returning(Committee.id)
    )[0]["id"]
    await CommitteeMember.insert(
        CommitteeMember(committee=committee, user=org.users["officer_a"], role="member"),
        CommitteeMember(committee=committee, user=org.users["exec_a"], role="secretariat"),
    )
    terbuka = await _meeting(committee, 1, "Mesyuarat Jawatankuasa ICT Bil. 1/2026", "TERBUKA")
    terhad = await _meeting(committee, 2, "Mesyuarat Jawatankuasa ICT Bil. 2/2026", "TERHAD")
    sulit = await _meeting(committee, 3, "Mesyuarat Jawatankuasa ICT Bil. 3/2026", "SULIT")
    await AgendaItem.insert(
        AgendaItem(meeting=terbuka, position=1, title="Perolehan pelayan awan"),
        AgendaItem(meeting=terhad, position=1, title="Perolehan rangkaian kampus"),
    )
    author = org.users["exec_a"]
    m1 = await _minutes(terbuka, author, "Pelayan awan diluluskan untuk Blok A.", "distributed")
    await _minutes(terhad, author, "Draf: rangkaian kampus ditangguhkan.", "draft")
    m3 = await _minutes(
        sulit, author, "Kontrak pelayan rahsia-merah diluluskan.", "distributed", True
    )
    decision = await Action.insert(
        Action(
            meeting=terbuka,
            minutes=m1,
            item_ref="d1",
            kind="decision",
            section="item:1",
            text="Pelayan awan dibeli tahun ini.",
        )
    ).returning(Action.id)
    sulit_action = (
        await Action.insert(
            Action(
                meeting=sulit, minutes=m3, item_ref="a1", kind="action", section="item:1", text=""
            )
        ).returning(Action.id)
    )[0]["id"]
    await Action.update(
        {Action.text: seal_text("Semak pelayan rahsia-merah.", f"action:{sulit_action}")}
    ).where(Action.id == sulit_action)
    return {"terbuka": terbuka, "terhad": terhad, "sulit": sulit, "decision": decision[0]["id"]}


async def _search(client: ApiClient, q: str) -> list[tuple[str, int]]:
    response = await client.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    return sorted((h["kind"], h["meetingId"]) for h in response.json()["hits"])


async def _as(client_factory: Any, org: Org, who: str) -> ApiClient:
    client = await client_factory()
    await client.sign_in(org.login[who])
    return client


async def test_a_member_finds_titles_agendas_minutes_and_decisions(
    client_factory: Any, org: Org, library: dict[str, int]
) -> None:
    member = await _as(client_factory, org, "officer_a")
    assert await _search(member, "pelayan awan") == sorted(
        [
            ("agenda", library["terbuka"]),
            ("minutes", library["terbuka"]),
            ("decision", library["terbuka"]),
        ]
    )
    assert await _search(member, "bil. 2/2026") == [("meeting", library["terhad"])]
    # A draft is not read by members, only by the secretariat.
    assert await _search(member, "ditangguhkan") == []
    secretariat = await _as(client_factory, org, "exec_a")
    assert await _search(secretariat, "ditangguhkan") == [("minutes", library["terhad"])]


async def test_sulit_content_only_for_members_and_audited(
    client_factory: Any, org: Org, library: dict[str, int]
) -> None:
    member = await _as(client_factory, org, "officer_a")
    response = await member.get("/api/search", params={"q": "RAHSIA-MERAH"})
    hits = response.json()["hits"]
    assert sorted((h["kind"], h["meetingId"]) for h in hits) == [
        ("action", library["sulit"]),
        ("minutes", library["sulit"]),
    ]
    assert any("Kontrak pelayan rahsia-merah diluluskan" in h["snippet"] for h in hits)
    audited = await AuditEvent.select().where(AuditEvent.action == "sulit_search")
    assert len(audited) == 1 and audited[0]["actor_id"] == org.users["officer_a"]

    # The agency administrator is not a member: the SULIT meeting's title is not even theirs
    # (not invited), and TERHAD meetings of a committee they are not in stay hidden too.
    admin = await _as(client_factory, org, "admin_a")
    assert await _search(admin, "rahsia-merah") == []
    assert await _search(admin, "rangkaian kampus") == []
    # TERBUKA meetings of their own agency are open to them.
    assert ("meeting", library["terbuka"]) in await _search(admin, "Bil. 1/2026")
    other_agency = await _as(client_factory, org, "officer_b")
    assert await _search(other_agency, "Jawatankuasa ICT") == []
    assert await _search(other_agency, "pelayan") == []


async def test_a_draft_meeting_is_found_by_its_secretariat_only(
    client_factory: Any, org: Org, library: dict[str, int]
) -> None:
    """Like the meeting page: a draft is the secretariat's work in progress."""
    committee = await Meeting.select(Meeting.committee).where(Meeting.id == library["terbuka"])
    draft = await _meeting(committee[0]["committee"], 4, "Mesyuarat draf Bil. 4/2026", "TERBUKA")
    await Meeting.update({Meeting.status: "draft"}).where(Meeting.id == draft)
    await AgendaItem.insert(AgendaItem(meeting=draft, position=1, title="Belanjawan rahsia awal"))
    member = await _as(client_factory, org, "officer_a")
    assert await _search(member, "draf Bil. 4") == []
    assert await _search(member, "belanjawan rahsia") == []
    secretariat = await _as(client_factory, org, "exec_a")
    assert await _search(secretariat, "draf Bil. 4") == [("meeting", draft)]
    assert await _search(secretariat, "belanjawan rahsia") == [("agenda", draft)]


async def test_bad_queries_are_explained(client_factory: Any, org: Org) -> None:
    member = await _as(client_factory, org, "officer_a")
    short = await member.get("/api/search", params={"q": " a "})
    assert short.status_code == 422
    assert short.json()["code"] == "search_query_length"
    assert "2" in short.json()["detail"]
    # Wildcards typed by the person are plain characters.
    assert await _search(member, "%%") == []


def test_snippets_and_minutes_text() -> None:
    assert snippet("Pelayan awan diluluskan", "AWAN") == "Pelayan awan diluluskan"
    assert snippet("abc", "x") is None
    long = "x" * 200 + " kata kunci " + "y" * 200
    cut = snippet(long, "kunci")
    assert cut is not None and cut.startswith("…") and cut.endswith("…") and "kunci" in cut
    assert minutes_text('{"a": ["satu", {"b": "dua"}], "n": 3}') == "satu\ndua"


async def test_a_meeting_is_found_by_its_number(
    client_factory: Any, org: Org, library: dict[str, int]
) -> None:
    """Issue 16: "Bil. 5/2026" (and "5/2026") finds the meeting, though its subject does not say
    it and a SULIT subject is sealed; other words narrow to the committee."""
    ict = (await Meeting.select(Meeting.committee).where(Meeting.id == library["sulit"]).first())[
        "committee"
    ]
    finance = (
        await Committee.insert(
            Committee(agency=org.agency_a, code="KEW", name="Jawatankuasa Kewangan")
        ).returning(Committee.id)
    )[0]["id"]
    await CommitteeMember.insert(
        CommitteeMember(committee=finance, user=org.users["officer_a"], role="member")
    )
    sulit = await _meeting(ict, 5, "", "SULIT")
    await Meeting.update(
        {Meeting.title: seal_text("Subjek tertutup", f"meeting-subject:{sulit}")}
    ).where(Meeting.id == sulit)
    money = await _meeting(finance, 5, "Belanjawan", "TERBUKA")
    officer = await _as(client_factory, org, "officer_a")
    for q in ("Bil. 5/2026", "5/2026", "bil 5 / 2026", "BIL.5/2026"):
        assert await _search(officer, q) == sorted([("meeting", sulit), ("meeting", money)]), q
    assert await _search(officer, "Kewangan 5/2026") == [("meeting", money)]
    assert await _search(officer, "Bil. 5/2026 ICT") == [("meeting", sulit)]
    assert await _search(officer, "6/2026") == []
    hits = (await officer.get("/api/search", params={"q": "5/2026 ICT"})).json()["hits"]
    assert [(h["number"], h["meetingTitle"]) for h in hits] == [("Bil. 5/2026", "Subjek tertutup")]
    # Someone outside the committee does not learn of the SULIT meeting by its number.
    admin = await _as(client_factory, org, "admin_a")
    assert await _search(admin, "Bil. 5/2026") == [("meeting", money)]
