"""Papers over HTTP: upload rules, listing and download by who may read, headers, audit."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from api.meetings.tables import Meeting
from tests.fixtures import Org
from tests.papers.conftest import PDF_BYTES, Setup, ooxml, upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("kertas.pdf", PDF_BYTES, "application/pdf"),
        (
            "laporan.docx",
            ooxml("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "bajet.xlsx",
            ooxml("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "slaid.pptx",
            ooxml("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("rajah.png", PNG, "image/png"),
        ("foto.JPG", JPEG, "image/jpeg"),
        ("nota.txt", "Catatan ringkas ñ".encode(), "text/plain"),
        ("senarai.csv", b"a,b\n1,2\n", "text/csv"),
    ],
)
async def test_allowed_types_by_content(
    papers_setup: Setup, signed_in: Any, name: str, data: bytes, content_type: str
) -> None:
    secretariat = await signed_in("officer_a")
    response = await upload(secretariat, papers_setup.meetings["TERHAD"], name=name, data=data)
    assert response.status_code == 201, response.text
    paper = response.json()
    assert paper["contentType"] == content_type
    assert paper["classification"] == "TERHAD"  # inherited from the meeting
    got = await secretariat.get(paper["url"])
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"].split(";")[0] == content_type


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("kertas.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "paper_type_unsupported"),  # .exe
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "paper_type_unsupported"),
        ("kertas.pdf", PNG, "paper_type_mismatch"),
        ("kertas.docx", PDF_BYTES, "paper_type_mismatch"),
        ("arkib.docx", b"PK\x03\x04" + b"\x00" * 30, "paper_type_unsupported"),  # not OOXML
        ("skrip.html", b"<script>alert(1)</script>", "paper_type_mismatch"),
        ("kertas", PDF_BYTES, "paper_type_mismatch"),
    ],
)
async def test_refused_types(
    papers_setup: Setup, signed_in: Any, name: str, data: bytes, code: str
) -> None:
    secretariat = await signed_in("officer_a")
    response = await upload(secretariat, papers_setup.meetings["TERBUKA"], name=name, data=data)
    assert response.status_code == 415, response.text
    assert response.json()["code"] == code
    listed = await secretariat.get(f"/api/meetings/{papers_setup.meetings['TERBUKA']}/papers")
    assert listed.json()["papers"] == []


async def test_mismatch_message_in_both_languages(papers_setup: Setup, signed_in: Any) -> None:
    secretariat = await signed_in("officer_a")
    meeting = papers_setup.meetings["TERBUKA"]
    from api.org.tables import User

    ms = await upload(secretariat, meeting, name="kertas.pdf", data=PNG)
    # The signed-in person's own language choice decides.
    await User.update({User.language: "en"}).where(User.id == papers_setup.org.users["officer_a"])
    en = await upload(secretariat, meeting, name="kertas.pdf", data=PNG)
    assert "Kandungan fail ialah PNG" in ms.json()["detail"] and ".pdf" in ms.json()["detail"]
    assert "The file's content is PNG" in en.json()["detail"]


async def test_size_limit_while_reading(papers_setup: Setup, signed_in: Any) -> None:
    from api.config import get_settings

    secretariat = await signed_in("officer_a")
    limit = get_settings().paper_max_bytes
    big = PDF_BYTES + b"0" * (limit + 70 * 1024)
    response = await upload(secretariat, papers_setup.meetings["TERBUKA"], data=big)
    assert response.status_code == 413
    problem = response.json()
    assert problem["code"] == "paper_too_large"
    assert "Saiz maksimum kertas ialah 25 MB" in problem["detail"]
    # Just under the body limit but over the file limit: the service refuses it too.
    over = PDF_BYTES + b"0" * (limit - len(PDF_BYTES) + 1)
    response = await upload(secretariat, papers_setup.meetings["TERBUKA"], data=over)
    assert response.status_code == 413
    assert "Saiz maksimum" in response.json()["detail"]
    exact = PDF_BYTES + b"0" * (limit - len(PDF_BYTES))
    response = await upload(secretariat, papers_setup.meetings["TERBUKA"], data=exact)
    assert response.status_code == 201, response.text


async def test_classification_rules(papers_setup: Setup, signed_in: Any) -> None:
    from api.accounts.tables import AuditEvent

    secretariat = await signed_in("officer_a")
    terhad = papers_setup.meetings["TERHAD"]
    lower = await upload(secretariat, terhad, classification="TERBUKA")
    assert lower.status_code == 422
    assert lower.json()["code"] == "paper_classification_lower"
    assert "(TERHAD)" in lower.json()["detail"]
    stricter = await upload(secretariat, terhad, classification="sulit")
    assert stricter.status_code == 201 and stricter.json()["classification"] == "SULIT"
    for spelling in ("RAHSIA", "rahsia besar", " Rahsia  Besar ", "RAHSIA-BESAR", "r a h s i a"):
        refused = await upload(secretariat, terhad, classification=spelling)
        assert refused.status_code == 422, spelling
        assert refused.json()["code"] == "paper_classification_refused"
        assert refused.json()["errors"][0]["field"] == "classification"
    events = await AuditEvent.count().where(AuditEvent.action == "paper.classification_refused")
    assert events == 5
    unknown = await upload(secretariat, terhad, classification="PERIBADI")
    assert unknown.json()["code"] == "paper_classification_unknown"


async def test_only_the_secretariat_uploads_and_deletes(
    papers_setup: Setup, signed_in: Any
) -> None:
    meeting = papers_setup.meetings["TERBUKA"]
    member = await signed_in("exec_a")
    assert (await upload(member, meeting)).status_code == 403  # can read, cannot manage
    outsider = await signed_in("officer_b")
    assert (await upload(outsider, meeting)).status_code == 404
    secretariat = await signed_in("officer_a")
    paper = (await upload(secretariat, meeting)).json()
    assert (await member.delete(f"/api/papers/{paper['id']}")).status_code == 403
    assert (await outsider.delete(f"/api/papers/{paper['id']}")).status_code == 404
    assert (await secretariat.delete(f"/api/papers/{paper['id']}")).status_code == 204
    assert (await secretariat.get(paper["url"])).status_code == 404
    assert (await secretariat.delete(f"/api/papers/{paper['id']}")).status_code == 404


async def test_a_draft_meetings_papers_are_unknown_to_all_but_the_secretariat(
    papers_setup: Setup, signed_in: Any
) -> None:
    meeting = papers_setup.meetings["TERBUKA"]
    secretariat = await signed_in("officer_a")
    assert (await upload(secretariat, meeting)).status_code == 201
    await Meeting.update({Meeting.status: "draft"}).where(Meeting.id == meeting)
    member = await signed_in("exec_a")
    assert (await member.get(f"/api/meetings/{meeting}/papers")).status_code == 404
    assert (await upload(member, meeting)).status_code == 404
    assert (await secretariat.get(f"/api/meetings/{meeting}/papers")).status_code == 200


async def test_agenda_item_must_belong_to_the_meeting(papers_setup: Setup, signed_in: Any) -> None:
    secretariat = await signed_in("officer_a")
    meeting = papers_setup.meetings["TERBUKA"]
    ok = await upload(secretariat, meeting, agenda_item=papers_setup.items["TERBUKA"])
    assert ok.status_code == 201 and ok.json()["agendaItemId"] == papers_setup.items["TERBUKA"]
    wrong = await upload(secretariat, meeting, agenda_item=papers_setup.items["SULIT"])
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "agendaItem"
    empty_title = await upload(secretariat, meeting, title="   ")
    assert empty_title.status_code == 422
    assert empty_title.json()["errors"][0]["field"] == "title"
    empty_file = await upload(secretariat, meeting, data=b"")
    assert empty_file.status_code == 422


async def test_download_headers_and_counting(papers_setup: Setup, signed_in: Any) -> None:
    from api.accounts.tables import AuditEvent

    secretariat = await signed_in("officer_a")
    terhad = await upload(
        secretariat, papers_setup.meetings["TERHAD"], name='Kertas "Bajet" 2027; ñ.pdf'
    )
    sulit = await upload(secretariat, papers_setup.meetings["SULIT"], name="rahsia.pdf")
    member = await signed_in("exec_a")
    before = await AuditEvent.count().where(AuditEvent.action == "paper.read")

    got = await member.get(terhad.json()["url"])
    assert got.headers["cache-control"] == "private, no-cache"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["x-hadir-classification"] == "TERHAD"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Kertas _Bajet_ 2027_ _.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == 'Kertas "Bajet" 2027; ñ.pdf'
    assert await AuditEvent.count().where(AuditEvent.action == "paper.read") == before

    got = await member.get(sulit.json()["url"])
    assert got.status_code == 200 and got.content == PDF_BYTES
    assert got.headers["cache-control"] == "no-store"
    assert got.headers["x-hadir-classification"] == "SULIT"
    assert await AuditEvent.count().where(AuditEvent.action == "paper.read") == before + 1
    event = await AuditEvent.select().where(AuditEvent.action == "paper.read").first()
    assert event is not None and event["target_id"] == str(sulit.json()["id"])
    await member.get(sulit.json()["url"])
    listed = (await member.get(f"/api/meetings/{papers_setup.meetings['SULIT']}/papers")).json()
    assert listed["papers"][0]["downloadCount"] == 2
    assert listed["papers"][0]["lastDownloadedAt"] is not None
    assert listed["papers"][0]["sha256"] == ""  # no fingerprint of SULIT content
    assert listed["papers"][0]["title"] == "Kertas cadangan"  # opened for a member
    terhad_list = await member.get(f"/api/meetings/{papers_setup.meetings['TERHAD']}/papers")
    assert len(terhad_list.json()["papers"][0]["sha256"]) == 64


async def test_non_members_get_404_for_sulit_whatever_the_id(
    papers_setup: Setup, signed_in: Any
) -> None:
    secretariat = await signed_in("officer_a")
    sulit_meeting = papers_setup.meetings["SULIT"]
    ids = [(await upload(secretariat, sulit_meeting)).json()["id"]]
    # A SULIT paper in a TERBUKA meeting is for committee members only, too.
    ids.append(
        (
            await upload(secretariat, papers_setup.meetings["TERBUKA"], classification="SULIT")
        ).json()["id"]
    )
    open_paper = (await upload(secretariat, papers_setup.meetings["TERBUKA"])).json()["id"]
    member = await signed_in("exec_a")
    for paper_id in ids:
        assert (await member.get(f"/api/papers/{paper_id}/content")).status_code == 200

    # admin_a and super work in agency A (TERBUKA is theirs to read), officer_b does not.
    for who in ("admin_a", "officer_b", "super"):
        outsider = await signed_in(who)
        for paper_id in range(1, max(ids) + 5):
            response = await outsider.get(f"/api/papers/{paper_id}/content")
            if who != "officer_b" and paper_id == open_paper:
                assert response.status_code == 200  # TERBUKA: same agency may read
                continue
            assert response.status_code == 404, (who, paper_id)
            assert response.json()["code"] == "not_found"
            assert (await outsider.delete(f"/api/papers/{paper_id}")).status_code == 404
        for meeting_id in range(1, sulit_meeting + 5):
            response = await outsider.get(f"/api/meetings/{meeting_id}/papers")
            if who != "officer_b" and meeting_id == papers_setup.meetings["TERBUKA"]:
                listed = response.json()["papers"]
                assert [p["id"] for p in listed] == [open_paper]  # the SULIT one is hidden
                continue
            assert response.status_code == 404, (who, meeting_id)
            assert (await upload(outsider, meeting_id)).status_code == 404


async def test_list_shape_for_the_form(papers_setup: Setup, signed_in: Any) -> None:
    secretariat = await signed_in("officer_a")
    meeting = papers_setup.meetings["TERHAD"]
    listed = (await secretariat.get(f"/api/meetings/{meeting}/papers")).json()
    assert listed["canManage"] is True
    assert listed["meetingClassification"] == "TERHAD"
    assert listed["maxBytes"] == 25 * 1024 * 1024
    assert listed["agendaItems"][0]["id"] == papers_setup.items["TERHAD"]
    member = await signed_in("exec_a")
    assert (await member.get(f"/api/meetings/{meeting}/papers")).json()["canManage"] is False


async def test_papers_are_kept_once_the_minutes_are_confirmed(
    papers_setup: Setup, signed_in: Any
) -> None:
    from api.minutes.tables import Minutes

    secretariat = await signed_in("officer_a")
    meeting = papers_setup.meetings["TERHAD"]
    paper = (await upload(secretariat, meeting)).json()
    await Minutes.insert(Minutes(meeting=meeting, status="distributed"))
    other = (await upload(secretariat, meeting)).json()
    assert (await secretariat.delete(f"/api/papers/{other['id']}")).status_code == 204
    await Minutes.update({Minutes.status: "confirmed"}).where(Minutes.meeting == meeting)
    refused = await secretariat.delete(f"/api/papers/{paper['id']}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "paper_meeting_locked"
    assert (await secretariat.get(paper["url"])).status_code == 200


async def test_the_secretariat_reads_each_papers_download_log(
    papers_setup: Setup, signed_in: Any, org: Org
) -> None:
    secretariat = await signed_in("officer_a")
    paper = (await upload(secretariat, papers_setup.meetings["TERHAD"])).json()
    member = await signed_in("exec_a")
    for who in (member, secretariat, member):
        assert (await who.get(paper["url"])).status_code == 200
    log = await secretariat.get(f"/api/papers/{paper['id']}/downloads")
    assert log.status_code == 200, log.text
    entries = log.json()
    assert [e["userId"] for e in entries] == [
        org.users["exec_a"],
        org.users["officer_a"],
        org.users["exec_a"],
    ]  # newest first
    assert all(e["name"] and e["at"] for e in entries)
    assert entries[0]["at"] >= entries[-1]["at"]
    # A member reads the paper but not who else did; an outsider does not know it exists.
    assert (await member.get(f"/api/papers/{paper['id']}/downloads")).status_code == 403
    outsider = await signed_in("officer_b")
    assert (await outsider.get(f"/api/papers/{paper['id']}/downloads")).status_code == 404
