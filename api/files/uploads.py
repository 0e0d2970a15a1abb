"""Upload checks shared by every area that takes a document (papers, minutes attachments)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from api.config import get_settings
from api.core.errors import AppError, app_error_handler

# The body limit is enforced while the upload is read (an over-long body is cut off with 413
# before it is all in memory); the margin is for the form's other fields and boundaries.
DOCUMENT_UPLOAD_BODY_LIMIT = get_settings().paper_max_bytes + 64 * 1024


class DocumentTooLarge(AppError):
    status_code = 413
    code = "paper_too_large"


def document_too_large() -> DocumentTooLarge:
    limit = get_settings().paper_max_bytes
    return DocumentTooLarge(params={"limit_mb": f"{limit / (1024 * 1024):g}"})


def document_too_large_handler(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    """The 413 of an over-long upload body, in the user's language with the limit in it."""
    return app_error_handler(request, document_too_large())
