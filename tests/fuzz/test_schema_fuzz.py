"""schemathesis against the app's own OpenAPI schema: no server error (5xx), whatever is sent,
on the account, organisation, attendance and approvals routes, committees and paper uploads,
signed in as the super administrator (who reaches every agency: creating agencies and
committees anywhere is where the 5xx of issue 18 were).

Runs against a real server process (own SQLite file, demo data), with every phase, stateful
sequences included, within a time budget (CI has 90 minutes for everything). Sign-out,
password change, the reset flow and session ending are left out so the fuzzer does not lock
itself out; they have their own tests in tests/api and tests/security.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import requests

from tests.support.live_server import LiveServer, live_server

SKIP_PATHS = (
    "/api/auth/sign-out",
    "/api/auth/password",
    "/api/auth/reset",
    "/api/auth/sessions",
    "/api/auth/mfa/totp",
    "/api/auth/passkeys/",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A high per-IP limit: the fuzzer is one client sending many sign-in attempts.
    with live_server(tmp_path_factory.mktemp("fuzz"), SIGN_IN_RATE_PER_MINUTE="100000") as running:
        yield running


@pytest.fixture(scope="module")
def fuzz_session(server: LiveServer) -> requests.Session:
    """Signed in as the demo super administrator (password + TOTP). The session and CSRF
    cookies are `Secure`, which requests will not send over http, so they go as headers."""
    account = server.account("super_admin")
    http = requests.Session()
    http.get(f"{server.base_url}/healthz", timeout=10)
    csrf = http.cookies.get("__Host-hadir_csrf")
    headers = {"x-csrf-token": csrf, "cookie": f"__Host-hadir_csrf={csrf}"}
    first = requests.post(
        f"{server.base_url}/api/auth/sign-in",
        json={"loginId": account["login_id"], "password": account["password"]},
        headers=headers,
        timeout=10,
    )
    assert first.status_code == 200, first.text
    pending = first.cookies.get("__Host-hadir_session")
    second = requests.post(
        f"{server.base_url}/api/auth/mfa/totp",
        json={"code": pyotp.TOTP(account["totp_secret"]).now()},
        headers={**headers, "cookie": f"{headers['cookie']}; __Host-hadir_session={pending}"},
        timeout=10,
    )
    assert second.status_code == 200, second.text
    session_id = second.cookies.get("__Host-hadir_session")
    http.headers.update(
        {
            "x-csrf-token": csrf,
            "cookie": f"__Host-hadir_csrf={csrf}; __Host-hadir_session={session_id}",
        }
    )
    return http


# The operations of the issue-18 server errors are all inside these: approvals decisions,
# PUT /api/users/{id}/offices, POST /api/agencies, POST /api/auth/passkeys, POST /api/committees,
# POST /api/meetings/{id}/papers (agendaItem).
INCLUDE = (
    "^/api/(auth|agencies|units|offices|users|role-grants|audit|attendance|approvals|committees"
    "|meetings/\\{meeting_id\\}/papers$)"
)
# Seconds for the two schemathesis runs (the earlier, narrower single run took about 4.5
# minutes): examples, coverage and fuzzing of every included operation, then stateful
# sequences. The stateful run leaves out signing in: it feeds login ids read from earlier
# answers into the sign-in and would lock the fuzzing account itself out (lockout works).
BUDGET = {"examples,coverage,fuzzing": 140, "stateful": 70}
STATEFUL_SKIP = ("/api/auth/sign-in", "/api/auth/passkey/", "/api/auth/mfa/")


def _schemathesis(
    server: LiveServer, headers: list[str], phases: str, skip: tuple[str, ...], cwd: Path
) -> subprocess.CompletedProcess[str]:
    budget = BUDGET[phases]
    excluded = "|".join(p.replace("/", "\\/") for p in skip)
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{server.base_url}/schema/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "20",
            "--include-path-regex",
            INCLUDE,
            "--exclude-path-regex",
            f"^({excluded})",
            "--generation-deterministic",
            "--request-timeout",
            "10",
            "--phases",
            phases,
            "--max-time",
            str(budget),
            *headers,
        ],
        capture_output=True,
        text=True,
        timeout=budget + 300,
        cwd=cwd,
    )


def _audit_of(server: LiveServer, login_id: str) -> str:
    """The fuzzing account's last audit events, to tell why a run lost its session."""
    with sqlite3.connect(server.var_dir / "live.sqlite3") as db:
        rows = db.execute(
            "SELECT e.action, e.detail FROM audit_event e"
            " JOIN app_user u ON CAST(u.id AS TEXT) = e.target_id"
            " WHERE u.login_id = ? ORDER BY e.seq DESC LIMIT 10",
            (login_id,),
        ).fetchall()
    return "\n".join(f"{action} {detail}" for action, detail in rows)


def test_no_server_errors(
    server: LiveServer, fuzz_session: requests.Session, tmp_path: Path
) -> None:
    """The schemathesis command line, as an API team would run it, with only the "no server
    error" check: validation failures and refusals are the API doing its job."""
    headers = [
        arg
        for name, value in fuzz_session.headers.items()
        if name.lower() in ("cookie", "x-csrf-token")
        for arg in ("-H", f"{name}: {value}")
    ]
    login_id = server.account("super_admin")["login_id"]
    for phases, skip in (
        ("examples,coverage,fuzzing", SKIP_PATHS),
        ("stateful", SKIP_PATHS + STATEFUL_SKIP),
    ):
        result = _schemathesis(server, headers, phases, skip, tmp_path)
        # The failures first (each with the request that caused it), then the summary.
        failures = result.stdout.find("FAILURES")
        report = (
            (result.stdout[failures : failures + 6000] if failures >= 0 else "")
            + result.stdout[-3000:]
            + result.stderr[-2000:]
        )
        assert result.returncode == 0, report
        print(f"schemathesis {phases}:", *result.stdout.strip().splitlines()[-12:], sep="\n")
        still_signed_in = fuzz_session.get(f"{server.base_url}/api/auth/me", timeout=10)
        assert still_signed_in.status_code == 200, (
            f"the {phases} run must have been authenticated throughout:\n"
            + _audit_of(server, login_id)
        )
