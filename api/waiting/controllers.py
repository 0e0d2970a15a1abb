"""HTTP for what waits for the signed-in person (Home's card, the tabs, the app badge)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from api.accounts.authz import Access, Principal
from api.waiting import services
from api.waiting.schemas import WaitingOut


class WaitingController(Controller):
    path = "/api/waiting"
    tags = ["waiting"]

    @get("", opt={"access": Access.SIGNED_IN})
    async def waiting(self, principal: NamedDependency[Principal]) -> WaitingOut:
        """Counts per kind of what waits for the caller: decisions (supervisor), minutes to
        approve (chair) or review, invitations to answer, open actions, own check-ins without
        a reason and issues without a justification, unread notifications."""
        return await services.waiting(principal)
