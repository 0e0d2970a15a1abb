"""Sign-in with ID and password: lockout, temporary passwords, sessions (MyGovUC rules)."""

from __future__ import annotations

from typing import Any

from api.accounts import audit
from api.accounts.tables import AuditEvent, Credential
from api.config import PROJECT_ROOT
from api.core.pwa_assets import pwa_build
from tests.fixtures import TEST_PASSWORD, ApiClient, Org, totp_now


async def _sign_in(client: ApiClient, login_id: str, password: str) -> Any:
    return await client.post("/api/auth/sign-in", json={"loginId": login_id, "password": password})


async def test_password_then_second_factor_opens_a_session(client: ApiClient, org: Org) -> None:
    await client.get("/healthz")
    response = await _sign_in(client, org.login["officer_a"], TEST_PASSWORD)
    assert response.status_code == 200
    assert response.json() == {"stage": "mfa", "methods": ["totp", "recovery"]}
    # The password alone opens nothing.
    assert (await client.get("/api/auth/me")).status_code == 401
    done = await client.post(
        "/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])}
    )
    assert done.status_code == 200
    body = done.json()
    assert body["stage"] == "done"
    assert body["me"]["loginId"] == org.login["officer_a"]
    cookie = done.headers["set-cookie"]
    assert "__Host-hadir_session=" in cookie
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    me = await client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["id"] == org.users["officer_a"]


async def test_the_pending_second_factor_step_can_be_asked_for_again(
    client: ApiClient, org: Org
) -> None:
    """A reload between the password and the code: the app asks which step it is at."""
    await client.get("/healthz")
    assert (await client.get("/api/auth/mfa/pending")).status_code == 401  # nothing pending
    await _sign_in(client, org.login["officer_a"], TEST_PASSWORD)
    me = await client.get("/api/auth/me")
    assert me.status_code == 401 and me.json()["code"] == "mfa_pending"
    pending = await client.get("/api/auth/mfa/pending")
    assert pending.status_code == 200
    assert pending.json() == {"stage": "mfa", "methods": ["totp", "recovery"]}
    done = await client.post(
        "/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])}
    )
    assert done.status_code == 200
    assert (await client.get("/api/auth/mfa/pending")).status_code == 401  # signed in now


async def test_static_files_never_touch_the_session(client: ApiClient, org: Org) -> None:
    """The service worker pre-caches the app right after sign-in with the cookie it had before;
    those answers must not set the old session id back (nor write the session)."""
    await client.get("/healthz")
    await _sign_in(client, org.login["officer_a"], TEST_PASSWORD)
    pending_cookie = client.cookies.get("__Host-hadir_session")
    assert pending_cookie
    version = pwa_build(PROJECT_ROOT / "pwa").version
    for path in ("/app.js", "/", "/sw.js", "/i18n/ms.json", f"/static/{version}/app.js"):
        answer = await client.get(path)
        assert answer.status_code == 200, path
        assert "__Host-hadir_session" not in answer.headers.get("set-cookie", ""), path
    assert client.cookies.get("__Host-hadir_session") == pending_cookie
    # The API still has its session: the second factor completes the sign-in.
    done = await client.post(
        "/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])}
    )
    assert done.status_code == 200
    assert "__Host-hadir_session=" in done.headers["set-cookie"]


async def test_session_id_changes_at_sign_in(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    first = client.cookies.get("__Host-hadir_session")
    await client.sign_in(org.login["officer_a"])
    second = client.cookies.get("__Host-hadir_session")
    assert first and second and first != second


async def test_wrong_password_and_unknown_id_answer_the_same(client: ApiClient, org: Org) -> None:
    wrong = await _sign_in(client, org.login["officer_a"], "not-the-password")
    unknown = await _sign_in(client, "999999999999", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda body: {k: v for k, v in body.items() if k != "requestId"}  # noqa: E731
    assert strip(wrong.json()) == strip(unknown.json())


async def test_three_failures_lock_the_account_and_it_looks_like_a_wrong_password(
    client: ApiClient, org: Org
) -> None:
    login_id = org.login["officer_a"]
    for _ in range(3):
        assert (await _sign_in(client, login_id, "wrong-password")).status_code == 401
    locked = await _sign_in(client, login_id, TEST_PASSWORD)
    wrong = await _sign_in(client, login_id, "wrong-password")
    assert locked.status_code == wrong.status_code == 401
    assert locked.json()["detail"] == wrong.json()["detail"]
    credential = await Credential.select().where(Credential.user == org.users["officer_a"]).first()
    assert credential is not None and credential["locked_at"] is not None
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    assert actions.count("sign_in_failed") == 5 and "account_locked" in actions


async def test_a_complete_sign_in_resets_the_failure_count(client: ApiClient, org: Org) -> None:
    login_id = org.login["officer_a"]
    for _ in range(2):
        await _sign_in(client, login_id, "wrong-password")
    await client.sign_in(login_id)
    for _ in range(2):
        await _sign_in(client, login_id, "wrong-password")
    await client.sign_in(login_id)


async def test_a_right_password_alone_does_not_reset_the_count(client: ApiClient, org: Org) -> None:
    """Otherwise someone who knows the password could guess codes forever."""
    login_id = org.login["officer_a"]
    for _ in range(2):
        await _sign_in(client, login_id, "wrong-password")
    assert (await _sign_in(client, login_id, TEST_PASSWORD)).json()["stage"] == "mfa"
    wrong_code = await client.post("/api/auth/mfa/totp", json={"code": "000000"})
    assert wrong_code.status_code == 401
    credential = await Credential.select().where(Credential.user == org.users["officer_a"]).first()
    assert credential is not None and credential["locked_at"] is not None


async def test_an_administrator_unlocks_an_account(
    client: ApiClient, admin_a: ApiClient, org: Org
) -> None:
    login_id = org.login["officer_a"]
    for _ in range(3):
        await _sign_in(client, login_id, "wrong-password")
    assert (await _sign_in(client, login_id, TEST_PASSWORD)).status_code == 401
    unlock = await admin_a.post(f"/api/users/{org.users['officer_a']}/unlock")
    assert unlock.status_code == 204
    assert (await client.sign_in(login_id))["stage"] == "done"


async def test_temporary_password_only_allows_changing_it(
    client: ApiClient, admin_a: ApiClient, org: Org
) -> None:
    issued = await admin_a.post(f"/api/users/{org.users['officer_a']}/temporary-password")
    assert issued.status_code == 200
    temporary = issued.json()["temporaryPassword"]
    assert len(temporary) >= 12
    signed_in = await client.sign_in(org.login["officer_a"], temporary)
    # The account has a second factor: it was asked for before the password change.
    assert signed_in["stage"] == "change_password"
    blocked = await client.get(f"/api/agencies/{org.agency_a}/units")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    changed = await client.post(
        "/api/auth/password",
        json={"currentPassword": temporary, "newPassword": "tukar-kepada-yang-baharu"},
    )
    assert changed.status_code == 204
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["mustChangePassword"] is False and me.json()["stage"] == "done"
    # Single use: the temporary password no longer works.
    assert (await _sign_in(client, org.login["officer_a"], temporary)).status_code == 401


async def test_password_change_ends_other_sessions(client_factory: Any, org: Org) -> None:
    phone, tablet = await client_factory(), await client_factory()
    await phone.sign_in(org.login["officer_a"])
    await tablet.sign_in(org.login["officer_a"])
    changed = await phone.post(
        "/api/auth/password",
        json={"currentPassword": TEST_PASSWORD, "newPassword": "sebuah-kata-laluan-baharu"},
    )
    assert changed.status_code == 204
    assert (await phone.get("/api/auth/me")).status_code == 200
    assert (await tablet.get("/api/auth/me")).status_code == 401


async def test_password_rules(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    for new, reason in (
        ("short", "8"),
        (f"xx{org.login['officer_a']}xx", "ID"),
        ("pegawai officer_a rahsia", "ID"),
    ):
        response = await client.post(
            "/api/auth/password", json={"currentPassword": TEST_PASSWORD, "newPassword": new}
        )
        assert response.status_code == 422, new
        assert response.json()["errors"][0]["field"] == "newPassword"
        assert reason in response.json()["errors"][0]["message"]
    wrong_current = await client.post(
        "/api/auth/password",
        json={"currentPassword": "not-it-at-all", "newPassword": "panjang-dan-baik-sekali"},
    )
    assert wrong_current.json()["errors"][0]["field"] == "currentPassword"


async def test_frozen_account_cannot_sign_in_and_its_session_ends(
    client: ApiClient, org: Org
) -> None:
    from api.org.tables import User

    await client.sign_in(org.login["officer_a"])
    await User.update({User.state: "frozen"}).where(User.id == org.users["officer_a"])
    assert (await client.get("/api/auth/me")).status_code == 401
    assert (await _sign_in(client, org.login["officer_a"], TEST_PASSWORD)).status_code == 401


async def test_sign_out_ends_the_session(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    assert (await client.post("/api/auth/sign-out")).status_code == 204
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_sign_ins_are_audited_without_secrets(client: ApiClient, org: Org) -> None:
    await _sign_in(client, org.login["officer_a"], "a-wrong-secret-password")
    await client.sign_in(org.login["officer_a"])
    rows = await AuditEvent.select().order_by(AuditEvent.seq)
    assert [r["action"] for r in rows] == ["sign_in_failed", "sign_in"]
    assert "password+totp" in str(rows[1]["detail"])
    assert all("a-wrong-secret-password" not in str(r) for r in rows)
    assert all(TEST_PASSWORD not in str(r) for r in rows)
    assert rows[1]["ip"].startswith("10.")
    assert (await audit.verify()).ok


async def test_people_choose_their_own_language(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    changed = await client.patch("/api/auth/me", json={"language": "en"})
    assert changed.status_code == 200 and changed.json()["language"] == "en"
    problem = await client.get("/api/users/1")  # not an administrator: an English refusal
    assert problem.json()["detail"] == "You do not have permission for this action."
    refused = await client.patch("/api/auth/me", json={"language": "fr"})
    assert refused.status_code == 400


async def test_a_pending_second_factor_is_reported_as_such(client: ApiClient, org: Org) -> None:
    await _sign_in(client, org.login["officer_a"], TEST_PASSWORD)
    me = await client.get("/api/auth/me")
    assert me.status_code == 401 and me.json()["code"] == "mfa_pending"


async def test_the_users_list_shows_who_is_locked(
    client: ApiClient, admin_a: ApiClient, org: Org
) -> None:
    for _ in range(3):
        await _sign_in(client, org.login["officer_a"], "wrong-password")
    users = (await admin_a.get(f"/api/agencies/{org.agency_a}/users")).json()["items"]
    locked = {u["loginId"] for u in users if u["locked"]}
    assert locked == {org.login["officer_a"]}
    one = (await admin_a.get(f"/api/users/{org.users['officer_a']}")).json()
    assert one["locked"] is True


async def test_me_says_whether_the_person_supervises_anyone(client_factory: Any, org: Org) -> None:
    from api.org.tables import User

    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    boss, officer = await client_factory(), await client_factory()
    assert (await boss.sign_in(org.login["exec_a"]))["me"]["isSupervisor"] is True
    assert (await officer.sign_in(org.login["officer_a"]))["me"]["isSupervisor"] is False


async def test_sessions_end_after_the_absolute_timeout(client: ApiClient, org: Org) -> None:
    import msgspec

    from api.accounts.tables import HttpSession

    await client.sign_in(org.login["officer_a"])
    from api.accounts.session_store import stored_session_key

    key = stored_session_key(client.cookies.get("__Host-hadir_session") or "")
    row = await HttpSession.select().where(HttpSession.key == key).first()
    assert row is not None
    data = msgspec.json.decode(bytes(row["data"]))
    data["created"] -= 12 * 3600 + 1  # signed in just over 12 hours ago
    await HttpSession.update({HttpSession.data: msgspec.json.encode(data)}).where(
        HttpSession.key == key
    )
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_an_expired_temporary_password_is_refused(
    client: ApiClient, admin_a: ApiClient, org: Org
) -> None:
    from datetime import UTC, datetime, timedelta

    temporary = (
        await admin_a.post(f"/api/users/{org.users['officer_a']}/temporary-password")
    ).json()["temporaryPassword"]
    await Credential.update(
        {Credential.temporary_expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Credential.user == org.users["officer_a"])
    refused = await _sign_in(client, org.login["officer_a"], temporary)
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_credentials"


async def test_long_passphrases_are_welcome(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    passphrase = "pokok kelapa di tepi pantai " * 4  # 112 characters, spaces included
    changed = await client.post(
        "/api/auth/password",
        json={"currentPassword": TEST_PASSWORD, "newPassword": passphrase},
    )
    assert changed.status_code == 204
    too_long = await client.post(
        "/api/auth/password", json={"currentPassword": passphrase, "newPassword": "x" * 257}
    )
    assert too_long.status_code == 400  # beyond the 256-character limit of the request


async def test_one_address_trying_too_often_gets_429(client: ApiClient, org: Org) -> None:
    """A per-IP limit (30 a minute by default), separate from the per-account lock: many
    accounts guessed from one address are slowed down too."""
    statuses = [
        (await _sign_in(client, f"99999999{n:04d}", "tekaan-rawak")).status_code for n in range(31)
    ]
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
    assert (
        await client.post("/api/auth/reset/request", json={"loginId": "x" * 5})
    ).status_code == 429


async def test_the_session_question_answers_200_signed_in_or_not(
    client: ApiClient, org: Org
) -> None:
    """The app's first request on every load: "signed out" is an answer, not a 401 that the
    browser logs in its console; /me keeps its 401."""
    signed_out = await client.get("/api/auth/session")
    assert signed_out.status_code == 200 and signed_out.json() == {"signedIn": False}
    await _sign_in(client, org.login["officer_a"], TEST_PASSWORD)
    pending = await client.get("/api/auth/session")
    assert pending.status_code == 200
    assert pending.json() == {"signedIn": False, "stage": "mfa", "methods": ["totp", "recovery"]}
    await client.post("/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])})
    signed_in = (await client.get("/api/auth/session")).json()
    assert signed_in["signedIn"] is True
    assert signed_in["me"] == (await client.get("/api/auth/me")).json()
    assert signed_in["me"]["stage"] == "done"

    from api.org.tables import User

    await User.update({User.state: "frozen"}).where(User.id == org.users["officer_a"])
    assert (await client.get("/api/auth/session")).json() == {"signedIn": False}
    await client.post("/api/auth/sign-out")
    assert (await client.get("/api/auth/me")).status_code == 401
