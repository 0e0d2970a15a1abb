"""Browser end-to-end fixtures: the real Hadir server as a user would start it, and Chromium.

The server runs as a subprocess on its own SQLite file in a temporary directory (never the
DATABASE_URL of the surrounding test run, so these tests are not part of the PostgreSQL
re-run): `python -m api migrate`, `python -m api demo`, `python -m api serve`. Demo accounts come
from the demo-accounts.json it writes.

Chromium is Debian's (/usr/bin/chromium); Playwright's own browser download does not work here.
The base URL is http://localhost:<port>. Chromium treats both localhost and 127.0.0.1 as secure
contexts, so the `Secure` / `__Host-` cookies and the service worker work over plain http with
either; localhost is the one that also works for passkeys (a WebAuthn RP ID cannot be an IP
address) and it is the server's default BASE_URL, whose origin WebAuthn checks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_server import free_port, server_env

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium not installed: apt-get install chromium"
# The network is closed: without these Chromium keeps trying to reach Google's services.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
TABLET = {"width": 1024, "height": 768}


@dataclass
class DemoAccount:
    login_id: str
    password: str
    name: str
    role: str
    description: str
    totp_secret: str = ""

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> DemoAccount:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in item.items() if k in known})


@dataclass
class HadirServer:
    base_url: str
    var_dir: Path
    log_path: Path
    accounts: dict[str, DemoAccount]
    # Results one test hands to a later one (e.g. the temporary password issued in test a).
    shared: dict[str, Any] = field(default_factory=dict)
    # Last TOTP time step used per secret: the server accepts each step once (replay guard).
    totp_steps: dict[str, int] = field(default_factory=dict)

    def totp_code(self, secret: str) -> str:
        """A code the server will accept now: the current step, or the next one (the server
        allows one step of drift) when the current one was already used; waits if need be."""
        import pyotp

        while True:
            now = int(time.time() // 30)
            step = max(now, self.totp_steps.get(secret, -1) + 1)
            if step <= now + 1:
                self.totp_steps[secret] = step
                return str(pyotp.TOTP(secret, interval=30).at(step * 30))
            time.sleep(30 - time.time() % 30 + 0.05)

    def account(self, role: str) -> DemoAccount:
        return self.accounts[role]

    def url(self, route: str = "") -> str:
        """`route` like "/home" becomes the app's hash route; "" is the app itself."""
        return f"{self.base_url}/#{route}" if route else f"{self.base_url}/"


def _server_env(var_dir: Path, port: int) -> dict[str, str]:
    # Every browser test signs in from 127.0.0.1: the per-IP limit on the secret-taking
    # routes (30 a minute by default, tested in the API tests) would otherwise answer 429
    # to a whole test run that only looks like many people behind one address.
    # The push tests post a subscription whose endpoint is on loopback over http (Chromium here
    # cannot reach a real push service); the scheduler is off, so nothing is ever sent there.
    return server_env(
        var_dir,
        port,
        database_file="b.sqlite3",
        SIGN_IN_RATE_PER_MINUTE="300",
        HADIR_PUSH_HOSTS="127.0.0.1",
        HADIR_PUSH_ALLOW_HTTP="true",
    )


def _wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hadir serve exited early:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"hadir serve not ready after 30 s:\n{log_path.read_text()[-3000:]}")


# Package scope, not session: a live Playwright (sync API) keeps its event loop marked as running
# in this thread, which would break every asyncio test collected after tests/browser.
@pytest.fixture(scope="package")
def hadir_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HadirServer]:
    var_dir = tmp_path_factory.mktemp("hadir-browser")
    port = free_port()
    env = _server_env(var_dir, port)
    for command in ("migrate", "demo"):
        done = subprocess.run(
            [sys.executable, "-m", "api", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"python -m api {command} failed:\n{done.stdout}\n{done.stderr}")
    log_path = var_dir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the worker goes down with it
        )
    try:
        _wait_ready(f"http://127.0.0.1:{port}/readyz", process, log_path)
        base_url = f"http://localhost:{port}"
        raw = json.loads((var_dir / "demo-accounts.json").read_text())
        accounts = {item["role"]: DemoAccount.from_json(item) for item in raw}
        yield HadirServer(base_url=base_url, var_dir=var_dir, log_path=log_path, accounts=accounts)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class PageProblems:
    """What a page reported that a user would never want: CSP violations, script errors."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        def on_console(message: Any) -> None:
            text = message.text
            if "Content Security Policy" in text or "Refused to" in text:
                self.messages.append(f"CSP: {text}")
            elif message.type == "error" and "Failed to load resource" not in text:
                # Failed loads are the expected 401/422 answers of the API (and offline tests).
                self.messages.append(f"console error: {text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        return page


@pytest.fixture
def new_page(browser: Any, hadir_server: HadirServer) -> Iterator[Callable[..., Any]]:
    """new_page(viewport=PHONE, storage_state=None, **context_options) -> a page in a fresh
    context (its own cookies, storage and service worker), closed after the test. Fails the
    test if any page logged a CSP violation or a script error."""
    contexts: list[Any] = []
    problems = PageProblems()

    def make(viewport: dict[str, int] = PHONE, **options: Any) -> Any:
        context = browser.new_context(
            viewport=viewport,
            base_url=hadir_server.base_url,
            locale="ms-MY",
            timezone_id="Asia/Kuala_Lumpur",
            **options,
        )
        context.set_default_timeout(7_000)
        contexts.append(context)
        page = problems.watch(context.new_page())
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems.messages, "\n".join(problems.messages)


@pytest.fixture(scope="package")
def admin_state(browser: Any, hadir_server: HadirServer) -> dict[str, Any]:
    """Cookies of a signed-in agency administrator (signed in once through the UI), for tests
    that need an administrator beside the person they are testing."""
    admin = hadir_server.account("agency_admin")
    context = browser.new_context(base_url=hadir_server.base_url, viewport=TABLET)
    page = context.new_page()
    from tests.browser.helpers import open_app, sign_in_fully

    open_app(page)
    sign_in_fully(page, hadir_server, admin)
    page.get_by_role("heading", name=f"Selamat datang, {admin.name}").wait_for()
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
