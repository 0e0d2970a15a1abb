"""Minutes of a meeting (their versions, reviewers and comments), and the decisions and actions
that come out of approved minutes with the assignees' feedback.

Text of a SULIT meeting (version bodies, comments, decision/action text, feedback) is stored
sealed (`api.core.documents.seal_text`), never as plaintext; see `api.minutes.services`.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from api.core.documents import register_sealed_text_column
from api.meetings.tables import Meeting
from api.org.tables import OrgUnit, User


class Minutes(Table, tablename="minutes"):
    """One meeting's minutes and where they are in their life:
    draft → in_review → submitted → approved → distributed → confirmed (locked)."""

    id = Serial(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False, unique=True)
    status = Varchar(length=16, default="draft")
    current_version = Integer(default=0)
    review_due = Date(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    approved_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    distributed_at = Timestamptz(null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
    # The later meeting of the same committee at which these minutes were confirmed.
    confirmed_in = ForeignKey(Meeting, on_delete=OnDelete.set_null, null=True, default=None)
    amended = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MinutesVersion(Table, tablename="minutes_version"):
    """Every save is a new version; none is ever changed or deleted."""

    id = Serial(primary_key=True)
    minutes = ForeignKey(Minutes, on_delete=OnDelete.cascade, null=False)
    number = Integer()
    kind = Varchar(length=16, default="draft")  # draft | final (amended at confirmation)
    # JSON of `schemas.MinutesBody`, or its sealed form for SULIT meetings.
    body = Text()
    author = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index minutes_version_once on ["minutes", "number"]: see migrations


class MinutesReviewer(Table, tablename="minutes_reviewer"):
    id = Serial(primary_key=True)
    minutes = ForeignKey(Minutes, on_delete=OnDelete.cascade, null=False)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    appointed_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index minutes_reviewer_once on ["minutes", "user"]: see migrations


class MinutesComment(Table, tablename="minutes_comment"):
    """A reviewer's or the chair's comment on one section ("attendance", "item:<n>", "general")."""

    id = Serial(primary_key=True)
    minutes = ForeignKey(Minutes, on_delete=OnDelete.cascade, null=False)
    version = Integer()
    section = Varchar(length=64)
    author = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    body = Text(default="")  # sealed for SULIT meetings
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Action(Table, tablename="minutes_action"):
    """A decision (keputusan) or an action (tindakan) of approved minutes."""

    id = Serial(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False)
    minutes = ForeignKey(Minutes, on_delete=OnDelete.cascade, null=False)
    item_ref = Varchar(length=32)  # the decision's/action's stable id inside the minutes body
    kind = Varchar(length=16)  # decision | action
    section = Varchar(length=64)  # "item:<n>"
    position = Integer(default=0)
    text = Text(default="")  # sealed for SULIT meetings
    assignee_user = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    assignee_unit = ForeignKey(OrgUnit, on_delete=OnDelete.set_null, null=True, default=None)
    due_date = Date(null=True, default=None)
    status = Varchar(length=16, default="open")  # open | in_progress | done | dropped
    feedback_requested_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index minutes_action_ref_once on ["minutes", "item_ref"]: see migrations


class ActionFeedback(Table, tablename="minutes_action_feedback"):
    """Maklum balas: what an assignee reports on an action, with the status it moves to."""

    id = Serial(primary_key=True)
    action = ForeignKey(Action, on_delete=OnDelete.cascade, null=False)
    author = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    text = Text(default="")  # sealed for SULIT meetings
    status = Varchar(length=16)
    created_at = Timestamptz(default=TimestamptzNow())
    # An optional file (api.files store, key made by the server). SULIT: the file is encrypted
    # with its own key, kept sealed in `attachment_secret`; its name is sealed too.
    attachment_key = Varchar(length=64, default="")
    attachment_name = Text(default="")
    attachment_type = Varchar(length=128, default="")
    attachment_size = Integer(default=0)
    attachment_secret = Text(default="")


# Sealed text columns and the purpose each value was sealed with (for master-key rotation).
register_sealed_text_column(
    MinutesVersion, "body", lambda row: f"minutes:{row['minutes']}:v{row['number']}"
)
register_sealed_text_column(MinutesComment, "body", lambda row: f"minutes-comment:{row['id']}")
register_sealed_text_column(Action, "text", lambda row: f"action:{row['id']}")
register_sealed_text_column(ActionFeedback, "text", lambda row: f"action-feedback:{row['id']}")
register_sealed_text_column(
    ActionFeedback, "attachment_name", lambda row: f"action-feedback-file-name:{row['id']}"
)
register_sealed_text_column(
    ActionFeedback, "attachment_secret", lambda row: f"action-feedback-file:{row['id']}"
)
