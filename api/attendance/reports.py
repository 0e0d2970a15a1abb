"""Monthly attendance (an officer's own, a supervisor's team) and its CSV/XLSX downloads."""

from __future__ import annotations

import calendar as month_calendar
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from api.accounts.authz import Principal
from api.attendance import calendar_admin, policy, rules
from api.attendance.patterns import PatternAssignment as AssignmentRule
from api.attendance.patterns import assigned_pattern_code
from api.attendance.schemas import WallClock, wall_clock
from api.attendance.services import POLICY, rules_verdict
from api.attendance.tables import CheckIn, PatternAssignment
from api.core.errors import Invalid
from api.core.exports import csv_writer
from api.core.i18n import pwa_catalogue
from api.core.spreadsheet import Sheet, workbook_bytes
from api.org.tables import Agency, User


class DayOut(msgspec.Struct, rename="camel"):
    day: date
    status: str
    flags: list[str]
    first_in: datetime | None
    last_out: datetime | None
    minutes_late: int
    minutes_early: int
    holiday_name: str | None
    # The working pattern's times (local wall clock), as on the today card; None on rest days.
    pattern_code: str | None = None
    expected_start: WallClock | None = None
    expected_end: WallClock | None = None


class MonthOut(msgspec.Struct, rename="camel"):
    user_id: int
    name: str
    month: str  # YYYY-MM
    days: list[DayOut]
    totals: dict[str, int]
    # The working patterns (WP1…WP6, WBF…) the officer works in the month, in order of first
    # use: the assignment in force each day (or the agency default), Ramadan substitutes applied.
    patterns: list[str] = []


def parse_month(text: str) -> tuple[date, date]:
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise Invalid("month_invalid") from None
    if not 2000 <= year <= 2100:
        raise Invalid("month_invalid")
    last = date(year, month, month_calendar.monthrange(year, month)[1])
    return first, last


async def assignments_of(user_id: int) -> tuple[AssignmentRule, ...]:
    return tuple(
        AssignmentRule(effective_from=a["effective_from"], pattern_code=a["pattern_code"])
        for a in await PatternAssignment.select().where(PatternAssignment.user == user_id)
    )


def month_patterns(assignments: tuple[AssignmentRule, ...], first: date, last: date) -> list[str]:
    """The distinct pattern codes in force from `first` to `last`, in order of first use."""
    codes: list[str] = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        code = assigned_pattern_code(assignments, day) or POLICY.default_pattern_code
        if code is None:
            continue
        code = POLICY.ramadan.pattern_code_for(code, day)
        if code not in codes:
            codes.append(code)
    return codes


async def evaluate_days(
    user_id: int, agency_id: int, first: date, last: date, now: datetime
) -> list[rules.DayResult]:
    """The rules engine's verdict for each day from `first` to `last` that has begun."""
    tz = POLICY.timezone
    start = datetime.combine(first, datetime.min.time(), tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
    rows = await CheckIn.select(
        CheckIn.occurred_at, CheckIn.kind, CheckIn.status, CheckIn.approval
    ).where(
        (CheckIn.user == user_id) & (CheckIn.occurred_at >= start) & (CheckIn.occurred_at < end)
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    today = rules.local_day(now, tz)
    # The officer's patterns, leave and early leave, their office's calendar with the agency's
    # overrides, the agency's policy (api.attendance.policy), offices' clock-broken days.
    return rules.evaluate_officer_days(
        [d for d in days if d <= today],
        [rules.Punch(r["occurred_at"], rules.PunchKind(r["kind"]), rules_verdict(r)) for r in rows],
        officer=await policy.officer_schedule(user_id),
        calendar=await policy.officer_calendar(user_id, agency_id),
        policy=await policy.agency_policy(agency_id),
        now=now,
        clock_broken_dates=await calendar_admin.clock_broken_for(user_id, first, last),
    )


def day_out(r: rules.DayResult) -> DayOut:
    return DayOut(
        day=r.day,
        status=str(r.status),
        flags=sorted(str(f) for f in r.flags),
        first_in=r.first_in,
        last_out=r.last_out,
        minutes_late=r.minutes_late,
        minutes_early=r.minutes_early,
        holiday_name=r.holiday_name,
        pattern_code=r.pattern_code,
        expected_start=wall_clock(r.expected_start),
        expected_end=wall_clock(r.expected_end),
    )


async def month_for(
    user_id: int, agency_id: int, month: str, now: datetime | None = None
) -> MonthOut:
    first, last = parse_month(month)
    user = await User.select(User.name).where(User.id == user_id).first()
    results = await evaluate_days(user_id, agency_id, first, last, now or datetime.now(UTC))
    out = [day_out(r) for r in results]
    return MonthOut(
        user_id=user_id,
        name=user["name"] if user else "",
        month=month,
        days=out,
        totals=dict(Counter(d.status for d in out)),
        patterns=month_patterns(await assignments_of(user_id), first, last),
    )


async def team_members(principal: Principal) -> list[dict[str, Any]]:
    return [
        r
        for r in await User.select(User.id, User.name, User.login_id)
        .where((User.supervisor == principal.user_id) & (User.state == "active"))
        .order_by(User.name)
        if r["id"] != principal.user_id
    ]


async def team_month(principal: Principal, month: str) -> list[MonthOut]:
    return [
        await month_for(member["id"], principal.agency_id, month)
        for member in await team_members(principal)
    ]


COLUMNS = ("date", "status", "first_in", "last_out", "minutes_late", "minutes_early", "holiday")


def _row(day: DayOut, tz: Any) -> list[Any]:
    def local(at: datetime | None) -> str:
        return at.astimezone(tz).strftime("%H:%M") if at else ""

    return [
        day.day.isoformat(),
        day.status,
        local(day.first_in),
        local(day.last_out),
        day.minutes_late,
        day.minutes_early,
        day.holiday_name or "",
    ]


def month_csv(month: MonthOut) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(COLUMNS)
    for day in month.days:
        writer.writerow(_row(day, POLICY.timezone))
    return buffer.getvalue()


MONTH_HEADINGS = {
    "ms": (
        "Tarikh",
        "Status",
        "Masuk pertama",
        "Keluar terakhir",
        "Minit lewat",
        "Minit awal",
        "Cuti",
    ),
    "en": ("Date", "Status", "First in", "Last out", "Minutes late", "Minutes early", "Holiday"),
}
MONTH_TITLE = {"ms": "Kehadiran bulanan", "en": "Monthly attendance"}


def _status_words(status: str, language: str) -> str:
    """The day status as the screens say it (the PWA catalogue's `attStatus.*`)."""
    head, *rest = status.split("_")
    key = "attStatus." + head + "".join(part.capitalize() for part in rest)
    return pwa_catalogue(language).get(key, status)


def month_xlsx(month: MonthOut, language: str = "ms", agency_name: str = "") -> bytes:
    """One sheet: the classification, the officer and agency, the month on top; headings in the
    user's language; dates and times as real cells (Malaysian wall clock)."""
    from api.attendance.exec_reports import CLASSIFICATION  # the same line on every report

    lang = language if language in MONTH_HEADINGS else "ms"
    tz = POLICY.timezone
    scope = " — ".join(p for p in (month.name, agency_name) if p)
    sheet = Sheet(
        month.month,
        [CLASSIFICATION[lang], f"{MONTH_TITLE[lang]} — {scope}", month.month],
        MONTH_HEADINGS[lang],
        [12, 30, 14, 14, 12, 12, 30],
    )
    sheet.number_formats = {1: "yyyy-mm-dd", 3: "hh:mm", 4: "hh:mm"}

    def local(at: datetime | None) -> Any:
        return at.astimezone(tz).time().replace(second=0, microsecond=0) if at else None

    for day in month.days:
        sheet.append(
            [
                day.day,
                _status_words(day.status, lang),
                local(day.first_in),
                local(day.last_out),
                day.minutes_late,
                day.minutes_early,
                day.holiday_name or "",
            ]
        )
    return workbook_bytes([sheet])


async def agency_name_of(agency_id: int) -> str:
    agency = await Agency.select(Agency.name).where(Agency.id == agency_id).first()
    return agency["name"] if agency else ""


class TeamMemberToday(msgspec.Struct, rename="camel"):
    user_id: int
    name: str
    login_id: str
    status: str
    first_in: datetime | None
    last_out: datetime | None
    where: str  # in_office / outside / checked_out / not_checked_in
    # The office of the latest record when it was inside one (None outside or not yet in).
    office: str | None = None


async def team_today(principal: Principal, now: datetime | None = None) -> list[TeamMemberToday]:
    """Who is in, outside, gone home or not checked in yet, among the supervisor's direct
    reports; `where` follows the latest record of today (a check-out: checked_out)."""
    now = now or datetime.now(UTC)
    today = rules.local_day(now, POLICY.timezone)
    start = datetime.combine(today, datetime.min.time(), POLICY.timezone)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), POLICY.timezone)
    members = await team_members(principal)
    found = []
    for member in members:
        [day] = await evaluate_days(member["id"], principal.agency_id, today, today, now)
        last = (
            await CheckIn.select(CheckIn.status, CheckIn.kind, CheckIn.office.name)
            .where(
                (CheckIn.user == member["id"])
                & (CheckIn.occurred_at >= start)
                & (CheckIn.occurred_at < end)
            )
            .order_by(CheckIn.occurred_at, ascending=False)
            .order_by(CheckIn.id, ascending=False)
            .first()
        )
        if last is None:
            where = "not_checked_in"
        elif last["kind"] == "out":
            where = "checked_out"
        else:
            where = "in_office" if last["status"] == "inside" else "outside"
        found.append(
            TeamMemberToday(
                user_id=member["id"],
                name=member["name"],
                login_id=member["login_id"],
                status=str(day.status),
                first_in=day.first_in,
                last_out=day.last_out,
                where=where,
                office=(last["office.name"] if last and last["status"] == "inside" else None),
            )
        )
    return found
