"""The rules engine's inputs for one agency and one officer, read from what the agency stored:
its policy settings and own patterns (`AgencyPolicy`), the officer's pattern assignments, leave
and early-leave entitlements (`OfficerSchedule`) and the calendar of the officer's office.

**Which state's calendar.** An officer's weekends and public holidays are those of the state of
their *primary office*: the office they were assigned to first (earliest assignment, then the
lowest id), so a Kedah branch of a Putrajaya agency keeps Friday–Saturday weekends and Kedah's
holidays. An officer with several offices in different states follows the primary one (one
calendar per person: an officer is not judged by two weekends); an officer with no office
follows the agency's state. The agency's overrides (closures, working days) apply to all its
offices.

Every place that judges an officer's day reads these functions (the today card, the monthly
report and team view through `reports.evaluate_days`, the daily issue job and recomputes).
"""

from __future__ import annotations

from datetime import time

from api.attendance import agency_settings, calendar_admin, rules
from api.attendance.calendar import WorkingCalendar
from api.attendance.patterns import (
    DEFAULT_RAMADAN_SUBSTITUTES,
    RAMADAN_SUFFIX,
    SEED_PATTERNS,
    SEED_RAMADAN,
    PatternAssignment,
    RamadanRule,
    WorkingPattern,
    agency_staggered,
)
from api.attendance.tables import AgencyPattern, CalendarOverride, EarlyLeave
from api.attendance.tables import PatternAssignment as AssignmentRow
from api.org.tables import Agency, OfficeAssignment


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


async def agency_patterns(agency_id: int) -> dict[str, WorkingPattern]:
    """The federal patterns and the agency's own staggered ones with their Ramadan twins."""
    patterns = dict(SEED_PATTERNS)
    for row in await AgencyPattern.select().where(AgencyPattern.agency == agency_id):
        normal, ramadan = agency_staggered(
            row["code"],
            row["name"],
            parse_hhmm(row["start"]),
            parse_hhmm(row["end"]),
            parse_hhmm(row["ramadan_end"]),
        )
        patterns[normal.code] = normal
        patterns[ramadan.code] = ramadan
    return patterns


async def agency_policy(agency_id: int) -> rules.AgencyPolicy:
    """The agency's policy: its patterns (Ramadan substitutes for its own ones too), the late
    grace and the escalation days from its settings."""
    settings = await agency_settings.for_agency(agency_id)
    patterns = await agency_patterns(agency_id)
    substitutes = dict(DEFAULT_RAMADAN_SUBSTITUTES)
    for code, pattern in patterns.items():
        twin = code + RAMADAN_SUFFIX
        if not pattern.ramadan and code not in SEED_PATTERNS and twin in patterns:
            substitutes[code] = twin
    return rules.AgencyPolicy(
        patterns=patterns,
        ramadan=RamadanRule(periods=SEED_RAMADAN.periods, substitutes=substitutes),
        late_grace=settings.late_grace,
        escalation=thresholds_from(settings),
    )


def thresholds_from(settings: agency_settings.AgencySettings) -> rules.EscalationThresholds:
    return rules.EscalationThresholds(
        yellow_after=settings.yellow_after_days, red_after=settings.red_after_days
    )


async def escalation_thresholds(agency_id: int) -> rules.EscalationThresholds:
    return thresholds_from(await agency_settings.for_agency(agency_id))


async def assignments_of(user_id: int) -> tuple[PatternAssignment, ...]:
    return tuple(
        PatternAssignment(effective_from=r["effective_from"], pattern_code=r["pattern_code"])
        for r in await AssignmentRow.select(
            AssignmentRow.effective_from, AssignmentRow.pattern_code
        )
        .where(AssignmentRow.user == user_id)
        .order_by(AssignmentRow.id)
    )


async def early_leave_of(user_id: int) -> tuple[rules.EarlyLeaveEntitlement, ...]:
    rows = await EarlyLeave.select(EarlyLeave.start, EarlyLeave.end, EarlyLeave.minutes).where(
        EarlyLeave.user == user_id
    )
    return tuple(rules.EarlyLeaveEntitlement(r["start"], r["end"], r["minutes"]) for r in rows)


async def officer_schedule(user_id: int) -> rules.OfficerSchedule:
    return rules.OfficerSchedule(
        assignments=await assignments_of(user_id),
        leave=await calendar_admin.leave_of(user_id),
        early_leave=await early_leave_of(user_id),
    )


async def officer_state(user_id: int, agency_id: int) -> str:
    """The state of the officer's primary office, else the agency's (module docstring)."""
    primary = (
        await OfficeAssignment.select(OfficeAssignment.office.state)
        .where(OfficeAssignment.user == user_id)
        .order_by(OfficeAssignment.created_at)
        .order_by(OfficeAssignment.id)
        .first()
    )
    if primary is not None and primary["office.state"]:
        return str(primary["office.state"])
    agency = await Agency.select(Agency.state).where(Agency.id == agency_id).first()
    return str(agency["state"]) if agency else "PJY"


async def officer_calendar(user_id: int, agency_id: int) -> WorkingCalendar:
    """The calendar of the officer's primary office's state with the agency's overrides."""
    overrides = await CalendarOverride.select(
        CalendarOverride.day, CalendarOverride.kind, CalendarOverride.name
    ).where(CalendarOverride.agency == agency_id)
    return calendar_admin.calendar_from(await officer_state(user_id, agency_id), overrides)
