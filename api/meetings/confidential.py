"""A SULIT meeting's own words at rest and on the way out.

* The subject (`Meeting.title`) and the agenda items' titles and descriptions of a SULIT
  meeting are stored sealed (`api.core.documents.seal_text`, a key per text wrapped by the
  master key), bound to the meeting: purposes "meeting-subject:<meeting id>" and
  "meeting-agenda:<meeting id>" (registered for master-key rotation in `tables.py`). They are
  opened in memory only for someone allowed to read the notice (`api.meetings.access`).
* Whatever leaves Hadir (e-mail Subject and body, the .ics SUMMARY, push, the outbox rows that
  wait to be sent) names a SULIT meeting only neutrally: "Mesyuarat (SULIT) Bil. N/YYYY", for
  every recipient, a guest included. The committee's name is left out too.
"""

from __future__ import annotations

from typing import Any

from api.core.documents import is_sealed_text, open_text, seal_text

SULIT = "SULIT"
# What a notice of a SULIT meeting says instead of the secretariat's reason.
NEUTRAL_REASON = "lihat dalam Hadir / see Hadir"


def subject_purpose(meeting_id: int) -> str:
    return f"meeting-subject:{meeting_id}"


def reason_purpose(meeting_id: int) -> str:
    return f"meeting-reason:{meeting_id}"


def agenda_purpose(meeting_id: int) -> str:
    return f"meeting-agenda:{meeting_id}"


def seal_if_sulit(text: str, classification: str, purpose: str) -> str:
    return seal_text(text, purpose) if classification == SULIT and text else text


def opened(value: str, purpose: str) -> str:
    return open_text(value, purpose) if is_sealed_text(value) else value


def subject_of(row: dict[str, Any], id_key: str = "id", title_key: str = "title") -> str:
    """The subject of a meeting row, opened when sealed."""
    return opened(row[title_key] or "", subject_purpose(row[id_key]))


def neutral_title(number: int, year: int) -> str:
    return f"Mesyuarat (SULIT) Bil. {number}/{year}"


def outgoing_title(row: dict[str, Any], committee_name: str) -> str:
    """How a notice that leaves Hadir names the meeting (e-mail, .ics, push, outbox)."""
    if row["classification"] == SULIT:
        return neutral_title(row["number"], row["year"])
    title = f"Mesyuarat {committee_name} Bil. {row['number']}/{row['year']}"
    subject = subject_of(row)
    return f"{title}: {subject}" if subject else title


def subject_for_notice(row: dict[str, Any]) -> str:
    """The subject as a notification that leaves Hadir may carry it: neutral for SULIT."""
    if row["classification"] == SULIT:
        return neutral_title(row["number"], row["year"])
    return subject_of(row)
