"""Import of committees, members and past meetings (with minutes PDFs) from the old system."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.fixtures import Org

DATA = Path(__file__).parent / "data" / "import"


def _zip(directory: Path, **replace: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.iterdir()):
            archive.writestr(f"eksport/{path.name}", replace.get(path.name, path.read_bytes()))
    return buffer.getvalue()


async def _post(client: Any, data: bytes, dry_run: bool = False) -> Any:
    return await client.post(
        "/api/admin/meetings-import",
        data={"dryRun": "true" if dry_run else "false"},
        files={"file": ("eksport.zip", data, "application/zip")},
    )


async def _counts() -> dict[str, int]:
    from api.meetings.tables import Committee, CommitteeMember, Meeting, MeetingCounter
    from api.papers.tables import Paper

    return {
        "committees": await Committee.count(),
        "members": await CommitteeMember.count(),
        "meetings": await Meeting.count(),
        "papers": await Paper.count(),
        "counters": await MeetingCounter.count(),
    }


async def test_import_is_complete_and_idempotent(admin_a: Any, org: Org, signed_in: Any) -> None:
    from api.meetings.tables import Committee, Meeting, MeetingCounter
    from api.papers.tables import Paper

    dry = await _post(admin_a, _zip(DATA), dry_run=True)
    assert dry.status_code == 200 and dry.json()["dryRun"] is True
    assert (await _counts())["meetings"] == 0

    response = await _post(admin_a, _zip(DATA))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ok"] is True
    assert report["created"] == 2 + 4 + 3 and report["unchanged"] == 0
    assert [r["status"] for r in report["rows"]] == ["created"] * 9
    counts = await _counts()
    assert counts == {"committees": 2, "members": 4, "meetings": 3, "papers": 2, "counters": 2}

    parent = await Committee.select().where(Committee.code == "JKP").first()
    child = await Committee.select().where(Committee.code == "JKP-ICT").first()
    assert child["parent"] == parent["id"] and child["agency"] == org.agency_a
    meeting = await Meeting.select().where(Meeting.number == 7).first()
    assert (meeting["year"], meeting["room"], meeting["classification"]) == (
        2024,
        "Bilik Gerakan",
        "TERBUKA",
    )
    # Original Bil. numbers kept; the counter continues after them.
    counter = await MeetingCounter.select().where(MeetingCounter.committee == child["id"]).first()
    assert counter["last_number"] == 7

    # The minutes are papers of kind "minutes", readable like any paper (SULIT encrypted).
    papers = await Paper.select().order_by(Paper.id)
    assert {p["kind"] for p in papers} == {"minutes"}
    sulit = next(p for p in papers if p["classification"] == "SULIT")
    assert sulit["sha256"] == "" and sulit["key_id"]
    member = await signed_in("exec_a")  # chair of JKP
    got = await member.get(f"/api/papers/{sulit['id']}/content")
    assert got.status_code == 200 and b"PENANDA-IMPORT-SULIT" in got.content
    assert (await admin_a.get(f"/api/papers/{sulit['id']}/content")).status_code == 404
    # Imported minutes are records: the secretariat cannot delete them.
    secretariat = await signed_in("officer_a")
    assert (await secretariat.delete(f"/api/papers/{sulit['id']}")).status_code == 409

    again = await _post(admin_a, _zip(DATA))
    assert again.status_code == 200
    assert again.json()["unchanged"] == 9 and again.json()["created"] == 0
    assert await _counts() == counts


async def test_nothing_is_half_imported(admin_a: Any, signed_in: Any) -> None:
    members = (
        DATA / "members.csv"
    ).read_text() + "JKP,000000000000,member,5\nJKP,880101145003,boss,x\n"
    meetings = (DATA / "meetings.csv").read_text() + (
        "JKP,1,2024,Pendua,2024-01-01 09:00,2024-01-01 10:00,,TERBUKA,\n"
        "JKP,3,2024,Rahsia,2024-01-01 09:00,2024-01-01 10:00,,Rahsia Besar,\n"
        "JKP,4,2024,Tiada fail,2024-01-01 09:00,2024-01-01 08:00,,TERBUKA,tiada.pdf\n"
        "JKX,5,2024,Palsu,2024-01-01 09:00,2024-01-01 10:00,,TERBUKA,minit-palsu.pdf\n"
    )
    data = _zip(DATA, **{"members.csv": members, "meetings.csv": meetings})
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("minit-palsu.pdf", b"MZ\x90\x00 not a pdf")
    response = await _post(admin_a, buffer.getvalue())
    assert response.status_code == 422
    rows = response.json()["rows"]
    assert all(r["status"] == "error" for r in rows)
    messages = {(r["file"], r["line"]): r["message"] for r in rows}
    # In the administrator's language (Malay by default).
    assert "ID log masuk 000000000000" in messages[("members.csv", 6)]
    assert (
        "Peranan mesti" in messages[("members.csv", 7)]
        and "Kekananan" in messages[("members.csv", 7)]
    )
    assert "Bil. 1/2024 berulang" in messages[("meetings.csv", 5)]
    assert "RAHSIA" in messages[("meetings.csv", 6)]
    assert (
        "tiada di sebelah" in messages[("meetings.csv", 7)]
        and "sebelum" in messages[("meetings.csv", 7)]
    )
    assert "Jawatankuasa JKX tidak dijumpai" in messages[("meetings.csv", 8)]
    assert "bukan PDF" in messages[("meetings.csv", 8)]
    assert await _counts() == {
        "committees": 0,
        "members": 0,
        "meetings": 0,
        "papers": 0,
        "counters": 0,
    }


async def test_only_agency_administrators(signed_in: Any, org: Org) -> None:
    officer = await signed_in("officer_a")
    assert (await _post(officer, _zip(DATA))).status_code == 403
    admin = await signed_in("admin_a")
    bad = await _post(admin, b"not a zip")
    assert bad.status_code == 422 and bad.json()["code"] == "import_not_zip"


async def test_counter_is_never_lowered(admin_a: Any) -> None:
    """A counter already past the imported numbers is left alone (never lowered)."""
    from api.meetings.tables import Committee, MeetingCounter

    await _post(admin_a, _zip(DATA))
    jkp = await Committee.select().where(Committee.code == "JKP").first()
    await MeetingCounter.update({MeetingCounter.last_number: 12}).where(
        MeetingCounter.committee == jkp["id"]
    )
    await _post(admin_a, _zip(DATA))
    counter = await MeetingCounter.select().where(MeetingCounter.committee == jkp["id"]).first()
    assert counter["last_number"] == 12


def test_cli_import(tmp_path: Path) -> None:
    """python -m api import-meetings DIR on a database of its own."""
    from tests.support.live_server import server_env

    env = server_env(tmp_path, 0, database_file="cli.sqlite3")
    root = Path(__file__).resolve().parents[2]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert run("migrate").returncode == 0
    assert run("demo").returncode == 0
    directory = tmp_path / "eksport"
    shutil.copytree(DATA, directory)
    # The demo agency's people: use two of its login IDs for the members file.
    import json

    accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
    ids = {a["role"]: a["login_id"] for a in accounts}
    members = (DATA / "members.csv").read_text()
    members = members.replace("880101145003", ids["chair"]).replace(
        "880101145002", ids["secretariat"]
    )
    (directory / "members.csv").write_text(members)
    agency = "JDP"  # the demo agency (api/demo/loader.py)
    first = run("import-meetings", str(directory), "--agency-code", agency)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "9 created" in first.stdout
    second = run("import-meetings", str(directory), "--agency-code", agency)
    assert second.returncode == 0 and "9 unchanged" in second.stdout
    wrong = run("import-meetings", str(directory), "--agency-code", "TIADA")
    assert wrong.returncode == 1 and "no agency" in wrong.stdout


async def test_empty_cells_leave_values_malay_roles_and_errors_in_english(
    admin_a: Any, org: Org
) -> None:
    """Issue 16 defect 5: an empty cell once set an existing committee's unit to null
    (reported as "updated"); Malay role names were refused; errors were English only."""
    from api.meetings.tables import Committee, CommitteeMember
    from api.org.tables import OrgUnit, User

    await OrgUnit.update({OrgUnit.code: "BTM"}).where(OrgUnit.id == org.units_a["it"])
    committees = (
        "code,name,unit_code,parent_code\n"
        "JKP,Jawatankuasa Pengurusan,BTM,\nJKP-ICT,Jawatankuasa Kecil ICT,,JKP\n"
    )
    first = await _post(admin_a, _zip(DATA, **{"committees.csv": committees}))
    assert first.status_code == 200, first.text
    # Again with empty cells (name, unit, seniority) and Malay role names.
    committees = "code,name,unit_code,parent_code\nJKP,,,\nJKP-ICT,Jawatankuasa Kecil ICT,,JKP\n"
    members = (
        "committee_code,login_id,role,seniority\n"
        "JKP,880101145003,Pengerusi,\n"
        "JKP,880101145002,urus setia,\n"
        "JKP-ICT,880101145003,ahli,10\n"
    )
    again = await _post(
        admin_a, _zip(DATA, **{"committees.csv": committees, "members.csv": members})
    )
    assert again.status_code == 200, again.text
    statuses = {(r["file"], r["key"]): r["status"] for r in again.json()["rows"]}
    assert statuses[("committees.csv", "JKP")] == "unchanged"
    assert statuses[("members.csv", "JKP/880101145003")] == "unchanged"
    jkp = await Committee.select().where(Committee.code == "JKP").first()
    assert jkp is not None
    assert (jkp["name"], jkp["unit"]) == ("Jawatankuasa Pengurusan", org.units_a["it"])
    chair = await CommitteeMember.select().where(
        (CommitteeMember.committee == jkp["id"]) & (CommitteeMember.role == "chair")
    )
    assert [(c["user"], c["seniority"]) for c in chair] == [(org.users["exec_a"], 1)]
    # An administrator who reads English gets the reasons in English.
    await User.update({User.language: "en"}).where(User.id == org.users["admin_a"])
    bad = "committee_code,login_id,role,seniority\nJKP,000000000000,presiden,1\n"
    response = await _post(admin_a, _zip(DATA, **{"members.csv": bad}))
    assert response.status_code == 422
    [row] = [r for r in response.json()["rows"] if r["file"] == "members.csv"]
    assert "No officer of the agency has the login ID 000000000000" in row["message"]
    assert "The role must be chair, secretariat or member" in row["message"]
