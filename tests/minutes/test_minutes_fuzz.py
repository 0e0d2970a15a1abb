"""schemathesis against the minutes and actions routes: no server error (5xx), whatever is
sent, signed in as the demo committee's secretariat (so requests reach the rules, not only the
404 of someone outside the committee). Same set-up as tests/fuzz/test_schema_fuzz.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import requests

from tests.support.live_server import LiveServer, live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(
        tmp_path_factory.mktemp("fuzz-minutes"), SIGN_IN_RATE_PER_MINUTE="100000"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def secretariat(server: LiveServer) -> requests.Session:
    """Signed in (password + TOTP) as the demo committee's secretariat; the `Secure` cookies
    go as headers, since requests will not send them over http."""
    account = server.account("secretariat")
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
            "x-csrf-token": str(csrf),
            "cookie": f"__Host-hadir_csrf={csrf}; __Host-hadir_session={session_id}",
        }
    )
    return http


def test_minutes_routes_have_no_server_errors(
    server: LiveServer, secretariat: requests.Session, tmp_path: Path
) -> None:
    headers = [
        arg
        for name, value in secretariat.headers.items()
        if name.lower() in ("cookie", "x-csrf-token")
        for arg in ("-H", f"{name}: {value}")
    ]
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{server.base_url}/schema/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "15",
            "--include-path-regex",
            r"^/api/(meetings/\{meeting_id\}/(minutes|matters-arising|actions)|actions|approvals/minutes)",
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
    still_signed_in = secretariat.get(f"{server.base_url}/api/auth/me", timeout=10)
    assert still_signed_in.status_code == 200
