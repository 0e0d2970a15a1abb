"""axe-core in a page, for the tests that check accessibility (0 violations).

axe-core comes from the npm registry (package.json, installed by `make lint` with the ESLint
tools); it is looked for at AXE_PATH, then in node_modules and bench/lighthouse/node_modules.
Without it the check is skipped (said in the output), so a machine without node still runs the
rest of the test; CI sets REQUIRE_AXE=1, where a missing axe-core fails the test instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [
    os.environ.get("AXE_PATH", ""),
    str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
    str(ROOT / "bench" / "lighthouse" / "node_modules" / "axe-core" / "axe.min.js"),
]


def axe_script() -> Path | None:
    for candidate in CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def assert_no_axe_violations(page: Any, where: str) -> None:
    script = axe_script()
    if script is None:
        assert os.environ.get("REQUIRE_AXE") != "1", "axe-core not found (REQUIRE_AXE=1)"
        print(f"axe-core not found (AXE_PATH): accessibility of {where} not checked")
        return
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: not a <script> the page's CSP would refuse.
        page.evaluate(script.read_text() + "\n;true")
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)"""
    )
    assert violations == [], f"{where}: {violations}"
