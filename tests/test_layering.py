"""The layering rules that import-linter cannot express (the contracts are in .importlinter).

A function-local import hides a dependency from whoever reads the top of the module, and is the
usual way a circle between two modules is held apart. One is allowed where a comment on the
line, or just above it, says why (an optional package, a heavy module loaded late, a known
upward edge). The command line (`api/cli.py`) imports each command's area inside the command,
so that one command never loads the others (its module docstring says so).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "geo", "notifications")
ENTRY_POINTS = {"api/cli.py"}

# Function-local imports without a comment that are still to be resolved by the engineers who own
# these files (docs/architecture.md, "Layering debt"). The list may only shrink.
KNOWN_UNEXPLAINED = {
    ("api/attendance/movements.py", "api.attendance.services"),
    ("api/attendance/services.py", "api.outbox.services"),
    ("api/attendance/services.py", "notifications.kinds"),
    ("api/attendance/services.py", "notifications.templates"),
    ("api/core/group_commit.py", "api.core.raw_sql"),
    ("api/core/raw_sql.py", "api.core.group_commit"),
    ("api/db.py", "api"),
    ("api/meetings/access.py", "api.core.errors"),
    ("api/meetings/controllers.py", "api.meetings.access"),
    ("api/meetings/rsvp.py", "api.meetings.invitations"),
    ("api/meetings/rsvp.py", "notifications.calendar"),
    ("api/meetings/stats.py", "api.minutes.tables"),
    ("api/org/services.py", "api.accounts.tables"),
}


def _sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    )


def _function_local_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                found += [(node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((node.lineno, node.module))
    return sorted(set(found))


def _explained(lines: list[str], lineno: int) -> bool:
    return "#" in lines[lineno - 1] or lines[lineno - 2].strip().startswith("#")


def test_function_local_imports_say_why() -> None:
    unexplained: set[tuple[str, str]] = set()
    where: dict[tuple[str, str], int] = {}
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        if name in ENTRY_POINTS:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for lineno, module in _function_local_imports(path):
            if not _explained(lines, lineno):
                unexplained.add((name, module))
                where[(name, module)] = lineno
    new = sorted(unexplained - KNOWN_UNEXPLAINED)
    assert not new, "function-local imports without a comment saying why: " + ", ".join(
        f"{name}:{where[(name, module)]} ({module})" for name, module in new
    )


def test_the_checker_sees_a_function_local_import(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import os\n\n\ndef f():\n    from api.core import errors\n\n"
        "    # optional package\n    import asyncpg\n    return errors, asyncpg\n"
    )
    lines = module.read_text().splitlines()
    found = _function_local_imports(module)
    assert found == [(5, "api.core"), (8, "asyncpg")]
    assert [_explained(lines, lineno) for lineno, _ in found] == [False, True]


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_entry_points_say_why_they_import_late(name: str) -> None:
    docstring = ast.get_docstring(ast.parse((ROOT / name).read_text(encoding="utf-8"))) or ""
    assert "inside the command" in docstring


# Still reading the environment themselves (perf: issue 17 owns group_commit.py).
KNOWN_ENVIRONMENT_READERS: set[str] = set()


def _environment_reads(path: Path) -> list[int]:
    """Lines that read os.environ / os.getenv (setting a variable for a library is not a read)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    writes: set[int] = set()
    reads: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            writes.add(id(node.value))
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "setdefault"
            and isinstance(node.value, ast.Attribute)
        ):
            writes.add(id(node.value))
    for node in ast.walk(tree):
        is_environ = (
            isinstance(node, ast.Attribute)
            and node.attr == "environ"
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        )
        is_getenv = isinstance(node, ast.Attribute) and node.attr == "getenv"
        if (is_environ and id(node) not in writes) or is_getenv:
            reads.append(node.lineno)
    return sorted(reads)


def test_only_the_configuration_reads_the_environment() -> None:
    readers = {
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in _sources()
        if path.relative_to(ROOT).as_posix() not in {"api/config.py", *KNOWN_ENVIRONMENT_READERS}
        for line in _environment_reads(path)
    }
    assert not readers, f"read the environment through api.config instead: {sorted(readers)}"


def test_the_environment_check_sees_a_read(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "import os\nos.environ['A'] = '1'\nos.environ.setdefault('B', '2')\n"
        "x = os.environ.get('C')\ny = os.getenv('D')\n"
    )
    assert _environment_reads(module) == [4, 5]


def test_higher_areas_answer_the_questions_of_lower_ones() -> None:
    """The answers (api.core.hooks) are registered by loading the Piccolo registry alone, as
    every process that touches the database does: no request or app needed."""
    import api.piccolo_conf  # noqa: F401
    from api.accounts.services import APPROVALS_WAITING
    from api.meetings.invitations import is_committee_secretariat
    from api.minutes.services.inbox import has_pending_minutes
    from api.minutes.services.reading import minutes_confirmed
    from api.outbox.digest import DIGEST_AUDIENCE
    from api.papers.services import MINUTES_CONFIRMED

    assert has_pending_minutes in APPROVALS_WAITING._answers
    assert is_committee_secretariat in DIGEST_AUDIENCE._answers
    assert minutes_confirmed in MINUTES_CONFIRMED._answers
