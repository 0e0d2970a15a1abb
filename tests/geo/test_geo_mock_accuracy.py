"""Mock-location accuracy signatures (issue 15, item 3): fake-GPS apps send an accuracy radius
of 0, 0.001 or exactly 1.0 m; real receivers report metres. A finding, never a refusal."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from geo_helpers import PUTRAJAYA

import geo

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("accuracy_m", "flagged"),
    [
        (0.0, True),
        (0.001, True),
        (0.0099, True),
        (1.0, True),
        (0.01, False),
        (0.5, False),
        (0.999, False),
        (1.0000001, False),
        (1.5, False),
        (3.79, False),
        (5.0, False),
        (10.0, False),
        (65.0, False),
        (1500.0, False),
        (math.inf, False),
    ],
)
def test_mock_accuracy_signatures(accuracy_m: float, flagged: bool) -> None:
    finding = geo.mock_accuracy(accuracy_m)
    assert (finding is not None) == flagged
    if finding is not None:
        assert finding.code == "mock_accuracy"
        assert finding.accuracy_m == accuracy_m
        assert "mock-location" in finding.message


@pytest.mark.parametrize("accuracy_m", [0.0, 0.001, 1.0])
def test_assess_reports_it_with_the_other_findings(accuracy_m: float) -> None:
    current = geo.TimedFix(*PUTRAJAYA, accuracy_m, NOW)
    codes = [f.code for f in geo.assess(current, server_time=NOW)]
    assert codes == ["mock_accuracy"]


def test_a_real_fix_gets_no_finding() -> None:
    current = geo.TimedFix(*PUTRAJAYA, 8.0, NOW)
    assert geo.assess(current, server_time=NOW) == []
