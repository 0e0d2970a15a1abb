"""Structured JSON logs with a request id, and the request middleware that sets it.

Every log line is one JSON object; lines written while serving a request carry its
`request_id` (taken from a well-formed `X-Request-ID` header from the load balancer, or made
here) and the same id is returned in the response header and in problem details.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_configured = False

access_log = structlog.get_logger("hadir.access")


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for Hadir's own loggers and for the libraries' stdlib loggers."""
    global _configured
    if _configured:
        return
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The server (granian) may configure the root logger after the app is built; Hadir's own
    # loggers keep their JSON handler whatever it does.
    hadir = logging.getLogger("hadir")
    hadir.handlers[:] = [handler]
    hadir.setLevel(level)
    hadir.propagate = False
    _configured = True


# Paths that carry a secret: the private calendar feed (/calendar/<token>.ics) is a bearer
# token, so it never goes into a log line.
_SECRET_PATH = re.compile(r"^(/calendar/)[^/]+")


def loggable_path(path: str) -> str:
    return _SECRET_PATH.sub(r"\1[redacted]", path)


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Gives each HTTP request an id, binds it to the logs, and writes one access line."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                method=scope.get("method"),
                path=loggable_path(str(scope.get("path", ""))),
                status=status_holder["status"],
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.clear_contextvars()

    return middleware
