"""Python CPU per check-in, without HTTP and without the machine's load in the figure.

    .venv/bin/python bench/checkin_profile.py [--database sqlite|postgresql] [--requests 5000]
        [--concurrency 64] [--profile] [--officers 5000]

Builds Hadir's ASGI app as `python -m api serve` does and calls it directly (no socket, no
granian): warm-up over every session, then `--requests` check-ins with `--concurrency` in
flight. Prints the process CPU time per check-in (`time.process_time`, which counts this
process's CPU only: other engineers' load changes it little) and the same for the bare
Litestar JSON POST app called the same way, with the ratio. `--profile` runs the measured
part under cProfile and prints where the time goes (cumulative and own time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import os
import pstats
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin_bench import BARE_APP, pg_url, psql, seed_postgres_async, seed_sqlite  # noqa: E402

from tests.support.live_server import server_env  # noqa: E402

BODY = b'{"clientId":"%s","kind":"in","fix":{"lat":2.9266,"lon":101.69675,"accuracy":12}}'


async def call(
    app: Any,
    path: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    method: str = "POST",
    answer: list[tuple[bytes, bytes]] | None = None,
) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            if answer is not None:
                answer.extend(message.get("headers", []))

    await app(scope, receive, send)
    return status


async def drive(
    app: Any, path: str, requests: list[tuple[list[tuple[bytes, bytes]], bytes]], concurrency: int
) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, failures) for the requests, `concurrency` in flight."""
    queue = list(reversed(requests))
    failures = 0

    async def worker() -> None:
        nonlocal failures
        while queue:
            headers, body = queue.pop()
            if await call(app, path, headers, body) >= 300:
                failures += 1

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - cpu, time.perf_counter() - wall, failures


async def lifespan(app: Any) -> Any:
    messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await messages.put({"type": "lifespan.startup"})
    started = asyncio.Event()

    async def receive() -> dict[str, Any]:
        return await messages.get()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()
        elif message["type"].endswith("failed"):
            raise RuntimeError(message)

    task = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    )
    await started.wait()
    return messages, task


def check_in_requests(keys: list[str], csrf: str) -> list[tuple[list[tuple[bytes, bytes]], bytes]]:
    return [
        (
            [
                (b"host", b"127.0.0.1"),
                (b"content-type", b"application/json"),
                (b"x-csrf-token", csrf.encode()),
                (
                    b"cookie",
                    f"__Host-hadir_csrf={csrf}; __Host-hadir_session={key}".encode(),
                ),
            ],
            BODY % uuid.uuid4().hex.encode(),
        )
        for key in keys
    ]


async def measure(args: argparse.Namespace, keys: list[str]) -> None:
    # Imported once the environment names the bench's database (settings are cached when read).
    from api.app import CSRF_COOKIE, create_app

    app = create_app()
    messages, task = await lifespan(app)
    answer: list[tuple[bytes, bytes]] = []
    await call(app, "/healthz", [(b"host", b"127.0.0.1")], b"", "GET", answer)
    cookie = next(v.decode() for k, v in answer if k == b"set-cookie" and CSRF_COOKIE in v.decode())
    csrf = cookie.split(";")[0].split("=", 1)[1]
    warm = check_in_requests(keys, csrf)
    _, _, failures = await drive(app, "/api/attendance/check-ins", warm, args.concurrency)
    if failures:
        print(f"warm-up: {failures} failures (CSRF or session?)")
    measured = check_in_requests([keys[i % len(keys)] for i in range(args.requests)], csrf)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    cpu, wall, failures = await drive(app, "/api/attendance/check-ins", measured, args.concurrency)
    if profiler:
        profiler.disable()
    await messages.put({"type": "lifespan.shutdown"})
    await task

    bare_dir = Path(tempfile.mkdtemp(prefix="hadir-bare-"))
    (bare_dir / "bare_app.py").write_text(BARE_APP)
    sys.path.insert(0, str(bare_dir))
    bare_app = importlib.import_module("bare_app")  # the module just written above

    bare = [([(b"content-type", b"application/json")], b'{"lat":2.9,"lon":101.6}')] * args.requests
    bare_cpu, _, _ = await drive(bare_app.app, "/echo", bare, args.concurrency)
    per = cpu / args.requests * 1e6
    bare_per = bare_cpu / args.requests * 1e6
    print(
        f"{args.database}: {args.requests} check-ins, {failures} failures, "
        f"{per:.0f} µs CPU each ({wall / args.requests * 1e6:.0f} µs wall); "
        f"bare POST {bare_per:.0f} µs; ratio bare/check-in {bare_per / per:.3f}"
    )
    if profiler:
        profiler.dump_stats(str(Path(tempfile.gettempdir()) / "checkin_profile.pstats"))
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pg-prefix", default="hadir_bench_")
    parser.add_argument("--pg-socket", default="", help="PostgreSQL's Unix socket directory")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="hadir-profile-"))
    env = server_env(var_dir, 0, SIGN_IN_RATE_PER_MINUTE="100000")
    pg_name = ""
    if args.database == "postgresql":
        pg_name = f"{args.pg_prefix}{uuid.uuid4().hex[:6]}"
        psql(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = pg_url(pg_name, args.pg_socket)
    try:
        subprocess.run(
            [sys.executable, "-m", "api", "migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        if pg_name:
            keys = asyncio.run(seed_postgres_async(env["DATABASE_URL"], args.officers))
        else:
            keys = seed_sqlite(var_dir / "live.sqlite3", args.officers)
        os.environ.clear()
        os.environ.update(env)
        asyncio.run(measure(args, keys))
    finally:
        if pg_name:
            subprocess.run(
                [
                    "psql",
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-c",
                    f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)',
                ],
                check=False,
                capture_output=True,
            )


if __name__ == "__main__":
    main()
