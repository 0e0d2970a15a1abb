"""A file attached to one's own feedback on an action (sealed when SULIT)."""

from __future__ import annotations

from typing import Any

import msgspec

from api.accounts import audit
from api.accounts.authz import Principal
from api.config import get_settings
from api.core.documents import open_file, seal_file
from api.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from api.db import for_update, write_transaction
from api.files.store import get_store, new_key
from api.files.uploads import document_too_large
from api.minutes import schemas
from api.minutes.services.actions import _readable_action, get_action
from api.minutes.services.common import _open, _seal_if
from api.minutes.tables import ActionFeedback
from api.papers import filetypes
from api.papers import services as paper_services


class Attachment(msgspec.Struct, frozen=True):
    name: str
    content_type: str
    data: bytes


def _file_key_purpose(feedback_id: int) -> str:
    return f"action-feedback-file:{feedback_id}"


async def attach_file(
    principal: Principal, action_id: int, feedback_id: int, file_name: str, data: bytes
) -> schemas.ActionOut:
    """One file for one's own feedback (the papers area's size limit and type check). SULIT:
    the file is encrypted with a key of its own, kept sealed in the row (so master-key
    rotation re-wraps it like any sealed text), and the name is sealed."""
    row = await _readable_action(principal, action_id)
    feedback = (
        await ActionFeedback.select(ActionFeedback.id, ActionFeedback.author)
        .where((ActionFeedback.id == feedback_id) & (ActionFeedback.action == action_id))
        .first()
    )
    if feedback is None:
        raise NotFound()
    if feedback["author"] != principal.user_id:
        raise Forbidden("action_not_assignee")
    if len(data) > get_settings().paper_max_bytes:
        raise document_too_large()
    if not data:
        raise Invalid("paper_file_empty", errors=[FieldError("file", "paper_file_empty")])
    name = paper_services.clean_file_name(file_name)
    try:
        detected = filetypes.detect(data, name)
    except (filetypes.UnknownType, filetypes.Mismatch):
        raise paper_services.UnsupportedType(
            params={"allowed": filetypes.ALLOWED_EXTENSIONS}
        ) from None
    sulit = row["classification"] == "SULIT"
    key = new_key()
    values: dict[Any, Any] = {
        ActionFeedback.attachment_key: key,
        ActionFeedback.attachment_type: detected.content_type,
        ActionFeedback.attachment_size: len(data),
        ActionFeedback.attachment_name: _seal_if(
            sulit, name, f"action-feedback-file-name:{feedback_id}"
        ),
    }
    stored = data
    if sulit:
        stored, values[ActionFeedback.attachment_secret] = seal_file(
            data, key, _file_key_purpose(feedback_id)
        )
    await get_store().put(key, stored)
    try:
        async with write_transaction():
            locked = await for_update(
                ActionFeedback.select(ActionFeedback.attachment_key).where(
                    ActionFeedback.id == feedback_id
                )
            ).first()
            if locked is None or locked["attachment_key"]:
                raise Conflict("feedback_has_attachment")
            await ActionFeedback.update(values).where(ActionFeedback.id == feedback_id)
            await audit.record(
                "action.feedback_attachment",
                actor_id=principal.user_id,
                agency_id=row["agency"],
                target_type="action",
                target_id=action_id,
                detail={"feedback": feedback_id, "size": len(data), "type": detected.content_type},
            )
    except BaseException:
        await get_store().delete(key)
        raise
    return await get_action(principal, action_id)


async def attachment(principal: Principal, action_id: int, feedback_id: int) -> Attachment:
    row = await _readable_action(principal, action_id)
    f = (
        await ActionFeedback.select()
        .where((ActionFeedback.id == feedback_id) & (ActionFeedback.action == action_id))
        .first()
    )
    if f is None or not f["attachment_key"]:
        raise NotFound()
    data = await get_store().get(f["attachment_key"])
    if f["attachment_secret"]:
        data = open_file(
            data, f["attachment_secret"], f["attachment_key"], _file_key_purpose(feedback_id)
        )
    if row["classification"] == "SULIT":
        await audit.record(
            "action.attachment_read",
            actor_id=principal.user_id,
            agency_id=row["agency"],
            target_type="action",
            target_id=action_id,
            detail={"feedback": feedback_id, "classification": "SULIT"},
        )
    return Attachment(
        name=_open(f["attachment_name"], f"action-feedback-file-name:{feedback_id}"),
        content_type=f["attachment_type"],
        data=data,
    )
