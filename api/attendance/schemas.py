"""Request and response shapes of the attendance API (camelCase on the wire)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

import msgspec

from api.core.params import Id

Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Accuracy = Annotated[float, msgspec.Meta(ge=0, le=100_000)]
ClientId = Annotated[str, msgspec.Meta(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Mode = Literal["official_duty", "work_from_home", "other"]
Note = Annotated[str, msgspec.Meta(max_length=500)]


class Fix(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    lat: Latitude
    lon: Longitude
    accuracy: Accuracy
    # When the position was taken (the device's clock) and when the officer tapped.
    fix_at: datetime | None = None


class CheckInRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    client_id: ClientId
    kind: Literal["in", "out"]
    # None: the phone gave no position (location refused or off). Recorded all the same (flag,
    # never block) as uncertain and pending, with the mode and reason it then requires.
    fix: Fix | None = None
    client_at: datetime | None = None
    # True when the tap was queued on the device while offline and is being synced now.
    offline: bool = False
    mode: Mode | None = None
    note: Note = ""
    # PublicKeyCredential.toJSON() of navigator.credentials.get() with the challenge derived
    # from this tap (api/attendance/passkey_confirmation.py), when the officer confirmed it.
    passkey_assertion: dict[str, Any] | None = None
    # The user id of the person who tapped (a tap queued on the device carries it): a tap is
    # recorded only in its owner's session, never as whoever is signed in when it is sent.
    owner_id: Id | None = None


class ReasonRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    mode: Mode
    note: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class JudgeRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    fix: Fix


class Finding(msgspec.Struct, rename="camel"):
    code: str
    message: str


class VerdictOut(msgspec.Struct, rename="camel"):
    status: str  # inside / outside / uncertain
    office_id: int | None
    office_name: str | None
    distance_m: float | None
    accuracy_m: float
    reason: str


class OfficeSketch(msgspec.Struct, rename="camel"):
    """What a small drawing of the verdict needs: the office's outline (GeoJSON, simplified to
    about 2 m) and the tap with its accuracy radius. Only for the officer and their approver."""

    outline: dict[str, Any]
    lat: float
    lon: float
    accuracy_m: float


class CheckInOut(msgspec.Struct, rename="camel"):
    id: int
    client_id: str
    kind: str
    occurred_at: datetime
    received_at: datetime
    verdict: VerdictOut
    mode: str | None
    note: str
    approval: str  # not_needed / pending / approved / rejected
    needs_reason: bool
    decision_note: str
    findings: list[Finding]
    passkey_confirmed: bool
    offline: bool
    late_sync: bool
    replayed: bool = False
    sketch: OfficeSketch | None = None


# A local wall-clock time, "HH:MM:SS". Not `datetime.time`: Litestar describes that as
# `format: duration` in the OpenAPI schema, which "09:00:00" is not.
WallClock = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
        description="local wall-clock time, HH:MM:SS",
        examples=["09:00:00"],
    ),
]


def wall_clock(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


class TodayOut(msgspec.Struct, rename="camel"):
    day: date
    status: str
    flags: list[str]
    pattern_code: str | None
    expected_start: WallClock | None
    expected_end: WallClock | None
    first_in: datetime | None
    last_out: datetime | None
    minutes_late: int
    minutes_early: int
    holiday_name: str | None
    next_action: Literal["in", "out"]
    check_ins: list[CheckInOut]
    # The day's break (local wall clock; None on rest days): on a Friday the Friday prayer
    # break (12:15–14:45; 11:30–14:00 in Sabah and Labuan), by the office's state.
    break_start: WallClock | None = None
    break_end: WallClock | None = None
    friday_prayer: bool = False


class InboxItem(msgspec.Struct, rename="camel"):
    check_in: CheckInOut
    officer_id: int
    officer_name: str
    officer_login_id: str
    # Red, from one level down: the officer's own supervisor has not answered in time.
    escalated: bool = False


class DecisionRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=200)]
    decision: Literal["approved", "rejected"]
    note: Note = ""


class DecisionResult(msgspec.Struct, rename="camel"):
    decided: list[int]


def finding_out(raw: Any) -> Finding:
    return Finding(code=str(raw.get("code", "")), message=str(raw.get("message", "")))


class MovementSlipIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    destination_id: Id
    starts_at: datetime
    ends_at: datetime
    purpose: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class MovementSlipOut(msgspec.Struct, rename="camel"):
    id: int
    user_id: int
    destination_id: int
    destination_name: str
    starts_at: datetime
    ends_at: datetime
    purpose: str
    status: str
    decision_note: str


class SlipInboxItem(msgspec.Struct, rename="camel"):
    slip: MovementSlipOut
    officer_name: str
    officer_id: int = 0
    # none / yellow / red: working days since the slip was requested (`movements` docstring).
    escalation: str = "none"
    # Red, from one level down: the officer's own supervisor has not answered in time.
    escalated: bool = False
    # The window has ended without a decision: the slip no longer escalates.
    window_passed: bool = False


class OfficeChoice(msgspec.Struct, rename="camel"):
    id: int
    name: str


class JustificationRequest(msgspec.Struct, forbid_unknown_fields=True):
    justification: Annotated[str, msgspec.Meta(min_length=3, max_length=1000)]


class NoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
