"""Meeting papers (kertas mesyuarat), imported minutes and attachments: one row per file.

The file itself is in the file store (api.files) under `storage_key`, a server-made name.
SULIT rows: the file is encrypted with its own key (`wrapped_key`, `key_id`: see
api.core.documents), `title` and `file_name` hold sealed text (doc1:…), and `sha256` is empty
(a digest of the plaintext would fingerprint the content).
"""

from __future__ import annotations

from piccolo.columns import (
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

from api.meetings.tables import AgendaItem, Meeting
from api.org.tables import User


class Paper(Table, tablename="paper"):
    id = Serial(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False)
    agenda_item = ForeignKey(AgendaItem, on_delete=OnDelete.set_null, null=True, default=None)
    kind = Varchar(length=16, default="paper")  # paper | minutes | attachment
    classification = Varchar(length=16, default="TERBUKA")  # TERBUKA | TERHAD | SULIT
    title = Text(default="")  # sealed for SULIT
    file_name = Text(default="")  # as uploaded (cleaned); sealed for SULIT
    content_type = Varchar(length=128)  # detected from the content, not the client's claim
    size = Integer(default=0)  # plaintext bytes
    storage_key = Varchar(length=128, unique=True)
    sha256 = Varchar(length=64, default="")  # plaintext digest; empty for SULIT
    wrapped_key = Text(default="")  # SULIT: the document key wrapped by the master key
    key_id = Varchar(length=32, default="")  # SULIT: which master key wrapped it
    uploaded_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    uploaded_at = Timestamptz(default=TimestamptzNow())
    download_count = Integer(default=0)
    last_downloaded_at = Timestamptz(null=True, default=None)


class PaperDownload(Table, tablename="paper_download"):
    """One download of a paper: who and when (the secretariat reads the list)."""

    id = Serial(primary_key=True)
    paper = ForeignKey(Paper, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    at = Timestamptz(default=TimestamptzNow())
