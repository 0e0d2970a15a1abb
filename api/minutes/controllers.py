"""HTTP for minutes, actions and feedback: thin handlers over `api.minutes.services`.

Every response under /api is `Cache-Control: no-store` (api.core.security), so SULIT minutes
are never kept by the browser or the service worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from litestar import Controller, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.core.downloads import NO_STORE, XLSX, download
from api.core.params import PathId
from api.files.uploads import DOCUMENT_UPLOAD_BODY_LIMIT, document_too_large_handler
from api.minutes import reads, reports, schemas, services

SIGNED_IN = {"access": Access.SIGNED_IN}


class MinutesController(Controller):
    path = "/api/meetings/{meeting_id:int}"
    tags = ["minutes"]

    @get("/minutes", opt=SIGNED_IN)
    async def get_minutes(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.MinutesOut:
        """The minutes (current version) with reviewers, comments and what the caller may do;
        before the first save, a template with attendance and agenda items filled in."""
        minutes = await services.get_minutes(principal, meeting_id)
        await reads.record_read(meeting_id, principal.user_id, minutes.status, minutes.version)
        return minutes

    @get("/minutes/status", opt=SIGNED_IN)
    async def status(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.MinutesStatusOut:
        """Where the minutes are (for the meeting page), without their content."""
        return await services.minutes_status(principal, meeting_id)

    @put("/minutes", opt=SIGNED_IN)
    async def save(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.SaveRequest],
    ) -> schemas.MinutesOut:
        """Saves a new version (secretariat; draft or in review)."""
        await services.save(principal, meeting_id, data)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/review", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def review(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.ReviewRequest],
    ) -> schemas.MinutesOut:
        await services.appoint_reviewers(principal, meeting_id, data)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/submit", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def submit(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.MinutesOut:
        await services.submit(principal, meeting_id)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/approve", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def approve(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.MinutesOut:
        await services.approve(principal, meeting_id)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/return", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def send_back(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.ReturnRequest],
    ) -> schemas.MinutesOut:
        await services.send_back(principal, meeting_id, data)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/distribute", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def distribute(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.MinutesOut:
        await services.distribute(principal, meeting_id)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/confirm", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def confirm(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.ConfirmRequest],
    ) -> schemas.MinutesOut:
        await services.confirm(principal, meeting_id, data)
        return await services.get_minutes(principal, meeting_id)

    @post("/minutes/comments", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def comment(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.CommentRequest],
    ) -> schemas.MinutesOut:
        await services.comment(principal, meeting_id, data)
        return await services.get_minutes(principal, meeting_id)

    @post(
        "/minutes/comments/{comment_id:int}/resolve",
        opt=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
    )
    async def resolve(
        self, principal: NamedDependency[Principal], meeting_id: PathId, comment_id: PathId
    ) -> None:
        await services.resolve_comment(principal, meeting_id, comment_id)

    @get("/minutes/versions", opt=SIGNED_IN)
    async def versions(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> list[schemas.VersionOut]:
        return await services.versions(principal, meeting_id)

    @get("/minutes/versions/{version_a:int}", opt=SIGNED_IN)
    async def version(
        self, principal: NamedDependency[Principal], meeting_id: PathId, version_a: PathId
    ) -> schemas.VersionBodyOut:
        return await services.version(principal, meeting_id, version_a)

    @get("/minutes/versions/{version_a:int}/diff/{version_b:int}", opt=SIGNED_IN)
    async def diff(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        version_a: PathId,
        version_b: PathId,
    ) -> schemas.DiffOut:
        """Per-section line diff from version a to version b."""
        return await services.diff(principal, meeting_id, version_a, version_b)

    @get("/matters-arising", opt=SIGNED_IN)
    async def matters_arising(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> list[schemas.MatterArising]:
        """Open actions of earlier meetings of the same committee (perkara berbangkit)."""
        return await services.matters_arising(principal, meeting_id)

    @post("/actions/request-feedback", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def request_feedback(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: JSONBody[schemas.RequestFeedbackRequest],
    ) -> schemas.RequestFeedbackResult:
        notified = await services.request_feedback(principal, meeting_id, data)
        return schemas.RequestFeedbackResult(notified=notified)

    @get("/actions/report", opt=SIGNED_IN)
    async def report(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> schemas.ReportOut:
        return await services.report(principal, meeting_id)

    @get("/actions/report/download", opt=SIGNED_IN)
    async def report_download(
        self,
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        file_format: Annotated[Literal["xlsx", "pdf"], QueryParameter(name="format")] = "xlsx",
    ) -> Response[bytes]:
        data = await services.report(principal, meeting_id)
        name = f"maklum-balas-{data.meeting_label.replace('Bil. ', '').replace('/', '-')}"
        if file_format == "pdf":
            return download(reports.report_pdf(data), f"{name}.pdf", "application/pdf")
        return download(reports.report_xlsx(data), f"{name}.xlsx", XLSX)


@dataclass
class AttachmentForm:
    """multipart/form-data: the file."""

    file: UploadFile


class ActionController(Controller):
    path = "/api"
    tags = ["actions"]

    @get("/actions", opt=SIGNED_IN)
    async def mine(self, principal: NamedDependency[Principal]) -> list[schemas.ActionOut]:
        """Actions assigned to the caller or to their unit."""
        return await services.my_actions(principal)

    @get("/actions/{action_id:int}", opt=SIGNED_IN)
    async def one(
        self, principal: NamedDependency[Principal], action_id: PathId
    ) -> schemas.ActionOut:
        return await services.get_action(principal, action_id)

    @post("/actions/{action_id:int}/feedback", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def feedback(
        self,
        principal: NamedDependency[Principal],
        action_id: PathId,
        data: JSONBody[schemas.FeedbackRequest],
    ) -> schemas.ActionOut:
        return await services.give_feedback(principal, action_id, data)

    @post(
        "/actions/{action_id:int}/feedback/{feedback_id:int}/attachment",
        opt=SIGNED_IN,
        status_code=HTTP_200_OK,
        request_max_body_size=DOCUMENT_UPLOAD_BODY_LIMIT,
        exception_handlers={413: document_too_large_handler},
    )
    async def attach(
        self,
        principal: NamedDependency[Principal],
        action_id: PathId,
        feedback_id: PathId,
        data: Annotated[AttachmentForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> schemas.ActionOut:
        """Attaches one file to one's own feedback (type checked by content)."""
        content = await data.file.read()
        await data.file.close()
        return await services.attach_file(
            principal, action_id, feedback_id, data.file.filename or "", content
        )

    @get("/actions/{action_id:int}/feedback/{feedback_id:int}/attachment", opt=SIGNED_IN)
    async def attachment(
        self, principal: NamedDependency[Principal], action_id: PathId, feedback_id: PathId
    ) -> Response[bytes]:
        found = await services.attachment(principal, action_id, feedback_id)
        return download(found.data, found.name, found.content_type, NO_STORE)

    @get("/actions/overdue-by-unit", opt={"access": Access.EXECUTIVE})
    async def overdue_by_unit(
        self, principal: NamedDependency[Principal]
    ) -> list[schemas.UnitOverdue]:
        """Overdue actions per unit (subtree totals) within what the executive may see."""
        return await services.overdue_by_unit(principal)

    @get("/approvals/minutes", opt=SIGNED_IN)
    async def approvals(self, principal: NamedDependency[Principal]) -> list[schemas.ApprovalItem]:
        """Minutes submitted to the caller as chair (the approval inbox)."""
        return await services.approvals(principal)
