"""Request and response shapes of the organisation API (camelCase on the wire)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from api.core.params import Id

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
StateCode = Literal[
    "JHR",
    "KDH",
    "KTN",
    "MLK",
    "NSN",
    "PHG",
    "PRK",
    "PLS",
    "PNG",
    "SBH",
    "SWK",
    "SGR",
    "TRG",
    "KUL",
    "LBN",
    "PJY",
]
LoginId = Annotated[str, msgspec.Meta(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
Email = Annotated[str, msgspec.Meta(max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, msgspec.Meta(max_length=32, pattern=r"^[0-9+ ()-]*$")]
AccountState = Literal["active", "frozen", "terminated"]
PatternCode = Annotated[str, msgspec.Meta(min_length=2, max_length=16, pattern=r"^[A-Za-z0-9_]+$")]


class AgencyIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    code: Code
    name: Name
    state: StateCode
    timezone: str = "Asia/Kuala_Lumpur"


class AgencyOut(msgspec.Struct, rename="camel"):
    id: int
    code: str
    name: str
    state: str
    timezone: str


class UnitIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name
    code: str = ""
    parent_id: Id | None = None


class UnitPatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | None = None
    code: str | None = None
    parent_id: Id | None = None
    move_to_root: bool = False


class UnitOut(msgspec.Struct, rename="camel"):
    id: int
    name: str
    code: str
    parent_id: int | None
    path: str
    depth: int


class OfficeIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    code: Code
    name: Name
    state: StateCode
    geometry: dict[str, Any]
    address: str = ""
    active: bool = True


class OfficePatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | None = None
    state: StateCode | None = None
    geometry: dict[str, Any] | None = None
    address: str | None = None
    active: bool | None = None


class OfficeWarningOut(msgspec.Struct, rename="camel"):
    """Something to check about an office outline (too_small, too_large, far_from_state)."""

    code: str
    message: str
    value: float
    limit: float


class TestPosition(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A position to try against an outline, as a phone would report it."""

    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    accuracy_m: Annotated[float, msgspec.Meta(ge=0, le=100_000)]


class OfficePreviewIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    state: StateCode
    geometry: dict[str, Any]
    test_position: TestPosition | None = None


class PositionVerdictOut(msgspec.Struct, rename="camel"):
    """How a check-in at the test position would be judged (geo, the check-in's own rule):
    inside / outside / uncertain, and the distance to the boundary (negative inside)."""

    status: str
    distance_m: float
    accuracy_m: float


class OfficePreviewOut(msgspec.Struct, rename="camel"):
    """An outline checked without saving it: its area and what to look at again."""

    area_m2: float
    warnings: list[OfficeWarningOut]
    test_verdict: PositionVerdictOut | None = None


class MapSettingsOut(msgspec.Struct, rename="camel"):
    """What the office map needs: the tile template (MAP_TILE_URL) and its attribution."""

    tile_url: str
    attribution: str


class OfficeOut(msgspec.Struct, rename="camel"):
    id: int
    code: str
    name: str
    address: str
    state: str
    geometry: dict[str, Any]
    active: bool
    warnings: list[OfficeWarningOut] = []


class UserIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    login_id: LoginId
    name: Name
    email: Email
    title: str = ""
    position: str = ""
    grade: str = ""
    unit_id: Id | None = None
    phone: Phone = ""
    supervisor_id: Id | None = None
    language: Literal["ms", "en"] = "ms"
    office_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] = []
    pattern_code: PatternCode | None = None


class UserPatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | None = None
    email: Email | None = None
    title: str | None = None
    position: str | None = None
    grade: str | None = None
    unit_id: Id | None = None
    phone: Phone | None = None
    supervisor_id: Id | None = None
    clear_supervisor: bool = False
    language: Literal["ms", "en"] | None = None
    office_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] | None = None
    pattern_code: PatternCode | None = None
    # From when a new working pattern applies (today when left out).
    pattern_from: date | None = None


class UserOut(msgspec.Struct, rename="camel"):
    id: int
    agency_id: int
    login_id: str
    name: str
    title: str
    position: str
    grade: str
    unit_id: int | None
    phone: str
    email: str
    supervisor_id: int | None
    state: str
    state_reason: str
    language: str
    last_active_at: datetime | None
    # Three failed sign-ins in a row (unlock by an administrator or a self-service reset).
    locked: bool = False
    # Filled by the one-person read (`GET /users/{id}`), empty in lists.
    office_ids: list[int] = []
    pattern_code: str | None = None


class UserPage(msgspec.Struct, rename="camel"):
    items: list[UserOut]
    total: int
    page: int
    page_size: int


class RoleGrantIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    role: Literal["super_admin", "agency_admin", "executive"]
    scope_type: Literal["platform", "agency", "unit"]
    scope_id: Id | None = None


class RoleGrantOut(msgspec.Struct, rename="camel"):
    id: int
    user_id: int
    role: str
    scope_type: str
    scope_id: int | None


class OfficeAssignmentIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    office_ids: Annotated[list[Id], msgspec.Meta(max_length=1000)]


class ImportRowError(msgspec.Struct, rename="camel"):
    row: int
    column: str
    reason: str


class ImportReport(msgspec.Struct, rename="camel"):
    ok: bool
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportRowError] = []


# --------------------------------------------------------------------------- people (issue 13)


class ImportRowErrorOut(msgspec.Struct, rename="camel"):
    row: int
    column: str
    code: str
    reason: str


class PeopleImportReport(msgspec.Struct, rename="camel"):
    ok: bool
    rows: int
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportRowErrorOut] = []
    # Ids of the people created: the PWA offers their password slips next.
    created_ids: list[int] = []


class PasswordSlipsIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    user_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=5000)]


class TransferIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    effective_from: date
    unit_id: Id | None = None
    supervisor_id: Id | None = None
    clear_supervisor: bool = False
    agency_id: Id | None = None


class PlacementOut(msgspec.Struct, rename="camel"):
    agency_id: int
    unit_id: int | None
    supervisor_id: int | None
    starts_on: date | None
    ends_on: date | None


class ActingIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    acting_id: Id
    starts_on: date
    ends_on: date
    # Left out: the signed-in supervisor names someone for themselves; an administrator may
    # name one for any supervisor of their agency.
    supervisor_id: Id | None = None
    reason: Annotated[str, msgspec.Meta(max_length=255)] = ""


class ActingOut(msgspec.Struct, rename="camel"):
    id: int
    supervisor_id: int
    supervisor_name: str
    acting_id: int
    acting_name: str
    starts_on: date
    ends_on: date
    reason: str
    cancelled: bool


class ColleagueOut(msgspec.Struct, rename="camel"):
    id: int
    name: str
    grade: str
    position: str


ProfileField = Literal["phone", "email", "title", "language"]


class ProfileOut(msgspec.Struct, rename="camel"):
    login_id: str
    name: str
    title: str
    position: str
    grade: str
    phone: str
    email: str
    language: str
    unit_name: str
    supervisor_name: str
    editable: list[str]


class ProfilePatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    phone: Phone | None = None
    email: Email | None = None
    title: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    language: Literal["ms", "en"] | None = None


class ProfilePolicyOut(msgspec.Struct, rename="camel"):
    editable: list[str]


class ProfilePolicyIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    editable: Annotated[list[ProfileField], msgspec.Meta(max_length=4)]
