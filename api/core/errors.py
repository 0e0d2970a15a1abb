"""One error shape for every API error: RFC 9457 problem details with a stable machine code.

Services raise `AppError` subclasses with a code from `api.core.messages`; the handlers here
turn those, Litestar's own HTTP errors and validation errors into

    {"type": "https://hadir.gov.my/problems/<code>", "title": ..., "status": 422,
     "code": "<code>", "detail": "<message in the caller's language>",
     "errors": [{"field": "email", "message": ...}], "instance": "/api/...", "requestId": ...}

served as `application/problem+json`. Nothing about the server's internals (stack traces, SQL)
ever reaches the body of a 5xx.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from api.core.i18n import request_language
from api.core.messages import MESSAGES, message
from api.core.observability import loggable_path

log = logging.getLogger("hadir.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True, rename="camel"):
    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str = ""
    request_id: str = ""
    errors: list[FieldError] = []


class AppError(Exception):
    """A failure the user can understand; `code` picks the message in their language."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        code: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        errors: list[FieldError] | None = None,
        status_code: int | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.params = dict(params or {})
        self.errors = errors or []
        super().__init__(self.code)


class NotFound(AppError):
    """Also used where a record exists but is outside the caller's scope: no existence leak."""

    status_code = 404
    code = "not_found"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class Invalid(AppError):
    status_code = 422
    code = "validation_error"


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def _problem_response(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    params: Mapping[str, Any] | None = None,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Problem]:
    language = request_language(request)
    problem = Problem(
        type=f"https://hadir.gov.my/problems/{code.replace('_', '-')}",
        title=_TITLES.get(status, "Error"),
        status=status,
        code=code,
        detail=message(code, language, **(params or {})),
        instance=request.url.path,
        request_id=str(request.scope.get("state", {}).get("request_id", "")),
        errors=errors or [],
    )
    return Response(
        content=problem,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Problem]:
    language = request_language(request)
    # Field errors may carry a message code (see api.core.messages) rather than text.
    errors = [
        FieldError(e.field, message(e.message, language, **exc.params))
        if e.message in MESSAGES
        else e
        for e in exc.errors
    ]
    return _problem_response(request, exc.status_code, exc.code, exc.params, errors)


_FIELD_RE = re.compile(r"at `\$\.([^`]+)`")
_NAMED_FIELD_RE = re.compile(r"field `([^`]+)`")


def _field_of(key: str, text: str) -> str:
    """The field a msgspec/Litestar message is about: `$.a.b` paths, "field `x`", or the key."""
    for pattern in (_FIELD_RE, _NAMED_FIELD_RE):
        found = pattern.search(text)
        if found:
            return found.group(1)
    return "" if key in ("", "data", "body") else key


def _field_errors(exc: ValidationException, language: str) -> list[FieldError]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        raw_message = str(item.get("message", ""))
        field = _field_of(str(item.get("key") or ""), raw_message)
        text = _FIELD_RE.sub("", raw_message).strip(" -")
        errors.append(
            FieldError(
                field=field or "body",
                message=message("field_invalid", language, field=field or "body", reason=text),
            )
        )
    if not errors and exc.detail:
        field = _field_of("", exc.detail) or "body"
        text = _FIELD_RE.sub("", exc.detail).strip(" -")
        errors.append(
            FieldError(
                field=field, message=message("field_invalid", language, field=field, reason=text)
            )
        )
    return errors


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Problem]:
    language = request_language(request)
    return _problem_response(request, 400, "validation_error", errors=_field_errors(exc, language))


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    code = _STATUS_CODES.get(status, "http_error")
    if isinstance(exc, NotAuthorizedException):
        code = "not_authenticated"
    elif isinstance(exc, PermissionDeniedException):
        code = "forbidden"
    elif isinstance(exc, NotFoundException):
        code = "not_found"
    elif isinstance(exc, TooManyRequestsException):
        code = "rate_limited"
    return _problem_response(request, status, code, headers=exc.headers or None)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.exception("unhandled error", extra={"path": loggable_path(request.url.path)})
    return _problem_response(request, HTTP_500_INTERNAL_SERVER_ERROR, "internal_error")


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    AppError: app_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "AppError",
    "Conflict",
    "FieldError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "Problem",
]
