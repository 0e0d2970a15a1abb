"""Attendance storage: check-ins (phone and device punches) and working-pattern assignments."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
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

from api.org.tables import Agency, Office, User


class CheckIn(Table, tablename="check_in"):
    """One check-in or check-out as the server judged it.

    `occurred_at` is server time when the phone was online; for a check-in queued offline it is
    the time of the fix (the server judged it on arrival, `received_at`, and `late_sync` says
    when that was long after). Raw coordinates are erased after the retention period; the
    verdict, office and distance stay.
    """

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    # The phone's id for the tap (UUID): the same id again returns the original record.
    client_id = Varchar(length=64)
    kind = Varchar(length=3)  # in / out
    occurred_at = Timestamptz(index=True)
    received_at = Timestamptz(default=TimestamptzNow())
    client_at = Timestamptz(null=True, default=None)
    fix_at = Timestamptz(null=True, default=None)
    lat = DoublePrecision(null=True, default=None)
    lon = DoublePrecision(null=True, default=None)
    accuracy_m = DoublePrecision(null=True, default=None)
    status = Varchar(length=10)  # inside / outside / uncertain (the geofence verdict)
    office = ForeignKey(Office, on_delete=OnDelete.set_null, null=True, default=None)
    distance_m = DoublePrecision(null=True, default=None)
    status_reason = Text(default="")
    mode = Varchar(length=20, null=True, default=None)  # official_duty / work_from_home / other
    note = Text(default="")  # the officer's reason
    approval = Varchar(length=12, index=True)  # not_needed / pending / approved / rejected
    decided_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    findings = JSON(default=[])
    passkey_confirmed = Boolean(default=False)
    offline = Boolean(default=False)
    late_sync = Boolean(default=False)
    source = Varchar(length=10, default="phone")  # phone / device
    movement_slip = Integer(null=True, default=None)  # the slip that approved it, if any
    # The audit event ("check_ins_sealed") whose digest covers this row (api/attendance/sealing.py).
    sealed_seq = Integer(null=True, default=None, index=True)
    # HMAC of the sealed fields, made at insert: covers the row before its seal (sealing.py).
    row_mac = Varchar(length=64, default="")
    # unique index check_in_once on (user, client_id): see migrations


class PatternAssignment(Table, tablename="pattern_assignment"):
    """An officer works `pattern_code` (WP1…WP3, WBF) from `effective_from` until the next one."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    pattern_code = Varchar(length=16)
    effective_from = Date()


class MovementSlip(Table, tablename="movement_slip"):
    """A movement slip (pergerakan): the officer will be at `destination` between `starts_at`
    and `ends_at`. Approved in advance by the supervisor, it makes a check-in inside the
    destination during the window count as approved."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    destination = ForeignKey(Office, on_delete=OnDelete.restrict, null=False)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    purpose = Text()
    status = Varchar(
        length=12, default="pending", index=True
    )  # pending/approved/rejected/cancelled
    decided_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class TaskNote(Table, tablename="task_note"):
    """An officer's daily task note (catatan tugasan); one per officer per day."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    day = Date()
    text = Text()
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index task_note_once on (user, day): see migrations


class AttendanceIssue(Table, tablename="attendance_issue"):
    """A late-in, early-out, missing check-out/in, absence or external day, opened when the day
    closes; the officer justifies it and the supervisor decides."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    day = Date(index=True)
    kind = Varchar(length=20)
    # open / justified / approved / rejected / closed (no longer holds: `closed_reason`)
    status = Varchar(length=12, default="open", index=True)
    justification = Text(default="")
    justified_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    opened_at = Timestamptz(default=TimestamptzNow())
    # Why a recompute closed it (leave or punches imported later, a holiday added), in words.
    closed_reason = Text(default="")
    # unique index attendance_issue_once on (user, day, kind): see migrations


class LeaveRecord(Table, tablename="leave_record"):
    """A full-day leave from `start` to `end` inclusive, imported from the HR system (CSV).

    Feeds `rules.LeaveRecord`; the same row imported again changes nothing."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    start = Date(index=True)
    end = Date()
    kind = Varchar(length=64, default="")
    imported_at = Timestamptz(default=TimestamptzNow())
    # unique index leave_record_once on (user, start, end, kind): see migrations


class CalendarOverride(Table, tablename="calendar_override"):
    """An agency's correction of the public-holiday calendar on one day: `holiday` (an extra
    closure such as a cuti peristiwa, with its name) or `working` (a package holiday the
    agency works on)."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    day = Date()
    kind = Varchar(length=10)  # holiday / working
    name = Varchar(length=255, default="")
    updated_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index calendar_override_once on (agency, day): see migrations


class ClockBrokenDate(Table, tablename="clock_broken_date"):
    """A day on which an office could not record check-ins: timing is not judged that day
    for officers assigned to the office."""

    id = Serial(primary_key=True)
    office = ForeignKey(Office, on_delete=OnDelete.cascade, null=False)
    day = Date()
    note = Varchar(length=255, default="")
    updated_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index clock_broken_once on (office, day): see migrations


class PunchDevice(Table, tablename="punch_device"):
    """A biometric device of an agency and the office it stands in: its imported punches are
    recorded at that office."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    code = Varchar(length=32)
    office = ForeignKey(Office, on_delete=OnDelete.set_null, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index punch_device_once on (agency, code): see migrations


class AttendanceSetting(Table, tablename="attendance_setting"):
    """An agency's attendance settings, changed by its administrator (one row per agency; an
    agency without a row has the defaults)."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False, unique=True)
    # Check-ins must be confirmed with the officer's passkey (user verification); a check-in
    # without a valid confirmation is recorded as pending for the supervisor (flag, never block).
    passkey_required = Boolean(default=False)
    # A tap that reaches the server later than this after the end of its own (agency-local)
    # day is pending for the supervisor whatever the verdict (api/attendance/services.py).
    late_sync_grace_minutes = Integer(default=120)
    # The agency's policy (api/attendance/agency_settings.py has each default and range).
    late_grace_minutes = Integer(default=0)
    yellow_after_days = Integer(default=3)
    red_after_days = Integer(default=5)
    coordinate_retention_days = Integer(default=90)
    accuracy_limit_m = Integer(default=100)
    updated_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class AgencyPattern(Table, tablename="agency_pattern"):
    """An agency's own staggered pattern (fixed start and end), next to the federal ones
    (`api.attendance.patterns.SEED_PATTERNS`); its Ramadan day ends at `ramadan_end`."""

    id = Serial(primary_key=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, null=False)
    code = Varchar(length=16)
    name = Varchar(length=255, default="")
    start = Varchar(length=5)  # HH:MM local
    end = Varchar(length=5)
    ramadan_end = Varchar(length=5)
    updated_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index agency_pattern_once on (agency, code): see migrations


class EarlyLeave(Table, tablename="early_leave"):
    """An officer's entitlement to leave `minutes` early from `start` to `end` (None: until
    further notice), e.g. Pekeliling Perkhidmatan Bil. 11/2017 for pregnant officers."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    start = Date()
    end = Date(null=True, default=None)
    minutes = Integer(default=60)
    basis = Varchar(length=64, default="PP 11/2017")
    recorded_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())


class IssueRecompute(Table, tablename="issue_recompute"):
    """Closed days whose rules inputs changed (a working pattern set for past dates): the
    `issue-recompute` job makes their attendance issues match again, in bounded batches."""

    id = Serial(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    first = Date()
    last = Date()
    reason = Varchar(length=32)
    created_at = Timestamptz(default=TimestamptzNow())
