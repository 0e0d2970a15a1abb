"""Every audit action written anywhere in the code has words in both message catalogues.

The actions are read from the source: the first argument of every `audit.record(...)` call.
A literal or a module-level constant is taken as it is; an action built at run time (an
f-string or a parameter) must be listed in `BUILT_AT_RUN_TIME` with every value it can take,
so a new action cannot reach the audit screen as a raw code.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (file, the expression as written) -> every action it can produce.
BUILT_AT_RUN_TIME: dict[tuple[str, str], tuple[str, ...]] = {
    ("api/accounts/services.py", "action"): ("sign_in_failed", "password_change_failed"),
    (
        "api/attendance/piccolo_migrations/attendance_2026_12_07t18_50_00_000001_check_in_row_mac.py",
        "ROW_MACS_FROM_ACTION",
    ): ("check_in.row_macs_from",),
    ("api/accounts/lifecycle.py", "action"): (
        "account_frozen",
        "account_unfrozen",
        "account_terminated",
    ),
    ("api/attendance/issues.py", "f'attendance_issue_{decision}'"): (
        "attendance_issue_approved",
        "attendance_issue_rejected",
    ),
    ("api/attendance/services.py", "f'check_in_{data.decision}'"): (
        "check_in_approved",
        "check_in_rejected",
    ),
    ("api/attendance/movements.py", "f'movement_slip_{data.decision}'"): (
        "movement_slip_approved",
        "movement_slip_rejected",
    ),
    ("api/minutes/services/lifecycle.py", "f'minutes.{status}'"): (
        "minutes.draft",
        "minutes.in_review",
        "minutes.submitted",
        "minutes.approved",
        "minutes.distributed",
        "minutes.confirmed",
    ),
    ("api/minutes/services/common.py", "f'{what}.read'"): (
        "minutes.read",
        "matters_arising.read",
        "action_report.read",
    ),
}


def _module_constants(tree: ast.Module) -> dict[str, str]:
    constants: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            constants[node.targets[0].id] = node.value.value
    return constants


def _is_audit_record(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "record"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "audit"
    )


def actions_in_code() -> tuple[set[str], list[str]]:
    """Every action the code can record, and the calls whose action could not be resolved."""
    actions: set[str] = set()
    unresolved: list[str] = []
    for path in sorted((ROOT / "api").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if not _is_audit_record(node):
                continue
            assert isinstance(node, ast.Call)
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                actions.add(argument.value)
            elif isinstance(argument, ast.Name) and argument.id in constants:
                actions.add(constants[argument.id])
            else:
                written = ast.unparse(argument) if argument is not None else "<none>"
                known = BUILT_AT_RUN_TIME.get((relative, written))
                if known is None:
                    unresolved.append(f"{relative}:{node.lineno} {written}")
                else:
                    actions.update(known)
    return actions, unresolved


def _catalogue(language: str) -> dict[str, str]:
    return json.loads((ROOT / "pwa" / "i18n" / f"{language}.json").read_text(encoding="utf-8"))


def test_every_recorded_action_is_found_in_the_code() -> None:
    actions, unresolved = actions_in_code()
    assert not unresolved, (
        f"audit actions built at run time must be listed in BUILT_AT_RUN_TIME: {unresolved}"
    )
    # The walk finds the calls at all (a rename of `audit.record` would make this test empty).
    assert {"sign_in", "check_ins_sealed", "minutes.approved", "paper.read"} <= actions


def test_every_action_has_words_in_malay_and_english() -> None:
    actions, _ = actions_in_code()
    for language in ("ms", "en"):
        catalogue = _catalogue(language)
        missing = sorted(a for a in actions if not catalogue.get(f"auditAction.{a}", "").strip())
        assert not missing, f"{language}.json has no auditAction label for {missing}"


def test_the_runtime_lists_only_actions_that_exist() -> None:
    """A stale entry in BUILT_AT_RUN_TIME (the call was removed) is caught too."""
    for (relative, written), _values in BUILT_AT_RUN_TIME.items():
        source = (ROOT / relative).read_text(encoding="utf-8")
        tree = ast.parse(source)
        found = any(
            _is_audit_record(node)
            and isinstance(node, ast.Call)
            and node.args
            and ast.unparse(node.args[0]) == written
            for node in ast.walk(tree)
        )
        assert found, f"{relative}: no audit.record({written}, …) any more"
