"""A committee in agency A with meetings of each classification, built with the tables
directly (the meetings API belongs to another area)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures import ApiClient, Org


@dataclass
class Setup:
    org: Org
    committee: int = 0
    meetings: dict[str, int] = field(default_factory=dict)  # classification -> meeting id
    items: dict[str, int] = field(default_factory=dict)  # classification -> agenda item id


async def make_committee(org: Org) -> Setup:
    from api.meetings.tables import AgendaItem, Committee, CommitteeMember, Meeting

    setup = Setup(org=org)
    setup.committee = (
        await Committee.insert(
            Committee(agency=org.agency_a, code="JKT", name="Jawatankuasa Teknikal")
        ).returning(Committee.id)
    )[0]["id"]
    await CommitteeMember.insert(
        CommitteeMember(
            committee=setup.committee,
            user=org.users["officer_a"],
            role="secretariat",
            seniority=900,
        ),
        CommitteeMember(
            committee=setup.committee, user=org.users["exec_a"], role="member", seniority=10
        ),
    )
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    for number, level in enumerate(("TERBUKA", "TERHAD", "SULIT"), start=1):
        meeting_id = (
            await Meeting.insert(
                Meeting(
                    committee=setup.committee,
                    year=2026,
                    number=number,
                    title=f"Mesyuarat {level}",
                    classification=level,
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    status="scheduled",  # members know it (a draft is the secretariat's)
                )
            ).returning(Meeting.id)
        )[0]["id"]
        setup.meetings[level] = meeting_id
        setup.items[level] = (
            await AgendaItem.insert(
                AgendaItem(meeting=meeting_id, position=1, title="Pengesahan minit")
            ).returning(AgendaItem.id)
        )[0]["id"]
    return setup


@pytest.fixture
async def papers_setup(org: Org) -> Setup:
    return await make_committee(org)


@pytest.fixture
async def signed_in(client_factory: Any, org: Org) -> Any:
    cache: dict[str, ApiClient] = {}

    async def get(who: str) -> ApiClient:
        if who not in cache:
            client = await client_factory()
            await client.sign_in(org.login[who])
            cache[who] = client
        return cache[who]

    return get


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ooxml(kind: str) -> bytes:
    member = {
        "docx": "word/document.xml",
        "xlsx": "xl/workbook.xml",
        "pptx": "ppt/presentation.xml",
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


async def upload(
    client: ApiClient,
    meeting_id: int,
    *,
    name: str = "kertas.pdf",
    data: bytes = PDF_BYTES,
    title: str = "Kertas cadangan",
    classification: str = "",
    agenda_item: int | None = None,
) -> Any:
    form: dict[str, str] = {"title": title, "classification": classification}
    if agenda_item is not None:
        form["agendaItem"] = str(agenda_item)
    return await client.post(
        f"/api/meetings/{meeting_id}/papers",
        data=form,
        files={"file": (name, data, "application/octet-stream")},
    )
