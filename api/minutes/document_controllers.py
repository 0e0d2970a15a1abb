"""HTTP for the minutes as a document (PDF): a thin handler over `api.minutes.document`."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency

from api.accounts.authz import Access, Principal
from api.core.downloads import NO_STORE, download
from api.core.params import PathId
from api.minutes import document

SIGNED_IN = {"access": Access.SIGNED_IN}


class MinutesDocumentController(Controller):
    path = "/api/meetings/{meeting_id:int}/minutes"
    tags = ["minutes"]

    @get("/document", opt=SIGNED_IN)
    async def pdf(
        self, principal: NamedDependency[Principal], meeting_id: PathId
    ) -> Response[bytes]:
        """The minutes as a PDF with the classification marking on every page (readers of the
        minutes' text only; every download is audited)."""
        doc = await document.minutes_document(principal, meeting_id)
        return download(
            document.minutes_pdf(doc), document.file_name(doc), "application/pdf", NO_STORE
        )
