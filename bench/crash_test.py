"""Crash test: SIGKILL the server in the middle of a check-in rush; nothing acknowledged is lost.

    .venv/bin/python bench/crash_test.py [--officers 300] [--taps 6] [--concurrency 64]
        [--database sqlite|postgresql] [--workers 1] [--kill-after 3] [--down 1.5]

Sets up Hadir as `checkin_bench.py` does (a throwaway database, officers with sessions) and
starts it as the Procfile would (`python -m api serve`, granian). Each officer is a client with
its own client ids (one UUID per tap) sending its taps one after the other, as the phone does:
a tap is retried with the same client id until the server acknowledges it (2xx). After
`--kill-after` seconds the whole server process group gets SIGKILL (no shutdown, no flush), stays
down for `--down` seconds and is started again; the clients keep retrying. At the end the
database must hold every tap exactly once: every acknowledged check-in stored under the id the
server answered, no client id twice, nothing missing. Prints the figures; exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checkin_bench import seed_postgres_async, seed_sqlite, start, stop, wait_ready  # noqa: E402

from tests.support.live_server import free_port, server_env  # noqa: E402

FIX = {"lat": 2.9266, "lon": 101.69675, "accuracy": 12.0}


@dataclass
class Stats:
    acknowledged: dict[tuple[int, str], int] = field(default_factory=dict)  # → record id
    replayed: int = 0
    retries: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    acked_before_kill: int = 0
    killed_at: float = 0.0
    back_at: float = 0.0


async def officer(
    client: httpx.AsyncClient,
    url: str,
    user_id: int,
    headers: dict[str, str],
    taps: int,
    stats: Stats,
    deadline: float,
) -> None:
    for n in range(taps):
        client_id = str(uuid.uuid4())
        body = {"clientId": client_id, "kind": "in" if n % 2 == 0 else "out", "fix": FIX}
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            if attempt > 1:
                stats.retries += 1
                await asyncio.sleep(min(0.05 * attempt, 0.5))
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.HTTPError as error:
                stats.errors[type(error).__name__] += 1
                continue
            if response.status_code >= 500 or response.status_code in (408, 429):
                stats.errors[f"HTTP {response.status_code}"] += 1
                continue
            if response.status_code >= 300:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
            answer = response.json()
            stats.acknowledged[(user_id, client_id)] = int(answer["id"])
            stats.replayed += bool(answer.get("replayed"))
            break
        else:
            return


async def rush(
    base: str,
    keys: list[str],
    csrf: str,
    taps: int,
    concurrency: int,
    stats: Stats,
) -> float:
    url = f"{base}/api/attendance/check-ins"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    deadline = time.monotonic() + 300
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:

        async def one(index: int, key: str) -> None:
            headers = {
                "x-csrf-token": csrf,
                "cookie": f"__Host-hadir_csrf={csrf}; __Host-hadir_session={key}",
            }
            async with gate:
                await officer(client, url, index + 1, headers, taps, stats, deadline)

        began = time.perf_counter()
        await asyncio.gather(*(one(i, k) for i, k in enumerate(keys)))
        return time.perf_counter() - began


def stored_rows(database_url: str, var_dir: Path) -> list[tuple[int, str, int]]:
    query = 'SELECT "user", client_id, id FROM check_in'
    if database_url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(var_dir / "live.sqlite3")
        try:
            return [(int(u), str(c), int(i)) for u, c, i in connection.execute(query)]
        finally:
            connection.close()

    async def fetch() -> list[tuple[int, str, int]]:
        import asyncpg

        connection = await asyncpg.connect(database_url)
        try:
            return [(int(r[0]), str(r[1]), int(r[2])) for r in await connection.fetch(query)]
        finally:
            await connection.close()

    return asyncio.run(fetch())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--taps", type=int, default=6, help="check-ins per officer")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds into the rush")
    parser.add_argument("--down", type=float, default=1.5, help="seconds the server stays dead")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="hadir-crash-"))
    port = free_port()
    env = server_env(var_dir, port, WEB_CONCURRENCY=str(args.workers))
    if args.database == "postgresql":
        # A database of its own on the local server unless DATABASE_URL names one (which is
        # emptied first).
        default = "postgresql://postgres@127.0.0.1:5432/hadir_crash"
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", default)
        if not env["DATABASE_URL"].startswith("postgres"):
            raise SystemExit("--database postgresql needs DATABASE_URL=postgresql://…")
        if env["DATABASE_URL"] == default:
            subprocess.run(
                [
                    "psql",
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-c",
                    "CREATE DATABASE hadir_crash",
                ],
                check=False,
                capture_output=True,
            )
        subprocess.run(
            [
                "psql",
                "-q",
                env["DATABASE_URL"],
                "-c",
                "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
            ],
            check=True,
        )
    subprocess.run(
        [sys.executable, "-m", "api", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    if args.database == "sqlite":
        keys = seed_sqlite(var_dir / "live.sqlite3", args.officers)
    else:
        keys = asyncio.run(seed_postgres_async(env["DATABASE_URL"], args.officers))

    log = var_dir / "server.log"
    base = f"http://127.0.0.1:{port}"
    server = start([sys.executable, "-m", "api", "serve"], env, log)
    wait_ready(f"{base}/readyz", server, log)
    csrf = httpx.get(f"{base}/healthz").cookies["__Host-hadir_csrf"]
    stats = Stats()

    async def crash_and_restart() -> None:
        nonlocal server
        await asyncio.sleep(args.kill_after)
        stats.acked_before_kill = len(stats.acknowledged)
        os.killpg(server.pid, signal.SIGKILL)  # the whole group: granian and its workers
        server.wait()
        stats.killed_at = time.monotonic()
        await asyncio.sleep(args.down)
        server = start([sys.executable, "-m", "api", "serve"], env, var_dir / "server2.log")
        await asyncio.to_thread(wait_ready, f"{base}/readyz", server, var_dir / "server2.log")
        stats.back_at = time.monotonic()

    async def run() -> float:
        crasher = asyncio.create_task(crash_and_restart())
        elapsed = await rush(base, keys, csrf, args.taps, args.concurrency, stats)
        await crasher
        return elapsed

    try:
        elapsed = asyncio.run(run())
    finally:
        stop(server)

    rows = stored_rows(env["DATABASE_URL"], var_dir)
    by_tap = Counter((user, client_id) for user, client_id, _ in rows)
    stored_id = {(user, client_id): row_id for user, client_id, row_id in rows}
    duplicates = sum(1 for count in by_tap.values() if count > 1)
    taps = args.officers * args.taps
    missing = [tap for tap in stats.acknowledged if tap not in stored_id]
    wrong_id = [tap for tap, rid in stats.acknowledged.items() if stored_id.get(tap) not in (rid,)]
    unacknowledged = taps - len(stats.acknowledged)
    print(f"\n{args.database}, {args.workers} worker(s), {args.concurrency} concurrent clients")
    print(f"taps sent                      {taps} ({args.officers} officers × {args.taps})")
    print(f"acknowledged before the kill   {stats.acked_before_kill}")
    print(f"server down (kill → ready)     {stats.back_at - stats.killed_at:.1f} s")
    print(f"acknowledged in the end        {len(stats.acknowledged)}")
    print(f"answered as replays            {stats.replayed} (committed, answer lost in the kill)")
    print(f"retries                        {stats.retries} {dict(stats.errors)}")
    print(f"rows stored                    {len(rows)}")
    print(f"acknowledged but not stored    {len(missing)}")
    print(f"stored under another id        {len(wrong_id)}")
    print(f"client ids stored twice        {duplicates}")
    print(f"never acknowledged             {unacknowledged}")
    print(f"rush took                      {elapsed:.1f} s")
    ok = not missing and not wrong_id and not duplicates and not unacknowledged
    ok = ok and len(rows) == taps
    print("RESULT", "ok: every acknowledged check-in stored exactly once" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
