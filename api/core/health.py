"""Liveness and readiness for the load balancer and the orchestrator.

Readiness asks the database for migrations not yet applied; the function that knows comes from
the operations area (`api.ops.migrations.pending_migrations`), handed in where the app is
assembled, so that core imports no area.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Controller, Response, get
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from api.core.access import Access

PendingMigrations = Callable[[], Awaitable[list[str]]]


def health_controller(pending_migrations: PendingMigrations) -> type[Controller]:
    """/healthz and /readyz, /readyz asking `pending_migrations`."""

    class HealthController(Controller):
        path = ""
        tags = ["operations"]
        include_in_schema = True

        @get("/healthz", opt={"access": Access.PUBLIC}, cache_control=None)
        async def healthz(self) -> dict[str, str]:
            """The process is up and serving."""
            return {"status": "ok"}

        @get("/readyz", opt={"access": Access.PUBLIC})
        async def readyz(self) -> Response[dict[str, object]]:
            """The database answers and every migration has been applied."""
            try:
                pending = await pending_migrations()
            except Exception as error:
                return Response(
                    {
                        "status": "unavailable",
                        "database": "unreachable",
                        "error": type(error).__name__,
                    },
                    status_code=HTTP_503_SERVICE_UNAVAILABLE,
                )
            if pending:
                return Response(
                    {"status": "unavailable", "database": "ok", "pendingMigrations": pending},
                    status_code=HTTP_503_SERVICE_UNAVAILABLE,
                )
            return Response({"status": "ok", "database": "ok", "pendingMigrations": []})

    return HealthController
