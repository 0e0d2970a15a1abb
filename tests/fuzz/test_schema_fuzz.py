"""schemathesis against the app's own OpenAPI schema: no server error (5xx) on the account and
organisation routes, whatever is sent, signed in as an agency administrator.

Runs against a real server process (own SQLite file, demo data). Sign-out, password change,
the reset flow and session ending are left out so the fuzzer does not lock itself out; they
have their own tests in tests/api.
"""

from __future__ import annotations

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
def admin_session(server: LiveServer) -> requests.Session:
    """Signed in as the demo agency administrator (password + TOTP). The session and CSRF
    cookies are `Secure`, which requests will not send over http, so they go as headers."""
    account = server.account("agency_admin")
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


def test_no_server_errors(
    server: LiveServer, admin_session: requests.Session, tmp_path: Path
) -> None:
    """The schemathesis command line, as an API team would run it, with only the "no server
    error" check: validation failures and refusals are the API doing its job."""
    headers = [
        arg
        for name, value in admin_session.headers.items()
        if name.lower() in ("cookie", "x-csrf-token")
        for arg in ("-H", f"{name}: {value}")
    ]
    skip = "|".join(p.replace("/", "\\/") for p in SKIP_PATHS)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{server.base_url}/schema/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "20",
            "--include-path-regex",
            "^/api/(auth|agencies|units|offices|users|role-grants|audit|attendance)",
            "--exclude-path-regex",
            f"^({skip})",
            "--generation-deterministic",
            "--request-timeout",
            "10",
            "--phases",
            "examples,coverage,fuzzing",
            *headers,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    still_signed_in = admin_session.get(f"{server.base_url}/api/auth/me", timeout=10)
    assert still_signed_in.status_code == 200, "the run must have been authenticated throughout"
