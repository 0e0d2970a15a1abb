"""Self-service reset: a link to the official e-mail, still needing the second factor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api.accounts.tables import Credential, PasswordReset, TotpFactor
from api.outbox.tables import Notification
from tests.fixtures import TEST_PASSWORD, ApiClient, Org, totp_now

NEW_PASSWORD = "senja-di-tasik-presint-2026"


async def _request(client: ApiClient, login_id: str) -> Any:
    return await client.post("/api/auth/reset/request", json={"loginId": login_id})


async def _link_token(user_id: int) -> str:
    row = (
        await Notification.select(Notification.url, Notification.channel)
        .where((Notification.kind == "password_reset") & (Notification.recipient == user_id))
        .first()
    )
    assert row is not None, "the reset e-mail was queued"
    assert row["channel"] == "email"
    return str(row["url"]).rsplit("/", 1)[1]


async def test_unknown_and_known_ids_get_the_same_answer(client: ApiClient, org: Org) -> None:
    unknown = await _request(client, "999999999999")
    known = await _request(client, org.login["officer_a"])
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert await Notification.count().where(Notification.kind == "password_reset") == 1


async def test_link_then_second_factor_then_new_password(
    client: ApiClient, client_factory: Any, org: Org
) -> None:
    elsewhere = await client_factory()
    await elsewhere.sign_in(org.login["officer_a"])
    await _request(client, org.login["officer_a"])
    token = await _link_token(org.users["officer_a"])

    opened = await client.post("/api/auth/reset/open", json={"token": token})
    assert opened.json()["stage"] == "mfa"
    # The link alone is not enough.
    early = await client.post("/api/auth/reset/complete", json={"newPassword": NEW_PASSWORD})
    assert early.status_code == 400
    factor = await client.post(
        "/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])}
    )
    assert factor.json() == {"stage": "new_password"}
    done = await client.post("/api/auth/reset/complete", json={"newPassword": NEW_PASSWORD})
    assert done.status_code == 200 and done.json()["stage"] == "done"
    assert (await client.get("/api/auth/me")).status_code == 200
    # Every other session ended; the old password is gone; the link works once.
    assert (await elsewhere.get("/api/auth/me")).status_code == 401
    old = await client.post(
        "/api/auth/sign-in", json={"loginId": org.login["officer_a"], "password": TEST_PASSWORD}
    )
    assert old.status_code == 401
    again = await client.post("/api/auth/reset/open", json={"token": token})
    assert again.status_code == 400 and again.json()["code"] == "reset_link_invalid"


async def test_a_reset_unlocks_a_locked_account(client: ApiClient, org: Org) -> None:
    for _ in range(3):
        await client.post(
            "/api/auth/sign-in", json={"loginId": org.login["officer_a"], "password": "salah-lagi"}
        )
    await _request(client, org.login["officer_a"])
    token = await _link_token(org.users["officer_a"])
    await client.post("/api/auth/reset/open", json={"token": token})
    await client.post("/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])})
    done = await client.post("/api/auth/reset/complete", json={"newPassword": NEW_PASSWORD})
    assert done.status_code == 200
    credential = await Credential.select().where(Credential.user == org.users["officer_a"]).first()
    assert credential is not None and credential["locked_at"] is None


async def test_one_wrong_code_spoils_the_link(client: ApiClient, org: Org) -> None:
    await _request(client, org.login["officer_a"])
    token = await _link_token(org.users["officer_a"])
    await client.post("/api/auth/reset/open", json={"token": token})
    wrong = await client.post("/api/auth/mfa/totp", json={"code": "000000"})
    assert wrong.status_code == 401
    reopened = await client.post("/api/auth/reset/open", json={"token": token})
    assert reopened.status_code == 400


async def test_an_expired_link_is_refused(client: ApiClient, org: Org) -> None:
    await _request(client, org.login["officer_a"])
    token = await _link_token(org.users["officer_a"])
    await PasswordReset.update(
        {PasswordReset.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(PasswordReset.user == org.users["officer_a"])
    response = await client.post("/api/auth/reset/open", json={"token": token})
    assert response.status_code == 400 and response.json()["code"] == "reset_link_invalid"


async def test_no_link_without_a_second_factor(client: ApiClient, org: Org) -> None:
    await TotpFactor.delete().where(TotpFactor.user == org.users["officer_a"])
    assert (await _request(client, org.login["officer_a"])).status_code == 202
    assert await Notification.count().where(Notification.kind == "password_reset") == 0


async def test_the_new_password_follows_the_rules(client: ApiClient, org: Org) -> None:
    await _request(client, org.login["officer_a"])
    token = await _link_token(org.users["officer_a"])
    await client.post("/api/auth/reset/open", json={"token": token})
    await client.post("/api/auth/mfa/totp", json={"code": await totp_now(org.login["officer_a"])})
    weak = await client.post("/api/auth/reset/complete", json={"newPassword": "password1"})
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "newPassword"
