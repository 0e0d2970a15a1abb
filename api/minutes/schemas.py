"""Request and response shapes of the minutes and actions API (camelCase on the wire).

`MinutesBody` is also what a version stores (as JSON, sealed for SULIT meetings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from api.core.params import MAX_ID, Id

LongText = Annotated[str, msgspec.Meta(max_length=20_000)]
ShortText = Annotated[str, msgspec.Meta(max_length=2_000)]
Ref = Annotated[str, msgspec.Meta(max_length=32, pattern=r"^[A-Za-z0-9_-]*$")]
Status = Literal["draft", "in_review", "submitted", "approved", "distributed", "confirmed"]
ActionStatus = Literal["open", "in_progress", "done", "dropped"]


class AttendanceLine(msgspec.Struct, rename="camel"):
    name: str
    role: str  # chair | member | secretariat | guest
    # present | represented | absent | unmarked
    status: str
    text: str  # the line as printed in the minutes


class AttendanceSection(msgspec.Struct, rename="camel"):
    present: list[AttendanceLine] = []
    absent: list[AttendanceLine] = []
    in_attendance: list[AttendanceLine] = []  # secretariat and guests


class Decision(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5_000)]
    ref: Ref = ""


class ActionItem(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5_000)]
    ref: Ref = ""
    assignee_user_id: Id | None = None
    assignee_unit_id: Id | None = None
    due_date: date | None = None


class ItemMinutes(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    title: ShortText
    agenda_item_id: Id | None = None
    discussion: LongText = ""
    decisions: list[Decision] = []
    actions: list[ActionItem] = []


class MatterArising(msgspec.Struct, rename="camel"):
    action_id: Id
    meeting_label: str
    text: str
    status: str
    due_date: date | None = None
    assignee: str = ""
    latest_feedback: str = ""


class MinutesBody(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    items: list[ItemMinutes] = []
    notes: LongText = ""
    # Filled by the server on every save; what a client sends here is ignored.
    attendance: AttendanceSection | None = None
    matters_arising: list[MatterArising] = []


class SaveRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    body: MinutesBody
    # The version the editor started from; a save over a newer one is refused (409).
    base_version: Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)] | None = None


class ReviewRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    reviewer_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=50)]
    due_date: date


class ReturnRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=5_000)]


class ConfirmRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    meeting_id: Id  # the later meeting at which the minutes are confirmed
    amendments: MinutesBody | None = None


class CommentRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    section: Annotated[str, msgspec.Meta(pattern=r"^(attendance|general|notes|item:\d{1,4})$")]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=5_000)]


class CommentOut(msgspec.Struct, rename="camel"):
    id: int
    version: int
    section: str
    author_id: int
    author_name: str
    body: str
    created_at: datetime
    resolved: bool


class ReviewerOut(msgspec.Struct, rename="camel"):
    user_id: int
    name: str


class MemberOut(msgspec.Struct, rename="camel"):
    user_id: int
    name: str
    role: str


class Permissions(msgspec.Struct, rename="camel"):
    manage: bool = False  # the committee's secretariat
    edit: bool = False
    appoint_reviewers: bool = False
    submit: bool = False
    approve: bool = False
    comment: bool = False
    resolve: bool = False
    distribute: bool = False
    confirm: bool = False


class UnitOut(msgspec.Struct, rename="camel"):
    id: int
    name: str


class MeetingChoice(msgspec.Struct, rename="camel"):
    id: int
    title: str
    label: str


class MinutesOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    meeting_title: str
    meeting_label: str
    classification: str
    status: Literal["none"] | Status
    version: int
    body: MinutesBody
    reviewers: list[ReviewerOut]
    comments: list[CommentOut]
    members: list[MemberOut]
    can: Permissions
    review_due: date | None = None
    approved_by: str = ""
    approved_at: datetime | None = None
    distributed_at: datetime | None = None
    confirmed_at: datetime | None = None
    amended: bool = False
    # For the secretariat: the agency's units (action assignees) and, once distributed, the
    # later meetings of the committee at which the minutes may be confirmed.
    units: list[UnitOut] = []
    later_meetings: list[MeetingChoice] = []
    # The name of every assignee the body names, "user:<id>" / "unit:<id>" → name, so that
    # every reader sees who acts (units and people outside the committee included).
    assignee_names: dict[str, str] = {}


class MinutesStatusOut(msgspec.Struct, rename="camel"):
    status: Literal["none"] | Status
    version: int
    can_edit: bool
    has_actions: bool


class VersionOut(msgspec.Struct, rename="camel"):
    number: int
    kind: str
    author_name: str
    created_at: datetime


class VersionBodyOut(msgspec.Struct, rename="camel"):
    number: int
    kind: str
    author_name: str
    created_at: datetime
    body: MinutesBody


class DiffLine(msgspec.Struct):
    op: Literal["=", "+", "-"]
    text: str


class SectionDiff(msgspec.Struct, rename="camel"):
    section: str
    title: str
    changed: bool
    lines: list[DiffLine]


class DiffOut(msgspec.Struct, rename="camel"):
    a: int
    b: int
    sections: list[SectionDiff]


class ApprovalItem(msgspec.Struct, rename="camel"):
    meeting_id: int
    meeting_title: str
    meeting_label: str
    committee_name: str
    version: int
    submitted_at: datetime | None


class FeedbackOut(msgspec.Struct, rename="camel"):
    id: int
    author_name: str
    text: str
    status: str
    created_at: datetime
    attachment_name: str = ""
    attachment_size: int = 0
    attachment_url: str = ""


class ActionOut(msgspec.Struct, rename="camel"):
    id: int
    meeting_id: int
    meeting_title: str
    meeting_label: str
    kind: str
    text: str
    status: str
    assignee: str
    assignee_user_id: int | None
    assignee_unit_id: int | None
    due_date: date | None
    overdue: bool
    can_give_feedback: bool
    latest_feedback: FeedbackOut | None = None
    feedback: list[FeedbackOut] = []


class FeedbackRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5_000)]
    status: ActionStatus


class RequestFeedbackRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    # Empty: every open or in-progress action of the meeting.
    action_ids: Annotated[list[Id], msgspec.Meta(max_length=500)] = []


class RequestFeedbackResult(msgspec.Struct, rename="camel"):
    notified: int


class ReportOut(msgspec.Struct, rename="camel"):
    meeting_id: int
    meeting_title: str
    meeting_label: str
    generated_at: datetime
    actions: list[ActionOut]
    overdue: int
    committee_name: str = ""
    classification: str = "TERBUKA"
    # The agency's time zone: the files show times in it.
    timezone: str = "Asia/Kuala_Lumpur"


class UnitOverdue(msgspec.Struct, rename="camel"):
    unit_id: int
    name: str
    depth: int  # 0 for a top unit
    direct: int  # overdue actions assigned to the unit or its people
    total: int  # the same, with every unit below it
