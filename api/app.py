"""The one place where the Hadir application is assembled.

`create_app()` wires configuration, the database engine, stores (database or Redis), session
and CSRF middleware, the access guard, routes of every business area, error handlers, metrics,
OpenAPI at /schema and the PWA's static files. Business rules live in the areas' services.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.registry import StoreRegistry
from litestar.utils import normalize_path

from api import db
from api.accounts.admin_controllers import AccountAdminController
from api.accounts.authz import Access, access_guard, current_principal
from api.accounts.controllers import AuthController
from api.accounts.session_store import DatabaseStore, session_store
from api.accounts.sessions import NO_SESSION, session_config
from api.attendance.admin_controllers import AttendanceAdminController
from api.attendance.controllers import AttendanceController
from api.attendance.policy_controllers import AttendancePolicyController
from api.config import PROJECT_ROOT, ConfigError, Settings, get_settings
from api.core.errors import EXCEPTION_HANDLERS
from api.core.file_modes import harden_paths, restrict_process_umask
from api.core.health import health_controller
from api.core.observability import configure_logging, request_context_middleware
from api.core.proxies import (
    METRICS_ACCESS,
    MetricsAccess,
    behind_trusted_proxies,
    metrics_guard,
)
from api.core.pwa_assets import STATIC_PREFIX, pwa_build, pwa_router
from api.core.security import (
    BodyRule,
    request_body_middleware,
    security_headers_middleware,
)
from api.jobs import default_jobs
from api.meetings.attendance_controllers import MeetingDayController
from api.meetings.controllers import (
    CalendarFeedController,
    CalendarFileController,
    CommitteeController,
    MeetingController,
)
from api.minutes.controllers import ActionController, MinutesController
from api.minutes.document_controllers import MinutesDocumentController
from api.minutes.usage_controllers import CommitteeUsageController
from api.ops import scheduler
from api.ops.migrations import pending_migrations
from api.org.controllers import OrgController
from api.org.people_controllers import PeopleController
from api.outbox import dispatcher as outbox_dispatcher
from api.outbox.controllers import NotificationController, PushController
from api.papers.controllers import MeetingsImportController, PapersController
from api.search.controllers import SearchController
from api.waiting.controllers import WaitingController

SCHEMA_ASSETS = "/schema-assets"
CSRF_COOKIE = "__Host-hadir_csrf"
CSRF_HEADER = "x-csrf-token"


class MetricsController(PrometheusController):
    """Prometheus metrics (request counts and latency by route), for the monitoring network
    (METRICS_ALLOW) or a bearer of METRICS_TOKEN only; several worker processes report together
    through PROMETHEUS_MULTIPROC_DIR, which `python -m api serve` sets up."""

    opt = {"access": Access.PUBLIC, NO_SESSION: True}
    guards = [metrics_guard]


class HadirApp(Litestar):
    """Litestar with the request context (id, access log) around everything, 404s included:
    Litestar's own middleware list only wraps requests that matched a route."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state[METRICS_ACCESS] = MetricsAccess(settings.metrics_allow, settings.metrics_token)
        self._entry = behind_trusted_proxies(
            request_context_middleware(
                security_headers_middleware(
                    request_body_middleware(
                        functools.partial(Litestar.__call__, self), self._request_body_rule
                    ),
                    settings.map_tile_source,
                )
            ),
            settings.trusted_proxies,
        )

    def _request_body_rule(self, scope: Any) -> BodyRule:
        """The body limit of the route the request goes to (the app's for 404 and 405), and
        whether it takes a multipart upload. Routing results are cached by Litestar."""
        default = self.request_max_body_size
        assert isinstance(default, int)
        try:
            handler = self.asgi_router.handle_routing(
                path=normalize_path(scope["path"]), method=scope.get("method")
            )[1]
        except Exception:  # no route, or not this method: only the default applies
            return BodyRule(default)
        if not isinstance(handler, HTTPRouteHandler):  # static files
            return BodyRule(default)
        limit = handler.resolve_request_max_body_size()
        data = handler.parsed_fn_signature.parameters.get("data")
        media_type = getattr(getattr(data, "kwarg_definition", None), "media_type", None)
        return BodyRule(
            default if limit is None else limit,
            multipart_upload=media_type == RequestEncodingType.MULTI_PART,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self._entry(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def _stores(settings: Settings) -> StoreRegistry:
    rate_limit: Store
    if settings.redis_url:
        from litestar.stores.redis import RedisStore  # optional: only installed for scale-out

        rate_limit = RedisStore.with_client(url=settings.redis_url, namespace="hadir:rate-limit")
    else:
        # Rate-limit counters share the sessions table; their keys never look like session ids.
        rate_limit = DatabaseStore()
    return StoreRegistry(stores={"sessions": session_store(), "rate_limit": rate_limit})


def _csrf(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=True,
        cookie_httponly=False,  # the PWA reads it to send it back in the header
        cookie_samesite="strict",
        cookie_path="/",
        header_name=CSRF_HEADER,
        # Immutable, publicly cacheable files carry no cookie (index.html still sets it).
        exclude=[f"^{STATIC_PREFIX}/"],
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Hadir API",
        version="0.1.0",
        description="Attendance (SPOT-Me) and meetings (MyMesyuarat) for public offices.",
        # Swagger UI from the swagger-ui-bundle package, served from /schema-assets: no
        # third-party script on the app's origin (issue 18).
        render_plugins=[
            SwaggerRenderPlugin(
                path="/swagger",
                js_url=f"{SCHEMA_ASSETS}/swagger-ui-bundle.js",
                css_url=f"{SCHEMA_ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{SCHEMA_ASSETS}/swagger-ui-standalone-preset.js",
                favicon=f'<link rel="icon" href="{SCHEMA_ASSETS}/favicon-32x32.png">',
            )
        ],
        openapi_router=Router(path="/schema", route_handlers=[], opt={"access": Access.PUBLIC}),
    )


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Litestar:
    """The ASGI application. `manage_database=False` leaves the connection pool to the caller
    (the test suite shares one pool between many app clients)."""
    if settings is None:
        try:
            settings = get_settings()
        except ConfigError as error:
            print(f"hadir: configuration error: {error}", file=sys.stderr)
            raise SystemExit(2) from None
    configure_logging(settings.log_level)
    restrict_process_umask()
    harden_paths(settings)

    # piccolo_conf builds its engine from the environment: only once the settings are valid.
    from api import piccolo_conf

    engine = piccolo_conf.DB

    @asynccontextmanager
    async def database_lifespan(_: Litestar) -> AsyncIterator[None]:
        if manage_database:
            await db.start(engine)
        # Everything made so far (modules, the app, its routes and schemas) lives as long as
        # the process: moved out of the collector's sight, so that a full collection during
        # the rush walks only what requests made (docs/performance.md: p99 6x lower).
        gc.collect()
        gc.freeze()
        try:
            if settings.scheduler_enabled:
                async with (
                    scheduler.running(settings, default_jobs(settings)),
                    outbox_dispatcher.running(settings),
                ):
                    yield
            else:
                yield
        finally:
            if manage_database:
                await db.stop(engine)

    prometheus = PrometheusConfig(
        app_name="hadir", prefix="hadir", group_path=True, exclude=["/metrics"]
    )
    # The PWA's files: versioned, precompressed, cached for a year or revalidated
    # (api/core/pwa_assets.py).
    pwa = pwa_router(pwa_build(PROJECT_ROOT / "pwa"), {"access": Access.PUBLIC, NO_SESSION: True})
    schema_assets_router = create_static_files_router(
        path=SCHEMA_ASSETS,
        directories=[Path(swagger_ui_bundle.swagger_ui_path)],
        opt={"access": Access.PUBLIC, NO_SESSION: True},
        name="schema-assets",
        include_in_schema=False,
    )
    route_handlers: list[Any] = [
        health_controller(pending_migrations),
        MetricsController,
        AuthController,
        AccountAdminController,
        AttendanceController,
        AttendanceAdminController,
        AttendancePolicyController,
        OrgController,
        PeopleController,
        PushController,
        NotificationController,
        MeetingDayController,
        PapersController,
        MeetingsImportController,
        MinutesController,
        MinutesDocumentController,
        CommitteeUsageController,
        ActionController,
        CommitteeController,
        MeetingController,
        CalendarFeedController,
        CalendarFileController,
        SearchController,
        WaitingController,
        schema_assets_router,
        pwa,
    ]
    return HadirApp(
        route_handlers=route_handlers,
        guards=[access_guard],
        # Every handler that names a `principal` parameter gets the signed-in person.
        dependencies={"principal": Provide(current_principal, sync_to_thread=False)},
        middleware=[
            prometheus.middleware,
            session_config(settings).middleware,
        ],
        csrf_config=_csrf(settings),
        stores=_stores(settings),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=_openapi(),
        request_max_body_size=settings.request_max_bytes,
        lifespan=[database_lifespan],
        debug=False,
        settings=settings,
    )
