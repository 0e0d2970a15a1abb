"""Guessing the current password on a password change counts like failed sign-ins (issue 18,
Medium 7): the third wrong guess in a row locks the account, ends the session, and is audited."""

from __future__ import annotations

from api.accounts.tables import AuditEvent, Credential
from tests.fixtures import TEST_PASSWORD, ApiClient, Org


async def _change(client: ApiClient, current: str, new: str = "panjang-dan-baik-sekali") -> int:
    response = await client.post(
        "/api/auth/password", json={"currentPassword": current, "newPassword": new}
    )
    return int(response.status_code)


async def _credential(org: Org) -> dict:
    row = await Credential.select().where(Credential.user == org.users["officer_a"]).first()
    assert row is not None
    return row


async def test_three_wrong_current_passwords_lock_the_account(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    for _ in range(3):
        assert await _change(client, "bukan-kata-laluan") == 422
    assert (await _credential(org))["locked_at"] is not None
    # Locked: the session is over and a correct password answers like a wrong one.
    assert (await client.get("/api/auth/me")).status_code == 401
    again = await client.post(
        "/api/auth/sign-in", json={"loginId": org.login["officer_a"], "password": TEST_PASSWORD}
    )
    assert again.status_code == 401 and again.json()["code"] == "invalid_credentials"
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    assert actions.count("password_change_failed") == 3
    assert "account_locked" in actions


async def test_failures_count_together_with_sign_in_failures(
    client_factory: object, client: ApiClient, org: Org
) -> None:
    await client.sign_in(org.login["officer_a"])
    other = await client_factory()  # type: ignore[operator]
    for _ in range(2):
        wrong = await other.post(
            "/api/auth/sign-in",
            json={"loginId": org.login["officer_a"], "password": "bukan-kata-laluan"},
        )
        assert wrong.status_code == 401
    assert await _change(client, "bukan-kata-laluan-juga") == 422
    assert (await _credential(org))["locked_at"] is not None


async def test_the_right_current_password_ends_the_run(client: ApiClient, org: Org) -> None:
    await client.sign_in(org.login["officer_a"])
    for _ in range(2):
        assert await _change(client, "bukan-kata-laluan") == 422
    # Right current password (the new one is refused for being too short): the run is over.
    assert await _change(client, TEST_PASSWORD, new="pendek") == 422
    assert (await _credential(org))["failed_attempts"] == 0
    for _ in range(2):
        assert await _change(client, "bukan-kata-laluan") == 422
    assert (await _credential(org))["locked_at"] is None
    assert await _change(client, TEST_PASSWORD) == 204
