"""Second factors: enrolment at first sign-in, TOTP once per code, recovery codes, passkeys."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from api.accounts.tables import AuditEvent, Passkey, RecoveryCode, TotpFactor
from api.config import get_settings
from tests.fixtures import ApiClient, Org
from tests.support.softauthn import SoftPasskey

NEW_PASSWORD = "lautan-biru-petang-2026"


@pytest.fixture
async def newcomer(admin_a: ApiClient, client_factory: Any, org: Org) -> tuple[ApiClient, int]:
    """A new officer on their first sign-in, past the password change, before any factor."""
    created = await admin_a.post(
        f"/api/agencies/{org.agency_a}/users",
        json={"loginId": "950505145055", "name": "Baharu Bin Masuk", "email": "b@example.gov.my"},
    )
    user_id = created.json()["id"]
    temporary = (await admin_a.post(f"/api/users/{user_id}/temporary-password")).json()[
        "temporaryPassword"
    ]
    client = await client_factory()
    first = await client.post(
        "/api/auth/sign-in", json={"loginId": "950505145055", "password": temporary}
    )
    assert first.json()["stage"] == "change_password"
    changed = await client.post(
        "/api/auth/password", json={"currentPassword": temporary, "newPassword": NEW_PASSWORD}
    )
    assert changed.status_code == 204
    me = await client.get("/api/auth/me")
    assert me.json()["stage"] == "enrol_mfa"
    return client, user_id


def _passkey() -> SoftPasskey:
    settings = get_settings()
    return SoftPasskey(rp_id=settings.webauthn_rp_id, origin=settings.base_url)


async def _enrol_totp(client: ApiClient) -> tuple[str, list[str]]:
    setup = await client.post("/api/auth/mfa/totp/setup")
    assert setup.status_code == 200
    body = setup.json()
    assert body["otpauthUri"].startswith("otpauth://totp/Hadir:")
    assert body["qrSvgDataUri"].startswith("data:image/svg+xml")
    secret = body["secret"]
    confirmed = await client.post(
        "/api/auth/mfa/totp/confirm", json={"code": pyotp.TOTP(secret).now()}
    )
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["codes"]


async def test_nothing_but_enrolment_before_a_second_factor(
    newcomer: tuple[ApiClient, int], org: Org
) -> None:
    client, _ = newcomer
    blocked = await client.get("/api/auth/passkeys")
    assert blocked.status_code == 403 and blocked.json()["code"] == "mfa_enrolment_required"
    assert (await client.get("/api/auth/mfa")).json() == {
        "totp": False,
        "passkeys": 0,
        "recoveryCodesLeft": 0,
    }


async def test_totp_enrolment_gives_ten_recovery_codes_and_completes_sign_in(
    newcomer: tuple[ApiClient, int],
) -> None:
    client, user_id = newcomer
    secret, codes = await _enrol_totp(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert (await client.get("/api/auth/me")).json()["stage"] == "done"
    stored = await RecoveryCode.select(RecoveryCode.code_hash).where(RecoveryCode.user == user_id)
    assert all(code not in str(stored) for code in codes), "codes are stored hashed"
    factor = await TotpFactor.select().where(TotpFactor.user == user_id).first()
    assert factor is not None and secret not in str(factor), "the secret is stored sealed"


async def test_a_wrong_first_code_does_not_confirm(newcomer: tuple[ApiClient, int]) -> None:
    client, _ = newcomer
    setup = (await client.post("/api/auth/mfa/totp/setup")).json()
    wrong = str((int(pyotp.TOTP(setup["secret"]).now()) + 1) % 1_000_000).zfill(6)
    response = await client.post("/api/auth/mfa/totp/confirm", json={"code": wrong})
    assert response.status_code == 422
    assert (await client.get("/api/auth/me")).json()["stage"] == "enrol_mfa"


async def test_each_totp_code_is_accepted_once(
    newcomer: tuple[ApiClient, int], client_factory: Any
) -> None:
    client, _ = newcomer
    secret, _ = await _enrol_totp(client)
    # The confirmation used the current step; the same code cannot sign in again.
    other = await client_factory()
    await other.post(
        "/api/auth/sign-in", json={"loginId": "950505145055", "password": NEW_PASSWORD}
    )
    replay = await other.post("/api/auth/mfa/totp", json={"code": pyotp.TOTP(secret).now()})
    assert replay.status_code == 401 and replay.json()["code"] == "mfa_code_wrong"
    # The next step's code (clock drift of +1 step) is accepted once.
    at_next = pyotp.TOTP(secret).at(time.time() + 30)
    await other.post(
        "/api/auth/sign-in", json={"loginId": "950505145055", "password": NEW_PASSWORD}
    )
    assert (await other.post("/api/auth/mfa/totp", json={"code": at_next})).status_code == 200


async def test_codes_two_steps_away_are_refused(
    newcomer: tuple[ApiClient, int], client_factory: Any
) -> None:
    client, user_id = newcomer
    secret, _ = await _enrol_totp(client)
    await TotpFactor.update({TotpFactor.last_used_step: 0}).where(TotpFactor.user == user_id)
    other = await client_factory()
    await other.post(
        "/api/auth/sign-in", json={"loginId": "950505145055", "password": NEW_PASSWORD}
    )
    far = pyotp.TOTP(secret).at(time.time() + 90)
    assert (await other.post("/api/auth/mfa/totp", json={"code": far})).status_code == 401


async def test_recovery_codes_work_once(
    newcomer: tuple[ApiClient, int], client_factory: Any
) -> None:
    client, _ = newcomer
    _, codes = await _enrol_totp(client)
    for expected in (200, 401):
        other = await client_factory()
        await other.post(
            "/api/auth/sign-in", json={"loginId": "950505145055", "password": NEW_PASSWORD}
        )
        used = await other.post("/api/auth/mfa/recovery", json={"code": codes[0].upper()})
        assert used.status_code == expected
    summary = (await client.get("/api/auth/mfa")).json()
    assert summary["recoveryCodesLeft"] == 9


async def test_passkey_registration_and_passkey_only_sign_in(
    newcomer: tuple[ApiClient, int], client_factory: Any
) -> None:
    client, user_id = newcomer
    device = _passkey()
    options = (await client.post("/api/auth/passkeys/options")).json()
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    registered = await client.post(
        "/api/auth/passkeys", json={"name": "Telefon saya", "credential": device.create(options)}
    )
    assert registered.status_code == 200, registered.text
    assert len(registered.json()["codes"]) == 10
    row = await Passkey.select().where(Passkey.user == user_id).first()
    assert row is not None
    assert (row["name"], row["device_type"], row["backed_up"]) == (
        "Telefon saya",
        "single_device",
        False,
    )

    # Passkey alone: no ID, no password.
    phone = await client_factory()
    assertion_options = (await phone.post("/api/auth/passkey/options")).json()
    assert assertion_options["allowCredentials"] == []
    assert assertion_options["userVerification"] == "required"
    signed_in = await phone.post(
        "/api/auth/passkey/verify", json={"credential": device.get(assertion_options)}
    )
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["stage"] == "done"
    assert signed_in.json()["me"]["id"] == user_id
    method = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == "sign_in")
    assert '"passkey"' in str(method[-1]["detail"]) or "'passkey'" in str(method[-1]["detail"])


async def test_passkey_challenges_are_single_use(
    newcomer: tuple[ApiClient, int], client_factory: Any
) -> None:
    client, _ = newcomer
    device = _passkey()
    options = (await client.post("/api/auth/passkeys/options")).json()
    await client.post(
        "/api/auth/passkeys", json={"name": "A", "credential": device.create(options)}
    )
    phone = await client_factory()
    assertion_options = (await phone.post("/api/auth/passkey/options")).json()
    answer = device.get(assertion_options)
    assert (
        await phone.post("/api/auth/passkey/verify", json={"credential": answer})
    ).status_code == 200
    replay = await phone.post("/api/auth/passkey/verify", json={"credential": answer})
    assert replay.status_code == 400 and replay.json()["code"] == "passkey_challenge_expired"


async def test_passkey_without_user_verification_is_refused(
    newcomer: tuple[ApiClient, int],
) -> None:
    client, _ = newcomer
    device = _passkey()
    device.user_verified = False
    options = (await client.post("/api/auth/passkeys/options")).json()
    refused = await client.post(
        "/api/auth/passkeys", json={"name": "Kunci", "credential": device.create(options)}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "passkey_invalid"


async def test_synced_passkeys_are_recorded_as_such(newcomer: tuple[ApiClient, int]) -> None:
    client, _ = newcomer
    device = _passkey()
    device.synced = True
    options = (await client.post("/api/auth/passkeys/options")).json()
    await client.post(
        "/api/auth/passkeys", json={"name": "Sync", "credential": device.create(options)}
    )
    listed = (await client.get("/api/auth/passkeys")).json()
    assert [(p["deviceType"], p["backedUp"]) for p in listed] == [("multi_device", True)]


async def test_the_last_factor_cannot_be_removed(newcomer: tuple[ApiClient, int]) -> None:
    client, _ = newcomer
    await _enrol_totp(client)
    refused = await client.delete("/api/auth/mfa/totp")
    assert refused.status_code == 409 and refused.json()["code"] == "last_factor"
    device = _passkey()
    options = (await client.post("/api/auth/passkeys/options")).json()
    await client.post(
        "/api/auth/passkeys", json={"name": "B", "credential": device.create(options)}
    )
    assert (await client.delete("/api/auth/mfa/totp")).status_code == 204
    passkey_id = (await client.get("/api/auth/passkeys")).json()[0]["id"]
    assert (await client.delete(f"/api/auth/passkeys/{passkey_id}")).status_code == 409


async def test_a_parallel_enrolment_session_dies_when_a_factor_exists(
    newcomer: tuple[ApiClient, int], client_factory: Any
) -> None:
    """Someone else who also knew the new password must not ride on the owner's enrolment."""
    client, _ = newcomer
    intruder = await client_factory()
    opened = await intruder.post(
        "/api/auth/sign-in", json={"loginId": "950505145055", "password": NEW_PASSWORD}
    )
    assert opened.json()["stage"] == "enrol_mfa"
    await _enrol_totp(client)
    assert (await intruder.get("/api/auth/me")).status_code == 401
    assert (await intruder.post("/api/auth/passkeys/options")).status_code == 401


async def test_wrong_codes_count_towards_the_lock(org: Org, client: ApiClient) -> None:
    for _ in range(3):
        await client.post(
            "/api/auth/sign-in",
            json={"loginId": org.login["officer_a"], "password": "kata-laluan-ujian-panjang"},
        )
        await client.post("/api/auth/mfa/totp", json={"code": "000000"})
    again = await client.post(
        "/api/auth/sign-in",
        json={"loginId": org.login["officer_a"], "password": "kata-laluan-ujian-panjang"},
    )
    assert again.status_code == 401 and again.json()["code"] == "invalid_credentials"
