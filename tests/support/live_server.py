"""Starting Hadir as a user would (migrate, demo data, serve) on its own SQLite file, for tests
that talk to a real server process over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    base_url: str
    var_dir: Path
    accounts: list[dict[str, Any]]

    def account(self, role: str) -> dict[str, Any]:
        return next(a for a in self.accounts if a["role"] == role)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(
    var_dir: Path, port: int, *, database_file: str = "live.sqlite3", **extra: str
) -> dict[str, str]:
    """The environment of a server started as a user would: only its own settings, whatever
    the surrounding test run has set (its DATABASE_URL may point at PostgreSQL)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HADIR_", "DATABASE_", "REDIS_", "SESSION_", "BACKUP_"))
        and key not in {"SECRET_KEY", "BASE_URL", "PORT", "HOST", "WEB_CONCURRENCY"}
    }
    env.update(
        HADIR_VAR_DIR=str(var_dir),
        HADIR_ENV="development",
        HADIR_SCHEDULER="false",
        DATABASE_URL=f"sqlite:///{var_dir / database_file}",
        PORT=str(port),
        HOST="127.0.0.1",
        PICCOLO_CONF="api.piccolo_conf",
        LOG_LEVEL=os.environ.get("TEST_SERVER_LOG_LEVEL", "WARNING"),  # INFO: access log
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@contextmanager
def live_server(var_dir: Path, **extra_env: str) -> Iterator[LiveServer]:
    port = free_port()
    env = server_env(var_dir, port, **extra_env)
    for command in ("migrate", "demo"):
        subprocess.run(
            [sys.executable, "-m", "api", command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    log = (var_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/readyz", timeout=1) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((var_dir / "server.log").read_text()[-3000:])
            time.sleep(0.1)
        accounts = json.loads((var_dir / "demo-accounts.json").read_text())
        yield LiveServer(base_url=base_url, var_dir=var_dir, accounts=accounts)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
