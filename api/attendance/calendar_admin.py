"""An agency's calendar corrections and offices' "clock broken" days, and the rules-engine inputs
read from them (holidays with overrides, leave, clock-broken dates).

The rules themselves stay in `api.attendance.rules` / `api.attendance.calendar`; this module
only stores the agency's data and turns it into the values those rules take:

- a `holiday` override is an extra closure (`WorkingCalendar.extra_closures`, e.g. a cuti
  peristiwa); a `working` override is an agency working day (`WorkingCalendar.working_days`):
  it removes a package holiday on that date and wins over the state's weekend, so a
  replacement working Saturday declared by the agency is a working day. A `working` override
  on a public holiday that falls on a weekend day makes it a working day too (the agency
  said it works that date; nothing else is consistent). One override per agency and day.
- every use of the calendar (monthly report and team view through `reports.evaluate_days`, the
  daily issue job, the *today* card, escalation's working-day counting, the dashboard's working
  days, the punch import) reads it through `working_calendar`, so an override applies to all
  of them at once.
- a clock-broken date of an office applies to every officer assigned to that office
  (`evaluate_officer_days(clock_broken_dates=...)`): timing is not judged that day.
- imported leave rows become `rules.LeaveRecord`s on the officer's schedule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from types import MappingProxyType
from typing import Annotated, Literal

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.attendance import rules
from api.attendance.calendar import WorkingCalendar
from api.attendance.tables import CalendarOverride, ClockBrokenDate, LeaveRecord
from api.core.errors import NotFound
from api.db import write_transaction
from api.org.tables import Agency, Office, OfficeAssignment

# --- rules-engine inputs -------------------------------------------------------------------


async def working_calendar(agency_id: int) -> WorkingCalendar:
    """The agency's calendar: its state's weekends and holidays plus its overrides."""
    agency = await Agency.select(Agency.state).where(Agency.id == agency_id).first()
    overrides = await CalendarOverride.select(
        CalendarOverride.day, CalendarOverride.kind, CalendarOverride.name
    ).where(CalendarOverride.agency == agency_id)
    return calendar_from(agency["state"] if agency else "PJY", overrides)


def calendar_from(state: str, overrides: Iterable[dict[str, object]]) -> WorkingCalendar:
    closures: dict[date, str] = {}
    working: set[date] = set()
    for row in overrides:
        day = row["day"]
        assert isinstance(day, date)
        if row["kind"] == "holiday":
            closures[day] = str(row["name"] or "Cuti")
        else:
            working.add(day)
    return WorkingCalendar(
        state, extra_closures=MappingProxyType(closures), working_days=frozenset(working)
    )


async def leave_of(user_id: int) -> tuple[rules.LeaveRecord, ...]:
    rows = await LeaveRecord.select(LeaveRecord.start, LeaveRecord.end, LeaveRecord.kind).where(
        LeaveRecord.user == user_id
    )
    return tuple(rules.LeaveRecord(r["start"], r["end"], r["kind"]) for r in rows)


async def clock_broken_for(user_id: int, first: date, last: date) -> frozenset[date]:
    """Days from `first` to `last` on which an office the officer is assigned to had no clock."""
    offices = [
        r["office"]
        for r in await OfficeAssignment.select(OfficeAssignment.office).where(
            OfficeAssignment.user == user_id
        )
    ]
    if not offices:
        return frozenset()
    rows = await ClockBrokenDate.select(ClockBrokenDate.day).where(
        ClockBrokenDate.office.is_in(offices)
        & (ClockBrokenDate.day >= first)
        & (ClockBrokenDate.day <= last)
    )
    return frozenset(r["day"] for r in rows)


# --- administration ------------------------------------------------------------------------


class OverrideIn(msgspec.Struct, rename="camel"):
    kind: Literal["holiday", "working"]
    name: Annotated[str, msgspec.Meta(max_length=255)] = ""


class OverrideOut(msgspec.Struct, rename="camel"):
    day: date
    kind: str
    name: str


class ClockBrokenIn(msgspec.Struct, rename="camel"):
    note: Annotated[str, msgspec.Meta(max_length=255)] = ""


class ClockBrokenOut(msgspec.Struct, rename="camel"):
    office_id: int
    office_name: str
    day: date
    note: str


class CalendarOut(msgspec.Struct, rename="camel"):
    """The agency's overrides and clock-broken days in a year, and its public holidays as the
    rules engine sees them (package + overrides), so the screen can show the effect."""

    year: int
    state: str
    overrides: list[OverrideOut]
    clock_broken: list[ClockBrokenOut]
    holidays: dict[str, str]  # ISO day → name, after overrides
    offices: dict[int, str]
    # State weekend days the agency works (its `working` overrides on a weekend), ISO days.
    working_weekend_days: list[date] = msgspec.field(default_factory=list)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


async def calendar_for_year(principal: Principal, year: int) -> CalendarOut:
    first, last = _year_bounds(year)
    agency = await Agency.select(Agency.state).where(Agency.id == principal.agency_id).first()
    state = agency["state"] if agency else "PJY"
    overrides = (
        await CalendarOverride.select(
            CalendarOverride.day, CalendarOverride.kind, CalendarOverride.name
        )
        .where(
            (CalendarOverride.agency == principal.agency_id)
            & (CalendarOverride.day >= first)
            & (CalendarOverride.day <= last)
        )
        .order_by(CalendarOverride.day)
    )
    offices = {
        r["id"]: r["name"]
        for r in await Office.select(Office.id, Office.name)
        .where(Office.agency == principal.agency_id)
        .order_by(Office.name)
    }
    broken = (
        await ClockBrokenDate.select(
            ClockBrokenDate.office, ClockBrokenDate.day, ClockBrokenDate.note
        )
        .where(
            ClockBrokenDate.office.is_in(list(offices) or [0])
            & (ClockBrokenDate.day >= first)
            & (ClockBrokenDate.day <= last)
        )
        .order_by(ClockBrokenDate.day)
    )
    calendar = calendar_from(state, overrides)
    holidays = {}
    day = first
    while day <= last:
        name = calendar.holiday_name(day)
        if name is not None:
            holidays[day.isoformat()] = name
        day += timedelta(days=1)
    working_weekend = [
        r["day"] for r in overrides if calendar.is_declared_working_weekend(r["day"])
    ]
    return CalendarOut(
        year=year,
        state=state,
        overrides=[OverrideOut(day=r["day"], kind=r["kind"], name=r["name"]) for r in overrides],
        clock_broken=[
            ClockBrokenOut(
                office_id=r["office"],
                office_name=offices.get(r["office"], ""),
                day=r["day"],
                note=r["note"],
            )
            for r in broken
        ],
        holidays=holidays,
        offices=offices,
        working_weekend_days=working_weekend,
    )


async def set_override(
    principal: Principal, day: date, data: OverrideIn, ip: str = ""
) -> OverrideOut:
    """Creates or replaces the agency's override on `day` (idempotent)."""
    name = data.name.strip()
    async with write_transaction():
        existing = (
            await CalendarOverride.select(CalendarOverride.id)
            .where((CalendarOverride.agency == principal.agency_id) & (CalendarOverride.day == day))
            .first()
        )
        if existing:
            await CalendarOverride.update(
                {
                    CalendarOverride.kind: data.kind,
                    CalendarOverride.name: name,
                    CalendarOverride.updated_by: principal.user_id,
                }
            ).where(CalendarOverride.id == existing["id"])
        else:
            await CalendarOverride.insert(
                CalendarOverride(
                    agency=principal.agency_id,
                    day=day,
                    kind=data.kind,
                    name=name,
                    updated_by=principal.user_id,
                )
            )
        await audit.record(
            "attendance.calendar_override.set",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="calendar_override",
            target_id=day.isoformat(),
            ip=ip,
            detail={"kind": data.kind, "name": name},
        )
    return OverrideOut(day=day, kind=data.kind, name=name)


async def delete_override(principal: Principal, day: date, ip: str = "") -> None:
    async with write_transaction():
        found = await CalendarOverride.exists().where(
            (CalendarOverride.agency == principal.agency_id) & (CalendarOverride.day == day)
        )
        if not found:
            raise NotFound()
        await CalendarOverride.delete().where(
            (CalendarOverride.agency == principal.agency_id) & (CalendarOverride.day == day)
        )
        await audit.record(
            "attendance.calendar_override.delete",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="calendar_override",
            target_id=day.isoformat(),
            ip=ip,
        )


async def _office_in_scope(principal: Principal, office_id: int) -> dict[str, object]:
    office = (
        await Office.select(Office.id, Office.name, Office.agency)
        .where(Office.id == office_id)
        .first()
    )
    if office is None or not principal.can_administer(office["agency"]):
        raise NotFound()
    if office["agency"] != principal.agency_id:
        # A super administrator edits the calendar of the agency they act in.
        raise NotFound()
    return office


async def set_clock_broken(
    principal: Principal, office_id: int, day: date, data: ClockBrokenIn, ip: str = ""
) -> ClockBrokenOut:
    office = await _office_in_scope(principal, office_id)
    note = data.note.strip()
    async with write_transaction():
        existing = (
            await ClockBrokenDate.select(ClockBrokenDate.id)
            .where((ClockBrokenDate.office == office_id) & (ClockBrokenDate.day == day))
            .first()
        )
        if existing:
            await ClockBrokenDate.update(
                {ClockBrokenDate.note: note, ClockBrokenDate.updated_by: principal.user_id}
            ).where(ClockBrokenDate.id == existing["id"])
        else:
            await ClockBrokenDate.insert(
                ClockBrokenDate(office=office_id, day=day, note=note, updated_by=principal.user_id)
            )
        await audit.record(
            "attendance.clock_broken.set",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="office",
            target_id=office_id,
            ip=ip,
            detail={"day": day.isoformat()},
        )
    return ClockBrokenOut(office_id=office_id, office_name=str(office["name"]), day=day, note=note)


async def delete_clock_broken(
    principal: Principal, office_id: int, day: date, ip: str = ""
) -> None:
    await _office_in_scope(principal, office_id)
    async with write_transaction():
        where = (ClockBrokenDate.office == office_id) & (ClockBrokenDate.day == day)
        if not await ClockBrokenDate.exists().where(where):
            raise NotFound()
        await ClockBrokenDate.delete().where(where)
        await audit.record(
            "attendance.clock_broken.delete",
            actor_id=principal.user_id,
            agency_id=principal.agency_id,
            target_type="office",
            target_id=office_id,
            ip=ip,
            detail={"day": day.isoformat()},
        )
