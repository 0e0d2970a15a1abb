"""The audit screen's API: people by name, pick-lists in scope, CSV/XLSX exports in words."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from api.accounts import audit
from api.core.spreadsheet import safe_cell
from tests.fixtures import ApiClient, Org


async def _freeze_officer(admin: ApiClient, org: Org) -> None:
    answer = await admin.post(
        f"/api/users/{org.users['officer_a']}/freeze", json={"reason": "course"}
    )
    assert answer.status_code == 200


async def test_events_carry_the_actors_name(admin_a: ApiClient, org: Org) -> None:
    await _freeze_officer(admin_a, org)
    page = (await admin_a.get("/api/audit", params={"action": "account_frozen"})).json()
    assert page["items"][0]["actorId"] == org.users["admin_a"]
    assert page["items"][0]["actorName"] == "Pegawai admin_a"
    assert page["items"][0]["targetName"] == "Pegawai officer_a"
    # An event without an actor (a failed sign-in) has no name, not a wrong one.
    await audit.record("sign_in_failed", agency_id=org.agency_a, detail={"login_id": "x"})
    failed = (await admin_a.get("/api/audit", params={"action": "sign_in_failed"})).json()
    assert failed["items"][0]["actorName"] is None


async def test_filter_by_person(admin_a: ApiClient, org: Org) -> None:
    await _freeze_officer(admin_a, org)
    await audit.record("sign_in", actor_id=org.users["exec_a"], agency_id=org.agency_a)
    mine = (await admin_a.get("/api/audit", params={"actorId": org.users["exec_a"]})).json()
    assert mine["total"] == 1 and mine["items"][0]["action"] == "sign_in"


async def test_pick_lists_hold_only_what_is_in_scope(admin_a: ApiClient, org: Org) -> None:
    await _freeze_officer(admin_a, org)
    await audit.record("role_granted", actor_id=org.users["admin_b"], agency_id=org.agency_b)
    choices = (await admin_a.get("/api/audit/filters")).json()
    assert "account_frozen" in choices["actions"]
    assert "role_granted" not in choices["actions"]
    names = {a["name"] for a in choices["actors"]}
    assert "Pegawai admin_a" in names and "Pegawai admin_b" not in names
    other = await admin_a.get("/api/audit/filters", params={"agencyId": org.agency_b})
    assert other.status_code == 404


async def test_pick_lists_are_for_administrators_only(client_factory: Any, org: Org) -> None:
    executive = await client_factory()
    await executive.sign_in(org.login["exec_a"])
    assert (await executive.get("/api/audit/filters")).status_code == 403
    assert (await executive.get("/api/audit/export.xlsx")).status_code == 403


async def test_csv_export_in_words_with_names_and_no_formulas(admin_a: ApiClient, org: Org) -> None:
    await _freeze_officer(admin_a, org)
    await audit.record(
        "sign_in_failed", agency_id=org.agency_a, target_id="=HYPERLINK(1)", detail={}
    )
    await audit.record("test_other_agency", agency_id=org.agency_b)
    export = await admin_a.get("/api/audit/export.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["No.", "Masa", "Tindakan", "Kod tindakan", "Pelaku"]
    frozen = next(r for r in rows if r[3] == "account_frozen")
    assert frozen[2] == "Akaun dibekukan" and frozen[4] == "Pegawai admin_a"
    failed = next(r for r in rows if r[3] == "sign_in_failed")
    assert failed[7] == "'=HYPERLINK(1)"
    assert frozen[8] == "Pegawai officer_a"
    assert not any(r[3] == "test_other_agency" for r in rows)
    english = await admin_a.get("/api/audit/export.csv", headers={"accept-language": "en"})
    # The signed-in user's language wins over the header; the fixture users speak Malay.
    assert english.content.decode("utf-8-sig").startswith("No.,Masa")


async def test_xlsx_export_has_real_times_and_the_agency(admin_a: ApiClient, org: Org) -> None:
    await _freeze_officer(admin_a, org)
    await audit.record("sign_in", agency_id=org.agency_a, actor_id=org.users["admin_a"])
    await audit.record("unit_created", agency_id=org.agency_a, target_id="+1-2", detail={})
    answer = await admin_a.get("/api/audit/export.xlsx", params={"actorId": org.users["admin_a"]})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Jejak audit — Agensi A"
    assert list(values[1][:3]) == ["No.", "Masa", "Tindakan"]
    body = values[2:]
    # Only the administrator's own events (the actor filter), oldest first, times as dates.
    assert {r[4] for r in body} == {"Pegawai admin_a"}
    assert all(isinstance(r[1], datetime) for r in body)
    actions = [r[3] for r in body]
    assert actions.index("account_frozen") < len(actions) - 1 and actions[-1] == "sign_in"
    assert "unit_created" not in actions


def test_cells_that_would_run_as_formulas_are_neutralised() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Akaun dibekukan") == "Akaun dibekukan"
    assert safe_cell(-5) == -5
