"""Organisation data: agencies, their unit trees, offices, people and their role grants."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Agency(Table, tablename="agency"):
    id = Serial(primary_key=True)
    code = Varchar(length=32, unique=True)
    name = Varchar(length=255)
    # Malaysian state or federal territory code (JHR, KDH, …, PJY): decides weekends and holidays.
    state = Varchar(length=3)
    timezone = Varchar(length=64, default="Asia/Kuala_Lumpur")
    created_at = Timestamptz(default=TimestamptzNow())
    # The profile fields officers may change themselves, comma-separated (api.org.profile).
    profile_fields = Varchar(length=128, default="phone,email,language")


class OrgUnit(Table, tablename="org_unit"):
    """A node of an agency's unit tree (ministry → division → section → unit, any depth).

    `path` is the materialised path of ids ("/1/4/9/"), so a subtree is one prefix match.
    """

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    parent: ForeignKey[OrgUnit] = ForeignKey(
        "self", on_delete=OnDelete.restrict, null=True, default=None
    )
    name = Varchar(length=255)
    code = Varchar(length=64, default="")
    path = Varchar(length=1024, default="", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index org_unit_name_per_parent on (agency, parent, name): see migrations


class Office(Table, tablename="office"):
    """A place where officers work, with its outline as a GeoJSON (Multi)Polygon geometry."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    code = Varchar(length=64)
    name = Varchar(length=255)
    address = Text(default="")
    state = Varchar(length=3)
    geometry = JSON()
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index office_code_per_agency on ["agency", "code"]: see migrations


class User(Table, tablename="app_user"):
    """One person's account in one agency. How they sign in lives in `api.accounts`."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.restrict, null=False)
    # IC number (12 digits, no dashes) or staff ID: the sign-in identifier.
    login_id = Varchar(length=32, unique=True)
    name = Varchar(length=255)
    title = Varchar(length=64, default="")
    position = Varchar(length=255, default="")
    grade = Varchar(length=32, default="")
    unit = ForeignKey(OrgUnit, on_delete=OnDelete.restrict, null=True, default=None)
    phone = Varchar(length=32, default="")
    email = Varchar(length=255, index=True)
    supervisor: ForeignKey[User] = ForeignKey(
        "self", on_delete=OnDelete.set_null, null=True, default=None
    )
    # active / frozen / terminated
    state = Varchar(length=16, default="active", index=True)
    state_reason = Varchar(length=255, default="")
    state_changed_at = Timestamptz(null=True, default=None)
    # The event behind a freeze or termination (transfer, retirement, …): the account must be
    # terminated within 30 days of it.
    event_date = Date(null=True, default=None)
    language = Varchar(length=2, default="ms")
    last_active_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class RoleGrant(Table, tablename="role_grant"):
    """A role with its scope. Supervisor and officer follow from the reporting line and are not
    granted; committee roles (chair, secretariat, member) are committee memberships."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    # super_admin (platform) / agency_admin (agency) / executive (agency or unit subtree)
    role = Varchar(length=32)
    scope_type = Varchar(length=16)
    scope_id = Integer(null=True, default=None)
    granted_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index role_grant_once on (user, role, scope_type, scope_id): see migrations


class OfficeAssignment(Table, tablename="office_assignment"):
    """An officer may work at several offices (campus blocks, branches)."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    office = ForeignKey(Office, on_delete=OnDelete.cascade, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index office_assignment_once on ["user", "office"]: see migrations


class Placement(Table, tablename="placement"):
    """Where a person stood from `starts_on` to `ends_on` (both inclusive; None: open): their
    agency, unit and supervisor. `User.agency`, `unit` and `supervisor` are the open row's
    values; closed rows keep who supervised whom when, so a supervisor decides only the days
    the person reported to them, and an agency keeps its history of people who moved on."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    unit = ForeignKey(OrgUnit, on_delete=OnDelete.set_null, null=True, default=None)
    supervisor = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ActingSupervisor(Table, tablename="acting_supervisor"):
    """`acting` decides in place of `supervisor` from `starts_on` to `ends_on` (inclusive)."""

    id = Serial(primary_key=True)
    supervisor = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    acting = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    starts_on = Date()
    ends_on = Date()
    reason = Varchar(length=255, default="")
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    cancelled_at = Timestamptz(null=True, default=None)
