"""Passkey-confirmed check-ins (issue 6): the agency setting, the assertion bound to the tap,
and "flag, never block" when the confirmation is missing or invalid. Real assertions from the
software authenticator (tests/support/softauthn.py), verified by py_webauthn."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from api.accounts.tables import AuditEvent, Passkey
from api.attendance import agency_settings, fences, passkey_confirmation, schemas
from api.attendance.tables import CheckIn
from api.config import get_settings
from api.org.tables import OfficeAssignment, User
from tests.fixtures import ApiClient, Org
from tests.support.softauthn import SoftPasskey, b64url

ROOT = Path(__file__).resolve().parents[2]
CENTRE = {"lat": 2.9266, "lon": 101.69675, "accuracy": 10.0}
FAR_AWAY = {"lat": 2.94, "lon": 101.71, "accuracy": 20.0}


@pytest.fixture
async def team(org: Org, client_factory: Any) -> AsyncIterator[dict[str, Any]]:
    """officer_a (HQ A, reports to exec_a) and exec_a, both with a registered passkey; the
    agency administrator; the caches empty (before and after: agency ids repeat in the next
    test's database)."""
    fences.forget()
    agency_settings.forget()
    for who in ("officer_a", "exec_a"):
        await OfficeAssignment.insert(OfficeAssignment(user=org.users[who], office=org.office_a))
    await User.update({User.supervisor: org.users["exec_a"]}).where(
        User.id == org.users["officer_a"]
    )
    officer, supervisor, admin = [await client_factory() for _ in range(3)]
    await officer.sign_in(org.login["officer_a"])
    await supervisor.sign_in(org.login["exec_a"])
    await admin.sign_in(org.login["admin_a"])
    yield {
        "officer": officer,
        "supervisor": supervisor,
        "admin": admin,
        "officer_key": await _register(officer),
        "colleague_key": await _register(supervisor),
    }
    agency_settings.forget()


async def _register(client: ApiClient) -> SoftPasskey:
    settings = get_settings()
    device = SoftPasskey(rp_id=settings.webauthn_rp_id, origin=settings.base_url)
    options = (await client.post("/api/auth/passkeys/options")).json()
    registered = await client.post(
        "/api/auth/passkeys", json={"name": "Telefon", "credential": device.create(options)}
    )
    assert registered.status_code == 200, registered.text
    return device


async def _require(admin: ApiClient, required: bool = True) -> dict[str, Any]:
    response = await admin.put("/api/attendance/settings", json={"passkeyRequired": required})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _tap(fix: dict[str, float] = CENTRE, kind: str = "in", **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "clientId": str(uuid.uuid4()),
        "kind": kind,
        "fix": {**fix, "fixAt": now.isoformat(timespec="milliseconds")},
        "clientAt": now.isoformat(),
        **extra,
    }


def _challenge(tap: dict[str, Any]) -> str:
    """Written out here (not taken from the module) so the format itself is pinned."""
    fix = tap["fix"]
    fix_at = datetime.fromisoformat(fix["fixAt"])
    millis = round(fix_at.timestamp() * 1000)

    def number(value: float) -> str:  # String(number) for these plain values
        return str(int(value)) if float(value).is_integer() else repr(float(value))

    text = "\n".join(
        [
            "hadir-checkin-v1",
            tap["clientId"],
            tap["kind"],
            number(fix["lat"]),
            number(fix["lon"]),
            number(fix["accuracy"]),
            str(millis),
        ]
    )
    return b64url(hashlib.sha256(text.encode()).digest())


def _signed(tap: dict[str, Any], device: SoftPasskey) -> dict[str, Any]:
    return {**tap, "passkeyAssertion": device.get({"challenge": _challenge(tap)})}


def _codes(check_in: dict[str, Any]) -> list[str]:
    return [f["code"] for f in check_in["findings"]]


async def _check_in(client: ApiClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/attendance/check-ins", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --------------------------------------------------------------------------- the setting


async def test_the_setting_defaults_off_and_only_the_administrator_changes_it(
    team: dict[str, Any], org: Org, client_factory: Any
) -> None:
    officer, admin = team["officer"], team["admin"]
    seen = (await officer.get("/api/attendance/settings")).json()
    assert seen["passkeyRequired"] is False
    assert seen["rpId"] == get_settings().webauthn_rp_id
    # The officer's own passkey only (not the colleague's).
    assert seen["passkeyCredentialIds"] == [b64url(team["officer_key"].credential_id)]

    refused = await officer.put("/api/attendance/settings", json={"passkeyRequired": True})
    assert refused.status_code == 403
    invalid = await admin.put("/api/attendance/settings", json={"passkeyRequired": "ya"})
    assert invalid.status_code == 400

    assert (await _require(admin))["passkeyRequired"] is True
    assert (await officer.get("/api/attendance/settings")).json()["passkeyRequired"] is True
    events = await AuditEvent.select().where(AuditEvent.action == "attendance.settings.set")
    assert len(events) == 1
    assert events[0]["actor_id"] == org.users["admin_a"]
    assert events[0]["agency_id"] == org.agency_a
    # Another agency is not affected.
    other = await client_factory()
    await other.sign_in(org.login["officer_b"])
    assert (await other.get("/api/attendance/settings")).json()["passkeyRequired"] is False

    await _require(admin, False)
    assert (await officer.get("/api/attendance/settings")).json()["passkeyRequired"] is False


# --------------------------------------------------------------------------- confirmations


async def test_not_required_and_no_assertion_is_unchanged(team: dict[str, Any]) -> None:
    body = await _check_in(team["officer"], _tap())
    assert body["approval"] == "not_needed"
    assert body["passkeyConfirmed"] is False
    assert body["findings"] == []


async def test_a_valid_assertion_confirms_the_check_in(team: dict[str, Any], org: Org) -> None:
    await _require(team["admin"])
    body = await _check_in(team["officer"], _signed(_tap(), team["officer_key"]))
    assert body["passkeyConfirmed"] is True
    assert body["approval"] == "not_needed"
    assert body["findings"] == []
    stored = await CheckIn.select().where(CheckIn.id == body["id"]).first()
    assert stored is not None and stored["passkey_confirmed"] is True
    key = await Passkey.select().where(Passkey.user == org.users["officer_a"]).first()
    assert key is not None
    assert key["sign_count"] == team["officer_key"].sign_count
    assert key["last_used_at"] is not None


async def test_a_valid_assertion_is_recorded_where_not_required(team: dict[str, Any]) -> None:
    body = await _check_in(team["officer"], _signed(_tap(), team["officer_key"]))
    assert body["passkeyConfirmed"] is True and body["approval"] == "not_needed"


async def test_without_assertion_where_required_it_is_pending_with_the_finding(
    team: dict[str, Any],
) -> None:
    await _require(team["admin"])
    body = await _check_in(team["officer"], _tap())
    assert body["verdict"]["status"] == "inside"
    assert body["approval"] == "pending"
    assert body["passkeyConfirmed"] is False
    assert _codes(body) == ["passkey_missing"]

    inbox = (await team["supervisor"].get("/api/attendance/approvals")).json()
    assert [i["checkIn"]["id"] for i in inbox] == [body["id"]]
    assert inbox[0]["checkIn"]["passkeyConfirmed"] is False
    assert _codes(inbox[0]["checkIn"]) == ["passkey_missing"]


async def test_an_assertion_made_for_another_tap_is_refused(team: dict[str, Any]) -> None:
    await _require(team["admin"])
    first = _tap()
    signed_first = _signed(first, team["officer_key"])
    # The same assertion on a new tap (another client id): refused, the tap is pending.
    other = {**_tap(), "passkeyAssertion": signed_first["passkeyAssertion"]}
    body = await _check_in(team["officer"], other)
    assert body["passkeyConfirmed"] is False and body["approval"] == "pending"
    assert _codes(body) == ["passkey_invalid"]
    assert "challenge" in body["findings"][0]["message"]


async def test_an_assertion_cannot_carry_another_position(team: dict[str, Any]) -> None:
    """Made for a tap far away, sent with the office's position under the same client id."""
    await _require(team["admin"])
    far = _tap(FAR_AWAY)
    assertion = _signed(far, team["officer_key"])["passkeyAssertion"]
    moved = {**far, "fix": {**CENTRE, "fixAt": far["fix"]["fixAt"]}, "passkeyAssertion": assertion}
    body = await _check_in(team["officer"], moved)
    assert body["verdict"]["status"] == "inside"
    assert body["passkeyConfirmed"] is False and body["approval"] == "pending"
    assert _codes(body) == ["passkey_invalid"]


async def test_a_colleagues_passkey_is_invalid(team: dict[str, Any]) -> None:
    await _require(team["admin"])
    body = await _check_in(team["officer"], _signed(_tap(), team["colleague_key"]))
    assert body["passkeyConfirmed"] is False and body["approval"] == "pending"
    assert _codes(body) == ["passkey_invalid"]
    assert "not a passkey of this officer" in body["findings"][0]["message"]


async def test_without_user_verification_it_is_invalid(team: dict[str, Any]) -> None:
    await _require(team["admin"])
    team["officer_key"].user_verified = False
    body = await _check_in(team["officer"], _signed(_tap(), team["officer_key"]))
    assert body["passkeyConfirmed"] is False and _codes(body) == ["passkey_invalid"]
    assert "verif" in body["findings"][0]["message"]


@pytest.mark.parametrize(
    "assertion",
    [
        {},
        {"id": "abc", "rawId": "abc"},
        {"id": 5},
        {"rawId": "!!!", "response": "nope"},
        {"id": "x", "rawId": "x", "type": "public-key", "response": {"clientDataJSON": 3}},
    ],
)
async def test_a_malformed_assertion_is_a_finding_not_an_error(
    team: dict[str, Any], assertion: dict[str, Any]
) -> None:
    await _require(team["admin"])
    body = await _check_in(team["officer"], {**_tap(), "passkeyAssertion": assertion})
    assert body["approval"] == "pending" and _codes(body) == ["passkey_invalid"]


async def test_garbage_inside_a_real_credential_id_is_a_finding(team: dict[str, Any]) -> None:
    await _require(team["admin"])
    tap = _signed(_tap(), team["officer_key"])
    tap["passkeyAssertion"]["response"]["authenticatorData"] = "%%%"
    tap["passkeyAssertion"]["response"]["signature"] = b64url(b"not a signature")
    body = await _check_in(team["officer"], tap)
    assert body["approval"] == "pending" and _codes(body) == ["passkey_invalid"]


async def test_sending_the_same_confirmed_tap_again_is_the_same_record(
    team: dict[str, Any],
) -> None:
    await _require(team["admin"])
    signed = _signed(_tap(), team["officer_key"])
    first = await _check_in(team["officer"], signed)
    again = await _check_in(team["officer"], signed)
    assert again["replayed"] is True and again["id"] == first["id"]
    assert again["passkeyConfirmed"] is True and again["approval"] == "not_needed"
    assert await CheckIn.count() == 1


async def test_online_taps_need_a_rising_counter_queued_ones_do_not(
    team: dict[str, Any],
) -> None:
    """Tapped offline (counter 1), then the passkey was used again online (counter 2): the
    queued tap still counts as confirmed when it arrives; an online tap with an old counter
    does not. The stored counter never goes down."""
    await _require(team["admin"])
    key = team["officer_key"]
    queued = _signed(_tap(), key)  # counter 1
    online = _signed(_tap(), key)  # counter 2
    assert (await _check_in(team["officer"], online))["passkeyConfirmed"] is True
    late = await _check_in(team["officer"], {**queued, "offline": True})
    assert late["passkeyConfirmed"] is True and late["offline"] is True
    stored = await Passkey.select(Passkey.sign_count).where(
        Passkey.credential_id == b64url(key.credential_id)
    )
    assert stored[0]["sign_count"] == 2

    key.sign_count = 0  # as if cloned: the next assertion carries counter 1
    refused = await _check_in(team["officer"], _signed(_tap(), key))
    assert refused["passkeyConfirmed"] is False and "passkey_invalid" in _codes(refused)
    invalid = next(f for f in refused["findings"] if f["code"] == "passkey_invalid")
    assert "sign count" in invalid["message"]


async def test_a_tap_older_than_the_limit_is_not_confirmed(team: dict[str, Any]) -> None:
    await _require(team["admin"])
    old = datetime.now(UTC) - passkey_confirmation.MAX_AGE - timedelta(minutes=5)
    tap = _tap()
    tap["fix"]["fixAt"] = old.isoformat(timespec="milliseconds")
    tap["clientAt"] = old.isoformat()
    body = await _check_in(team["officer"], {**_signed(tap, team["officer_key"]), "offline": True})
    assert body["passkeyConfirmed"] is False
    assert "passkey_invalid" in _codes(body) and body["approval"] == "pending"


async def test_outside_and_unconfirmed_keeps_both_reasons(team: dict[str, Any]) -> None:
    await _require(team["admin"])
    body = await _check_in(team["officer"], _tap(FAR_AWAY))
    assert body["verdict"]["status"] == "outside" and body["approval"] == "pending"
    assert "passkey_missing" in _codes(body)


# --------------------------------------------------------------------------- the canonical text


def _request(tap: dict[str, Any]) -> schemas.CheckInRequest:
    return msgspec.convert(tap, schemas.CheckInRequest)


def test_the_canonical_text_of_a_tap() -> None:
    tap = {
        "clientId": "0b5e6c1e-1111-4222-8333-444455556666",
        "kind": "out",
        "fix": {
            "lat": 2.9266,
            "lon": 101.69675,
            "accuracy": 12.0,
            "fixAt": "2026-11-22T08:01:02.345+08:00",
        },
    }
    assert passkey_confirmation.canonical_tap(tap["clientId"], tap["kind"], _request(tap).fix) == (
        "hadir-checkin-v1\n0b5e6c1e-1111-4222-8333-444455556666\nout\n2.9266\n101.69675\n12\n"
        "1795305662345"
    )
    no_time = _request({**tap, "fix": {"lat": 0, "lon": -0.00001, "accuracy": 0.5}})
    assert passkey_confirmation.canonical_tap("x" * 8, "in", no_time.fix).endswith(
        "\n0\n-0.00001\n0.5\n"
    )


NUMBERS = [
    0.0,
    -0.0,
    1.0,
    10.0,
    12.3,
    -0.5,
    2.9266,
    101.69675,
    1e-7,
    1.5e-7,
    0.000001,
    0.00001,
    123456.789,
    1e16,
    1.2345678901234567e20,
    1e21,
    1.5e22,
    5e-324,
    0.1 + 0.2,
    -89.99999999999999,
]


def test_numbers_are_written_as_javascript_writes_them() -> None:
    expected = {
        1e-7: "1e-7",
        1.5e-7: "1.5e-7",
        0.000001: "0.000001",
        1e16: "10000000000000000",
        1e21: "1e+21",
        1.5e22: "1.5e+22",
        10.0: "10",
        -0.0: "0",
        0.1 + 0.2: "0.30000000000000004",
    }
    for value, text in expected.items():
        assert passkey_confirmation.js_number(value) == text, value


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not installed")
def test_the_phone_and_the_server_write_the_same_text() -> None:
    """Runs pwa/js/webauthn.js's checkInCanonical and String(number) in Node on the same taps."""
    taps = [
        {
            "clientId": str(uuid.UUID(int=i)),
            "kind": "in" if i % 2 else "out",
            "fix": {
                "lat": [2.9266, -0.00001, 1e-7, 89.123456789][i % 4],
                "lon": [101.69675, -179.5, 0.0, 3.0000000000000004][i % 4],
                "accuracy": [10.0, 12.3, 0.0, 99999.9][i % 4],
                **({"fixAt": "2026-11-22T00:00:00.999Z"} if i % 3 else {}),
            },
        }
        for i in range(12)
    ]
    script = (
        "const m = await import(process.argv[1]);"
        "const input = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify({taps: input.taps.map(m.checkInCanonical),"
        " numbers: input.numbers.map(String)}));"
    )
    module = (ROOT / "pwa" / "js" / "webauthn.js").as_uri()
    payload = json.dumps({"taps": taps, "numbers": NUMBERS})
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, module, payload],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    js = json.loads(done.stdout)
    for tap, text in zip(taps, js["taps"], strict=True):
        fix = _request(tap).fix
        assert passkey_confirmation.canonical_tap(tap["clientId"], tap["kind"], fix) == text
    # -0.0 goes through JSON as 0 (String(-0) is "0" too).
    for value, text in zip(NUMBERS, js["numbers"], strict=True):
        assert passkey_confirmation.js_number(value) == text, value
