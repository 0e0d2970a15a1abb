"""Committees: who creates, sees and manages them; members with one chair at most, in seniority
order; the all-or-nothing CSV import of members."""

from __future__ import annotations

import asyncio

from tests.fixtures import Org
from tests.meetings.conftest import Cmt


async def test_an_agency_admin_creates_committees_and_sub_committees(cmt: Cmt) -> None:
    assert cmt.org is not None
    admin = await cmt.client("admin_a")
    response = await admin.post(
        "/api/committees",
        json={"code": "JK-KEW", "name": "Jawatankuasa Kewangan", "unitId": cmt.org.units_a["it"]},
    )
    assert response.status_code == 201, response.text
    parent = response.json()
    assert parent["unitName"] == "Bahagian IT" and parent["canManage"] is True
    response = await admin.post(
        "/api/committees",
        json={"code": "JK-KEW-1", "name": "Sub Kewangan", "parentId": parent["id"], "quorum": 3},
    )
    assert response.status_code == 201
    assert response.json()["parentId"] == parent["id"] and response.json()["quorum"] == 3
    # Same code again, a unit or parent of another agency: refused with the field named.
    again = await admin.post("/api/committees", json={"code": "JK-KEW", "name": "X"})
    assert again.status_code == 409
    bad = await admin.post(
        "/api/committees", json={"code": "X1", "name": "X", "unitId": cmt.org.units_b["root"]}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "unitId"
    # A committee cannot become its own ancestor.
    loop = await admin.patch(
        f"/api/committees/{parent['id']}", json={"parentId": response.json()["id"]}
    )
    assert loop.status_code == 422
    listed = [c["code"] for c in (await admin.get("/api/committees")).json()]
    assert set(listed) == {"JK-ICT", "JK-KEW", "JK-KEW-1"}


async def test_officers_cannot_create_and_see_only_their_committees(cmt: Cmt) -> None:
    member = await cmt.client("member")
    response = await member.post("/api/committees", json={"code": "X", "name": "X"})
    assert response.status_code == 403
    assert [c["code"] for c in (await member.get("/api/committees")).json()] == ["JK-ICT"]
    colleague = await cmt.client("colleague")
    assert (await colleague.get("/api/committees")).json() == []
    assert (await colleague.get(f"/api/committees/{cmt.id}")).status_code == 404
    other_admin = await cmt.client("officer_b")
    assert (await other_admin.get(f"/api/committees/{cmt.id}")).status_code == 404


async def test_members_are_listed_chair_first_then_by_seniority(cmt: Cmt) -> None:
    member = await cmt.client("member")
    detail = (await member.get(f"/api/committees/{cmt.id}")).json()
    assert [m["role"] for m in detail["members"]] == ["chair", "member", "member", "secretariat"]
    assert detail["myRole"] == "member" and detail["canManage"] is False


async def test_the_secretariat_manages_members_and_one_chair_at_most(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    url = f"/api/committees/{cmt.id}/members"
    response = await sec.post(url, json={"userId": cmt.users["colleague"], "role": "chair"})
    assert response.status_code == 409 and response.json()["code"] == "chair_exists"
    response = await sec.post(url, json={"userId": cmt.users["colleague"]})
    assert response.status_code == 201
    members = response.json()
    assert members[-2]["userId"] == cmt.users["colleague"]  # before the secretariat
    again = await sec.post(url, json={"userId": cmt.users["colleague"]})
    assert again.status_code == 409
    outsider = await sec.post(url, json={"userId": cmt.users["officer_b"]})
    assert outsider.status_code == 422
    # Reorder: the newest member first among members.
    ids = [m["id"] for m in members]
    order = [ids[0], ids[3], ids[1], ids[2], ids[4]]
    reordered = (await sec.put(f"{url}/order", json={"memberIds": order})).json()
    assert [m["userId"] for m in reordered][:2] == [cmt.users["chair"], cmt.users["colleague"]]
    assert (await sec.put(f"{url}/order", json={"memberIds": order[:2]})).status_code == 422
    # The agency administrator (not the secretariat) demotes the chair, then someone else may
    # be chair (issue 18 item 6).
    chair_member = ids[0]
    admin = await cmt.client("admin_a")
    assert (await admin.patch(f"{url}/{chair_member}", json={"role": "member"})).status_code == 200
    colleague_member = next(m["id"] for m in reordered if m["userId"] == cmt.users["colleague"])
    response = await admin.patch(f"{url}/{colleague_member}", json={"role": "chair"})
    assert response.status_code == 200
    assert response.json()[0]["userId"] == cmt.users["colleague"]
    assert (await admin.delete(f"{url}/{colleague_member}")).status_code == 204
    assert (await sec.delete(f"{url}/{colleague_member}")).status_code == 404


async def test_members_cannot_manage_members(cmt: Cmt) -> None:
    member = await cmt.client("member")
    url = f"/api/committees/{cmt.id}/members"
    assert (await member.post(url, json={"userId": cmt.users["colleague"]})).status_code == 403
    colleague = await cmt.client("colleague")
    assert (await colleague.post(url, json={"userId": cmt.users["colleague"]})).status_code == 404


async def test_two_concurrent_chairs_cannot_both_win(cmt: Cmt, org: Org) -> None:
    from tests.meetings.conftest import add_person

    sec = await cmt.client("admin_a")
    url = f"/api/committees/{cmt.id}/members"
    chair_member = (await sec.get(f"/api/committees/{cmt.id}")).json()["members"][0]["id"]
    assert (await sec.patch(f"{url}/{chair_member}", json={"role": "member"})).status_code == 200
    people = [await add_person(org, f"cand{n}", f"Calon {n}") for n in range(4)]
    responses = await asyncio.gather(
        *[sec.post(url, json={"userId": p, "role": "chair"}) for p in people]
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    members = (await sec.get(f"/api/committees/{cmt.id}")).json()["members"]
    assert [m["role"] for m in members].count("chair") == 1


async def test_csv_import_is_all_or_nothing_and_idempotent(cmt: Cmt, org: Org) -> None:
    from tests.meetings.conftest import add_person

    await add_person(org, "new1", "Baharu Satu")
    await add_person(org, "new2", "Baharu Dua")
    sec = await cmt.client("sec")
    url = f"/api/committees/{cmt.id}/members/import"
    bad_csv = (
        "login_id,role,seniority\n"
        "mc_new1,ahli,40\n"
        "mc_nobody,member,50\n"  # unknown
        "mc_new2,president,60\n"  # bad role
        "mc_new1,member,70\n"  # repeated
        f"{cmt.login['officer_b']},member,\n"  # another agency
        "mc_colleague,member,abc\n"  # bad seniority
    )
    response = await sec.post(url, content=bad_csv, headers={"content-type": "text/csv"})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["applied"] is False and result["errors"] == 5
    by_line = {r["line"]: r for r in result["rows"]}
    assert by_line[2]["status"] == "added"
    assert by_line[3]["status"] == "error" and by_line[3]["reasons"]
    assert "peranan" in by_line[4]["reasons"][0].lower()
    assert all(by_line[n]["status"] == "error" for n in (3, 4, 5, 6, 7))
    members = (await sec.get(f"/api/committees/{cmt.id}")).json()["members"]
    assert len(members) == 4  # nothing imported
    good_csv = "mc_new1,member,40\nmc_new2,urus setia,95\nmc_member2,member,15\n"
    result = (await sec.post(url, content=good_csv)).json()
    assert result["applied"] is True
    assert (result["added"], result["updated"], result["errors"]) == (2, 1, 0)
    members = (await sec.get(f"/api/committees/{cmt.id}")).json()["members"]
    assert len(members) == 6
    assert [m["loginId"] for m in members][:3] == [
        cmt.login["chair"],
        "mc_member2",
        cmt.login["member"],
    ]
    again = (await sec.post(url, content=good_csv)).json()
    assert again["applied"] is True
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 3)


async def test_csv_import_refuses_a_second_chair(cmt: Cmt) -> None:
    sec = await cmt.client("sec")
    url = f"/api/committees/{cmt.id}/members/import"
    result = (await sec.post(url, content="mc_colleague,chair,1\n")).json()
    assert result["applied"] is False
    assert result["rows"][0]["status"] == "error"
    # Naming the chair's replacement while demoting the chair in the same file is fine for the
    # agency administrator; the secretariat may not change the chair (issue 18 item 6).
    swap = f"mc_colleague,pengerusi,1\n{cmt.login['chair']},member,50\n"
    result = (await sec.post(url, content=swap)).json()
    assert result["applied"] is False
    assert all("pentadbir agensi" in r["reasons"][0] for r in result["rows"]), result
    admin = await cmt.client("admin_a")
    result = (await admin.post(url, content=swap)).json()
    assert result["applied"] is True, result
    member = await cmt.client("member")
    assert (await member.post(url, content="mc_colleague,member,1\n")).status_code == 403
