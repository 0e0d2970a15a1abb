"""The rules of minutes: their life (draft → in_review → submitted → approved → distributed →
confirmed, then locked), versions and diffs, reviewers' comments, and the actions that come out
of approved minutes with their feedback, matters arising and the feedback report.

Decisions made here (the why):

* Every transition runs in `write_transaction()` and reads the minutes row with `for_update`,
  so two concurrent approvals cannot both see "submitted": exactly one wins, the other gets 409.
* Nobody approves their own work: the chair cannot approve minutes of which they wrote any
  version (a secretary who later became chair, say).
* Decisions and actions become `Action` rows when the chair approves, not at each save: drafts
  change freely during review, and only approved minutes assign official work. Each decision and
  action in the body keeps a stable `ref`, so amendments made at confirmation update the rows
  (new refs are added, removed ones are dropped) instead of duplicating them.
* Text of a SULIT meeting is sealed with `api.core.documents.seal_text`, bound to its row
  ("minutes:<id>:v<n>", "minutes-comment:<id>", "action:<id>", "action-feedback:<id>"); every
  read of SULIT minutes or actions is audited. Who may read is decided by `api.meetings.access`.

One module per seam: `lifecycle` (saving and the transitions), `reading`, `sections`
(attendance, matters arising), `comments`, `versions` (and the diff), `inbox` (what waits for a
chair or reviewer), `actions`, `feedback` (and the report), `attachments`; `common` holds what
they share. The names below are the area's service API (controllers and other areas use them).
"""

from __future__ import annotations

from api.minutes.services.actions import get_action, my_actions, open_actions_count, overdue_by_unit
from api.minutes.services.attachments import Attachment, attach_file, attachment
from api.minutes.services.comments import comment, resolve_comment
from api.minutes.services.common import MALAYSIA, OPEN_STATUSES, STATUS_LABELS, meeting_label
from api.minutes.services.feedback import give_feedback, report, request_feedback
from api.minutes.services.inbox import (
    approvals,
    approvals_count,
    has_pending_minutes,
    minutes_to_review,
)
from api.minutes.services.lifecycle import (
    appoint_reviewers,
    approve,
    confirm,
    distribute,
    save,
    send_back,
    submit,
)
from api.minutes.services.reading import get_minutes, minutes_status
from api.minutes.services.sections import attendance_section, matters_arising
from api.minutes.services.versions import diff, diff_bodies, version, versions

__all__ = [
    "MALAYSIA",
    "OPEN_STATUSES",
    "STATUS_LABELS",
    "Attachment",
    "appoint_reviewers",
    "approvals",
    "approvals_count",
    "approve",
    "attach_file",
    "attachment",
    "attendance_section",
    "comment",
    "confirm",
    "diff",
    "diff_bodies",
    "distribute",
    "get_action",
    "get_minutes",
    "give_feedback",
    "has_pending_minutes",
    "matters_arising",
    "meeting_label",
    "minutes_status",
    "minutes_to_review",
    "my_actions",
    "open_actions_count",
    "overdue_by_unit",
    "report",
    "request_feedback",
    "resolve_comment",
    "save",
    "send_back",
    "submit",
    "version",
    "versions",
]
