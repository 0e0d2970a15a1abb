"""The lock files in requirements/ are what `make run`, `make test` and CI install: each must pin,
with hashes, a version that pyproject.toml allows for every declared dependency, so that a change
to pyproject.toml without `make lock` fails here instead of on a fresh machine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _pins(lock: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    declared = [Requirement(text) for text in PROJECT["dependencies"]]
    for extra in extras:
        for text in PROJECT["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
                declared += _requirements(tuple(requirement.extras))
            else:
                declared.append(requirement)
    return declared


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("run.txt", ()), ("scale.txt", ("scale",)), ("test.txt", ("test",))],
)
def test_lock_pins_an_allowed_version_of_every_dependency(
    lock: str, extras: tuple[str, ...]
) -> None:
    pins = _pins(lock)
    for requirement in _requirements(extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared but not in requirements/{lock}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pins[name]}, pyproject.toml asks {requirement}"
        )


@pytest.mark.parametrize("lock", ["run.txt", "scale.txt", "test.txt"])
def test_every_pin_carries_hashes(lock: str) -> None:
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    for entry in entries:
        if PIN.match(entry):
            assert "--hash=sha256:" in entry, f"{entry.splitlines()[0]} has no hash in {lock}"


def test_the_embedded_default_installs_neither_redis_nor_asyncpg() -> None:
    pins = _pins("run.txt")
    assert "redis" not in pins
    assert "asyncpg" not in pins
