"""HTTP for search: one route, the rules are in `api.search.services`."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from api.accounts.authz import Access, Principal
from api.search import services


class SearchController(Controller):
    path = "/api/search"
    tags = ["meetings"]

    @get("/", opt={"access": Access.SIGNED_IN})
    async def search(
        self,
        principal: NamedDependency[Principal],
        q: Annotated[str, Parameter(min_length=1, max_length=200)],
    ) -> services.SearchResult:
        """Meetings, agenda items, minutes and decisions matching `q` that the caller may read."""
        return await services.search(principal, q)
