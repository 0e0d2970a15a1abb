"""What every supervisor decision on attendance (check-ins, attendance issues, movement slips)
has in common: a rejection always says why.

The officer has to be able to answer a rejection (justify, ask again), so a rejection without a
note is refused by the API itself (422), not only by the screen.
"""

from __future__ import annotations

from api.core.errors import FieldError, Invalid


def require_note_to_reject(decision: str, note: str) -> None:
    """Refuses a rejection whose note is empty or only spaces."""
    if decision == "rejected" and not note.strip():
        raise Invalid(
            "rejection_note_required", errors=[FieldError("note", "rejection_note_required")]
        )
