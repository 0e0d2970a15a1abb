"""The one rule for RAHSIA, shared by meetings, papers and the import of past meetings."""

from __future__ import annotations

import pytest

from api.meetings.access import is_forbidden_classification, normalise_classification


@pytest.mark.parametrize(
    "written",
    [
        "RAHSIA",
        "rahsia",
        "Rahsia Besar",
        "RAHSIA-BESAR",
        "r a h s i a",
        " rahsia_besar ",
        "ＲＡＨＳＩＡ",  # full-width letters
    ],
)
def test_rahsia_in_any_spelling_is_forbidden(written: str) -> None:
    assert is_forbidden_classification(written)


@pytest.mark.parametrize(
    ("written", "level"),
    [("TERBUKA", "TERBUKA"), ("terhad", "TERHAD"), (" Sulit ", "SULIT"), ("s-u-l-i-t", "SULIT")],
)
def test_allowed_levels_are_normalised(written: str, level: str) -> None:
    assert not is_forbidden_classification(written)
    assert normalise_classification(written) == level
