"""Changes to the calendar that reach back into closed days: an agency's holiday override, an
office's clock-broken day. Each is made by `calendar_admin` and then the issues of the officers
it affects on that day are recomputed (`issues.recompute_issues`), so an absence on a day that
became a holiday closes with its reason instead of turning red and escalating. (The punch and
leave imports recompute the days they touched themselves, in `imports`.)
"""

from __future__ import annotations

from datetime import date

from api.accounts.authz import Principal
from api.attendance import calendar_admin, issues
from api.org.tables import OfficeAssignment, User


async def _agency_officers(agency_id: int) -> list[int]:
    rows = await User.select(User.id).where((User.agency == agency_id) & (User.state == "active"))
    return [r["id"] for r in rows]


async def _office_officers(office_id: int) -> list[int]:
    rows = await OfficeAssignment.select(OfficeAssignment.user).where(
        OfficeAssignment.office == office_id
    )
    return [r["user"] for r in rows]


async def set_override(
    principal: Principal, day: date, data: calendar_admin.OverrideIn, ip: str = ""
) -> calendar_admin.OverrideOut:
    out = await calendar_admin.set_override(principal, day, data, ip)
    await issues.recompute_issues(
        await _agency_officers(principal.agency_id), day, day, "calendar_changed"
    )
    return out


async def delete_override(principal: Principal, day: date, ip: str = "") -> None:
    await calendar_admin.delete_override(principal, day, ip)
    await issues.recompute_issues(
        await _agency_officers(principal.agency_id), day, day, "calendar_changed"
    )


async def set_clock_broken(
    principal: Principal,
    office_id: int,
    day: date,
    data: calendar_admin.ClockBrokenIn,
    ip: str = "",
) -> calendar_admin.ClockBrokenOut:
    out = await calendar_admin.set_clock_broken(principal, office_id, day, data, ip)
    await issues.recompute_issues(
        await _office_officers(office_id), day, day, "clock_broken_changed"
    )
    return out


async def delete_clock_broken(
    principal: Principal, office_id: int, day: date, ip: str = ""
) -> None:
    await calendar_admin.delete_clock_broken(principal, office_id, day, ip)
    await issues.recompute_issues(
        await _office_officers(office_id), day, day, "clock_broken_changed"
    )
