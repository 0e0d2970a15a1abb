"""HTTP for one committee's usage figures per person: a thin handler over
`api.minutes.usage`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.accounts.authz import Access, Principal
from api.attendance.rules import MALAYSIA_TZ
from api.core.params import PathId
from api.minutes import usage

SIGNED_IN = {"access": Access.SIGNED_IN}


class CommitteeUsageController(Controller):
    path = "/api/committees/{committee_id:int}/usage"
    tags = ["meetings"]

    @get("", opt=SIGNED_IN)
    async def usage(
        self,
        principal: NamedDependency[Principal],
        committee_id: PathId,
        start: Annotated[date | None, QueryParameter(name="from")] = None,
        end: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> usage.CommitteeUsage:
        """Per person: RSVP timeliness, papers and minutes opened, feedback on time (default:
        the last 365 days)."""
        today = datetime.now(MALAYSIA_TZ).date()
        end = end or today
        start = start or end - timedelta(days=364)
        return await usage.committee_usage(principal, committee_id, start, end)
