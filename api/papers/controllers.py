"""HTTP for meeting papers: thin handlers over `api.papers.services`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.core.downloads import download
from api.core.errors import Invalid
from api.core.params import PathId
from api.core.proxies import client_ip
from api.files.uploads import DOCUMENT_UPLOAD_BODY_LIMIT, document_too_large_handler
from api.meetings.access import Classification
from api.papers import importer, schemas, services

SIGNED_IN = {"access": Access.SIGNED_IN}
ADMIN = {"access": Access.AGENCY_ADMIN}
IMPORT_BODY_LIMIT = 512 * 1024 * 1024


class PapersController(Controller):
    path = "/api"
    tags = ["papers"]

    @get("/meetings/{meeting_id:int}/papers", opt=SIGNED_IN)
    async def list_papers(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
    ) -> schemas.PapersOut:
        """The meeting's papers the caller may read (404 when the meeting's content is not
        theirs to read), with what the upload form needs."""
        return await services.list_papers(principal, meeting_id, client_ip(request))

    @post(
        "/meetings/{meeting_id:int}/papers",
        opt=SIGNED_IN,
        status_code=HTTP_201_CREATED,
        request_max_body_size=DOCUMENT_UPLOAD_BODY_LIMIT,
        exception_handlers={413: document_too_large_handler},
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        meeting_id: PathId,
        data: Annotated[schemas.PaperUploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> schemas.PaperOut:
        """Uploads a paper (secretariat only); the type is decided by the content."""
        content = await data.file.read()
        await data.file.close()
        return await services.upload(
            principal,
            meeting_id,
            title=data.title,
            agenda_item_id=data.agendaItem,
            classification=data.classification,
            file_name=data.file.filename or "",
            data=content,
            ip=client_ip(request),
        )

    @get("/papers/{paper_id:int}/content", opt=SIGNED_IN)
    async def content(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        paper_id: PathId,
    ) -> Response[bytes]:
        """The file. SULIT: `Cache-Control: no-store` (never kept by the browser or the
        service worker) and the read is audited; `X-Hadir-Classification` tells the service
        worker what it may save for offline reading."""
        found = await services.download(principal, paper_id, client_ip(request))
        paper = found.paper
        sulit = paper.classification == Classification.SULIT
        return download(
            found.data,
            paper.file_name,
            paper.content_type,
            {
                "cache-control": "no-store" if sulit else "private, no-cache",
                # X-Content-Type-Options: nosniff comes with every answer (api.core.security).
                "x-hadir-classification": paper.classification,
            },
        )

    @get("/papers/{paper_id:int}/downloads", opt=SIGNED_IN)
    async def downloads(
        self, principal: NamedDependency[Principal], paper_id: PathId
    ) -> list[services.DownloadOut]:
        """Who downloaded the paper and when, newest first (the committee's secretariat)."""
        return await services.download_log(principal, paper_id)

    @delete("/papers/{paper_id:int}", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def remove(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        paper_id: PathId,
    ) -> None:
        await services.delete(principal, paper_id, client_ip(request))


class MeetingsImportController(Controller):
    path = "/api/admin"
    tags = ["papers"]

    @post(
        "/meetings-import",
        opt=ADMIN,
        status_code=HTTP_200_OK,
        request_max_body_size=IMPORT_BODY_LIMIT,
    )
    async def import_meetings(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: Annotated[
            schemas.MeetingsImportForm, Body(media_type=RequestEncodingType.MULTI_PART)
        ],
    ) -> Response[importer.ImportResult]:
        """Imports committees, members and past meetings (with their minutes PDFs) into the
        administrator's agency from a zip; all or nothing, a result per row (422 when any row
        is wrong, and then nothing was written)."""
        content = await data.file.read()
        await data.file.close()
        try:
            source = importer.source_from_zip(content)
        except importer.BadArchive:
            raise Invalid("import_not_zip") from None
        result = await importer.import_source(
            principal.agency_id,
            source,
            actor_id=principal.user_id,
            dry_run=data.dryRun,
            ip=client_ip(request),
            language=principal.language,
        )
        return Response(result, status_code=HTTP_200_OK if result.ok else 422)
