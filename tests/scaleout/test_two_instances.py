"""Scale-out as deployed: two stateless web instances and two workers on PostgreSQL + Redis.

Started as the Procfile starts them (release, web × 2, worker × 2), each with its own var/
folder and the shared settings a deployment gives them. Checks what several instances must
share: a session opened on one works on the other, the per-IP sign-in limit counts across
both, each scheduled job runs once per period, each notification is delivered once, and a
rolling deploy (release step, then the instances restarted one by one while the load balancer
sends traffic to the other) loses no request.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests

from tests.notifications.notif_helpers import SmtpSink
from tests.support.live_server import ROOT, free_port, server_env
from tests.support.outbox import start_smtp

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/13"


def _pg_available() -> bool:
    try:
        import asyncpg  # noqa: F401
    except ImportError:
        return False
    return (
        subprocess.run(
            ["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True
        ).returncode
        == 0
    )


def _redis_available() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not (_pg_available() and _redis_available()),
    reason="needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (CI has both)",
)


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


@dataclass
class Process:
    name: str
    command: str
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "api", self.command],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()

    def stop(self) -> None:
        """SIGTERM, as an orchestrator does: granian finishes what is in flight."""
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


@dataclass
class Deployment:
    web: list[Process]
    workers: list[Process]
    urls: list[str]
    env: dict[str, str]
    smtp: SmtpSink
    accounts: list[dict[str, Any]] = field(default_factory=list)

    def account(self, role: str) -> dict[str, Any]:
        return next(a for a in self.accounts if a["role"] == role)

    def release(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "api", "migrate"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )


def _wait_ready(url: str, process: Process, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        assert process.popen is not None
        if process.popen.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(process.log.read_text()[-3000:])


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("scaleout")
    database = f"hadir_scaleout_{os.getpid()}"
    _psql(f"DROP DATABASE IF EXISTS {database}")
    _psql(f"CREATE DATABASE {database}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    controller, smtp = start_smtp(free_port())
    shared = {
        "DATABASE_URL": f"{PG_SERVER}/{database}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "HADIR_MASTER_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "BASE_URL": "http://localhost:8000",
        "SIGN_IN_RATE_PER_MINUTE": "12",
        "HADIR_SMTP_HOST": "127.0.0.1",
        "HADIR_SMTP_PORT": str(smtp.port),
        "HADIR_SMTP_SECURITY": "none",
        # The test plays the load balancer: each test's requests come "from" their own
        # client address, so that one test's sign-ins do not use up another's per-IP limit.
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    ports = [free_port(), free_port()]

    def env_for(name: str, port: int, **extra: str) -> dict[str, str]:
        env = {**server_env(root / name, port), **shared, **extra}
        env["LOG_LEVEL"] = "INFO"  # the workers' "scheduled job finished" lines are counted
        (root / name).mkdir(exist_ok=True)
        return env

    release_env = env_for("release", free_port())
    web = [
        Process(f"web{n}", "serve", env_for(f"web{n}", port), root / f"web{n}.log")
        for n, port in enumerate(ports)
    ]
    workers = [
        Process(f"worker{n}", "worker", env_for(f"worker{n}", free_port()), root / f"worker{n}.log")
        for n in range(2)
    ]
    for process in (*web, *workers):
        process.env["HADIR_SCHEDULER"] = "false" if process.command == "serve" else "true"
    deploy = Deployment(
        web=web,
        workers=workers,
        urls=[f"http://127.0.0.1:{port}" for port in ports],
        env=release_env,
        smtp=smtp,
    )
    try:
        deploy.release()
        subprocess.run(
            [sys.executable, "-m", "api", "demo"],
            cwd=ROOT,
            env=release_env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        deploy.accounts = json.loads((root / "release" / "demo-accounts.json").read_text())
        for process in (*web, *workers):
            process.start()
        for url, process in zip(deploy.urls, web, strict=True):
            _wait_ready(url, process)
        yield deploy
    finally:
        for process in (*web, *workers):
            process.stop()
        controller.stop()
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


class Browser:
    """A phone at `address` behind the load balancer. Cookies go as headers: the `__Host-`
    cookies are Secure and requests keeps them off http."""

    def __init__(self, url: str, address: str) -> None:
        self.address = address
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        first = self.http.get(f"{url}/healthz", timeout=10)
        self.cookies["__Host-hadir_csrf"] = first.cookies["__Host-hadir_csrf"]

    def headers(self) -> dict[str, str]:
        return {
            "x-csrf-token": self.cookies["__Host-hadir_csrf"],
            "cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "x-forwarded-for": self.address,
        }

    def call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        response = self.http.request(method, url, headers=self.headers(), timeout=15, **kwargs)
        if "__Host-hadir_session" in response.cookies:
            self.cookies["__Host-hadir_session"] = response.cookies["__Host-hadir_session"]
        return response

    def sign_in(self, url: str, account: dict[str, Any]) -> None:
        first = self.call(
            "POST",
            f"{url}/api/auth/sign-in",
            json={"loginId": account["login_id"], "password": account["password"]},
        )
        assert first.status_code == 200, first.text
        second = self.call(
            "POST",
            f"{url}/api/auth/mfa/totp",
            json={"code": pyotp.TOTP(account["totp_secret"]).now()},
        )
        assert second.status_code == 200, second.text


def test_a_session_opened_on_one_instance_works_on_the_other(deployment: Deployment) -> None:
    one, other = deployment.urls
    browser = Browser(one, "203.0.113.1")
    browser.sign_in(one, deployment.account("officer"))
    me = browser.call("GET", f"{other}/api/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["loginId"] == deployment.account("officer")["login_id"]
    signed_out = browser.call("POST", f"{other}/api/auth/sign-out")
    assert signed_out.status_code in (200, 204), signed_out.text
    after = browser.call("GET", f"{one}/api/auth/me")
    assert after.status_code == 401 or not after.json().get("loginId"), after.text


def test_the_sign_in_limit_counts_across_instances(deployment: Deployment) -> None:
    """SIGN_IN_RATE_PER_MINUTE=12 for this deployment: 12 tries spread over both instances use
    up the address's minute; the 13th is refused on either."""
    statuses = []
    for n in range(13):
        url = deployment.urls[n % 2]
        response = Browser(url, "203.0.113.2").call(
            "POST", f"{url}/api/auth/reset/request", json={"loginId": "000000000000"}
        )
        statuses.append(response.status_code)
    assert statuses[:12] == [202] * 12, statuses
    assert statuses[12] == 429, statuses
    elsewhere = Browser(deployment.urls[0], "203.0.113.3").call(
        "POST", f"{deployment.urls[0]}/api/auth/reset/request", json={"loginId": "000000000000"}
    )
    assert elsewhere.status_code == 202, "another client address has its own limit"


def _finished_jobs(deployment: Deployment) -> list[str]:
    lines = []
    for worker in deployment.workers:
        for line in worker.log.read_text().splitlines():
            found = re.search(r"scheduled job finished.*?job=(\S+) period=(\S+)", line)
            if found:
                lines.append(f"{found.group(1)}:{found.group(2)}")
    return lines


def test_each_scheduled_job_runs_once_per_period(deployment: Deployment) -> None:
    """Both workers tick at start; the five-minute jobs of the current slot are due for both."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(set(_finished_jobs(deployment))) < 2:
        time.sleep(0.2)
    finished = _finished_jobs(deployment)
    assert {key.split(":")[0] for key in finished} >= {"check-in-seal", "meeting-reminders"}
    assert len(finished) == len(set(finished)), f"a job ran twice in one period: {finished}"


def test_each_notification_is_delivered_once(deployment: Deployment) -> None:
    """A reset link goes by e-mail through the outbox; two workers compete for the row."""
    account = deployment.account("member")
    url = deployment.urls[0]
    before = len(deployment.smtp.messages)
    response = Browser(url, "203.0.113.4").call(
        "POST", f"{url}/api/auth/reset/request", json={"loginId": account["login_id"]}
    )
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(deployment.smtp.messages) == before:
        time.sleep(0.2)
    time.sleep(5)  # long enough for a second delivery by the other worker to show
    delivered = deployment.smtp.messages[before:]
    assert len(delivered) == 1, [m["Subject"] for _, m in delivered]
    _, mail = delivered[0]
    assert "set semula kata laluan" in str(mail["Subject"]).lower()


def test_a_rolling_deploy_loses_no_request(deployment: Deployment) -> None:
    """Traffic goes on, signed in, while the release step runs and each instance is taken out
    of the load balancer, restarted and put back in turn."""
    in_rotation = list(deployment.urls)
    lock = threading.Lock()
    browser = Browser(deployment.urls[0], "203.0.113.5")
    browser.sign_in(deployment.urls[0], deployment.account("supervisor"))  # TOTP: once a step
    failures: list[str] = []
    served = [0]
    stop = threading.Event()

    def traffic() -> None:
        n = 0
        while not stop.is_set():
            with lock:
                url = in_rotation[n % len(in_rotation)]
            n += 1
            try:
                response = browser.call("GET", f"{url}/api/attendance/today")
                if response.status_code != 200:
                    failures.append(f"{url}: {response.status_code} {response.text[:200]}")
                else:
                    served[0] += 1
            except requests.RequestException as error:
                failures.append(f"{url}: {error}")

    thread = threading.Thread(target=traffic)
    thread.start()
    try:
        time.sleep(1)
        deployment.release()
        for url, process in zip(deployment.urls, deployment.web, strict=True):
            with lock:
                in_rotation.remove(url)
            time.sleep(0.3)  # what the load balancer had already sent finishes
            process.stop()
            process.start()
            _wait_ready(url, process)
            with lock:
                in_rotation.append(url)
            time.sleep(1)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert failures == []
    assert served[0] > 20
