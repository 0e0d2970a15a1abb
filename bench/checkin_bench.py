"""Morning rush: authenticated check-ins against Hadir served as the Procfile serves it.

    .venv/bin/python bench/checkin_bench.py [--officers 5000] [--concurrency 64]
        [--database sqlite|postgresql] [--workers 1]

Sets up a throwaway database (SQLite file, or a fresh PostgreSQL database on 127.0.0.1), one
agency with an office, N officers assigned to it, and a signed-in session per officer (written
straight into the session store: signing 5,000 people in with argon2 and TOTP would measure
the set-up, not the rush). Starts `python -m api serve` (granian), then every officer checks in
once through the real endpoint (session, CSRF, geofence, plausibility, durable write) with
`--concurrency` clients in flight. Prints check-ins/s and latency percentiles, and the same for
a bare Litestar JSON POST app served by granian the same way, with the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_server import free_port, server_env  # noqa: E402

OFFICE = {
    "type": "Polygon",
    "coordinates": [
        [
            [101.6960, 2.9260],
            [101.6975, 2.9260],
            [101.6975, 2.9272],
            [101.6960, 2.9272],
            [101.6960, 2.9260],
        ]
    ],
}
BARE_APP = """
from litestar import Litestar, post

@post("/echo")
async def echo(data: dict) -> dict:
    return {"ok": True, "n": len(data)}

app = Litestar([echo])
"""


def seed_sqlite(path: Path, officers: int) -> list[str]:
    connection = sqlite3.connect(path)
    now = "2026-01-01 00:00:00+00:00"
    with connection:
        connection.execute(
            "INSERT INTO agency (code, name, state, timezone, created_at) "
            "VALUES ('BEN', 'Bench', 'PJY', 'Asia/Kuala_Lumpur', ?)",
            (now,),
        )
        connection.execute(
            "INSERT INTO office (agency, code, name, address, state, geometry, active, created_at)"
            " VALUES (1, 'HQ', 'HQ', '', 'PJY', ?, 1, ?)",
            (json.dumps(OFFICE), now),
        )
        keys = _seed_people(connection.execute, officers, now, "?")
    connection.close()
    return keys


def _seed_people(execute, officers: int, now: str, mark: str) -> list[str]:  # type: ignore[no-untyped-def]
    keys = []
    created = time.time()
    for n in range(1, officers + 1):
        execute(
            "INSERT INTO app_user (agency, login_id, name, title, position, grade, phone, email,"
            " state, state_reason, language, created_at) VALUES "
            f"(1, {mark}, {mark}, '', '', '', '', {mark}, 'active', '', 'ms', {mark})",
            (f"B{n:07d}", f"Pegawai {n}", f"p{n}@bench.test", now),
        )
        execute(
            'INSERT INTO office_assignment ("user", office, created_at) VALUES '
            f"({mark}, 1, {mark})",
            (n, now),
        )
        execute(
            'INSERT INTO credential ("user", password_is_temporary, failed_attempts) VALUES '
            f"({mark}, false, 0)",
            (n,),
        )
        execute(
            'INSERT INTO totp_factor ("user", secret_sealed, confirmed_at, last_used_step, '
            f"created_at) VALUES ({mark}, 'x', {mark}, 0, {mark})",
            (n, now, now),
        )
        key = uuid.uuid4().hex + uuid.uuid4().hex
        data = json.dumps({"uid": n, "created": created, "stage": "full"})
        execute(
            "INSERT INTO http_session (key, data, expires_at, user_id) VALUES "
            f"({mark}, {mark}, {mark}, {mark})",
            (key, data.encode(), "2099-01-01 00:00:00+00:00", n),
        )
        keys.append(key)
    return keys


async def seed_postgres_async(url: str, officers: int) -> list[str]:
    from datetime import UTC, datetime

    import asyncpg

    connection = await asyncpg.connect(url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    created = time.time()
    await connection.execute(
        "INSERT INTO agency (code, name, state, timezone, created_at) "
        "VALUES ('BEN', 'Bench', 'PJY', 'Asia/Kuala_Lumpur', $1)",
        now,
    )
    await connection.execute(
        "INSERT INTO office (agency, code, name, address, state, geometry, active, created_at)"
        " VALUES (1, 'HQ', 'HQ', '', 'PJY', $1, true, $2)",
        json.dumps(OFFICE),
        now,
    )
    keys = [uuid.uuid4().hex + uuid.uuid4().hex for _ in range(officers)]
    await connection.copy_records_to_table(
        "app_user",
        records=[
            (
                1,
                f"B{n:07d}",
                f"Pegawai {n}",
                "",
                "",
                "",
                "",
                f"p{n}@bench.test",
                "active",
                "",
                "ms",
                now,
            )
            for n in range(1, officers + 1)
        ],
        columns=[
            "agency",
            "login_id",
            "name",
            "title",
            "position",
            "grade",
            "phone",
            "email",
            "state",
            "state_reason",
            "language",
            "created_at",
        ],
    )
    await connection.copy_records_to_table(
        "office_assignment",
        records=[(n, 1, now) for n in range(1, officers + 1)],
        columns=["user", "office", "created_at"],
    )
    await connection.copy_records_to_table(
        "credential",
        records=[(n, False, 0) for n in range(1, officers + 1)],
        columns=["user", "password_is_temporary", "failed_attempts"],
    )
    await connection.copy_records_to_table(
        "totp_factor",
        records=[(n, "x", now, 0, now) for n in range(1, officers + 1)],
        columns=["user", "secret_sealed", "confirmed_at", "last_used_step", "created_at"],
    )
    await connection.copy_records_to_table(
        "http_session",
        records=[
            (
                keys[n - 1],
                json.dumps({"uid": n, "created": created, "stage": "full"}).encode(),
                datetime(2099, 1, 1, tzinfo=UTC),
                n,
            )
            for n in range(1, officers + 1)
        ],
        columns=["key", "data", "expires_at", "user_id"],
    )
    await connection.close()
    return keys


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        try:
            if httpx.get(url, timeout=1).status_code in (200, 405):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"not ready: {url}\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


async def drive(
    url: str, bodies: list[tuple[dict[str, str], dict[str, object]]], concurrency: int
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[tuple[dict[str, str], dict[str, object]]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal failures
            while True:
                try:
                    headers, body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                began = time.perf_counter()
                response = await client.post(url, json=body, headers=headers)
                latencies.append(time.perf_counter() - began)
                if response.status_code >= 300:
                    failures += 1
                    if failures <= 3:
                        print(f"  failure {response.status_code}: {response.text[:200]}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return elapsed, latencies, failures


WRK_SCRIPT = """
local sessions = {}
for line in io.lines("%(sessions)s") do sessions[#sessions + 1] = line end
local counter = 0
local csrf = "%(csrf)s"
local thread_id = 0
setup = function(thread) thread:set("thread_id", thread_id); thread_id = thread_id + 1 end
request = function()
  counter = counter + 1
  local key = sessions[(counter - 1) %% #sessions + 1]
  local body = string.format(
    '{"clientId":"wrk-%%d-%%d-%%d","kind":"in","fix":{"lat":2.9266,"lon":101.69675,"accuracy":12}}',
    thread_id, counter, os.time())
  return wrk.format("POST", "%(path)s", {
    ["content-type"] = "application/json",
    ["x-csrf-token"] = csrf,
    ["cookie"] = "__Host-hadir_csrf=" .. csrf .. "; __Host-hadir_session=" .. key,
  }, body)
end
%(delay)s
done = function(summary, latency, requests)
  io.write(string.format("WRK %%d %%d %%.1f %%.1f %%.1f %%d\\n", summary.requests,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(90) / 1000, summary.errors.status))
end
"""


def run_wrk(
    url: str,
    path: str,
    csrf: str,
    keys: list[str],
    seconds: int,
    concurrency: int,
    work: Path,
    rate: float = 0.0,
) -> tuple[int, float, float, float, int]:
    sessions = work / "sessions.txt"
    sessions.write_text("\n".join(keys) + "\n")
    script = work / "checkin.lua"
    # --rate: each connection waits concurrency/rate seconds between its requests (wrk's
    # delay()), so the offered load stays near `rate` while latency is low; the achieved rate
    # is what is printed.
    delay = f"delay = function() return {concurrency * 1000 / rate:.1f} end" if rate else ""
    script.write_text(
        WRK_SCRIPT % {"sessions": sessions, "csrf": csrf, "path": path, "delay": delay}
    )
    done = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    requests, micros, p50, p99, _p90, errors = line.split()[1:]
    return int(requests), int(micros) / 1e6, float(p50), float(p99), int(errors)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


def wrk_report(name: str, result: tuple[int, float, float, float, int]) -> float:
    requests, seconds, p50, p99, errors = result
    rate = requests / seconds
    print(
        f"{name:<34} {requests:>6} req  {rate:>8.0f} /s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
        f"  non-2xx {errors}"
    )
    return rate


def count_check_ins(database_url: str, var_dir: Path) -> int:
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(var_dir / "live.sqlite3")
        try:
            return int(connection.execute("SELECT count(*) FROM check_in").fetchone()[0])
        finally:
            connection.close()

    async def count() -> int:
        import asyncpg

        connection = await asyncpg.connect(database_url)
        try:
            return int(await connection.fetchval("SELECT count(*) FROM check_in"))
        finally:
            await connection.close()

    return asyncio.run(count())


def report(name: str, elapsed: float, latencies: list[float], failures: int) -> float:
    rate = len(latencies) / elapsed
    print(
        f"{name:<34} {len(latencies):>6} req  {rate:>8.0f} /s  p50 {pct(latencies, 50):7.1f} ms"
        f"  p99 {pct(latencies, 99):7.1f} ms  failures {failures}"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--seconds", type=int, default=20, help="with wrk: how long to send check-ins"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="with wrk: offer about this many check-ins/s instead of as many as possible",
    )
    parser.add_argument(
        "--no-group-commit",
        action="store_true",
        help="SQLite: one transaction per check-in (HADIR_GROUP_COMMIT=0), to compare",
    )
    args = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None
    if not use_wrk:
        print("wrk not found (apt-get install wrk): using the slower Python client")

    var_dir = Path(tempfile.mkdtemp(prefix="hadir-bench-"))
    port = free_port()
    extra = {"WEB_CONCURRENCY": str(args.workers), "SIGN_IN_RATE_PER_MINUTE": "100000"}
    if args.no_group_commit:
        extra["HADIR_GROUP_COMMIT"] = "0"
    env = server_env(var_dir, port, **extra)
    pg_name = ""
    if args.database == "postgresql":
        pg_name = f"hadir_bench_{uuid.uuid4().hex[:6]}"
        subprocess.run(
            [
                "psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-c",
                f'CREATE DATABASE "{pg_name}"',
            ],
            check=True,
        )
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{pg_name}"
    try:
        subprocess.run(
            [sys.executable, "-m", "api", "migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        began = time.perf_counter()
        if args.database == "sqlite":
            keys = seed_sqlite(var_dir / "live.sqlite3", args.officers)
        else:
            keys = asyncio.run(seed_postgres_async(env["DATABASE_URL"], args.officers))
        print(
            f"seeded {args.officers} officers with sessions in {time.perf_counter() - began:.1f} s"
        )

        log = var_dir / "server.log"
        server = start([sys.executable, "-m", "api", "serve"], env, log)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(f"{base}/readyz", server, log)
            csrf = httpx.get(f"{base}/healthz").cookies["__Host-hadir_csrf"]
            bodies: list[tuple[dict[str, str], dict[str, object]]] = [
                (
                    {
                        "x-csrf-token": csrf,
                        "cookie": f"__Host-hadir_csrf={csrf}; __Host-hadir_session={key}",
                    },
                    {
                        "clientId": str(uuid.uuid4()),
                        "kind": "in",
                        "fix": {"lat": 2.9266, "lon": 101.69675, "accuracy": 12.0},
                    },
                )
                for key in keys
            ]
            if use_wrk:
                hadir_result = run_wrk(
                    f"{base}/api/attendance/check-ins",
                    "/api/attendance/check-ins",
                    csrf,
                    keys,
                    args.seconds,
                    args.concurrency,
                    var_dir,
                    args.rate,
                )
                stored = count_check_ins(env["DATABASE_URL"], var_dir)
            else:
                elapsed, latencies, failures = asyncio.run(
                    drive(f"{base}/api/attendance/check-ins", bodies, args.concurrency)
                )
        finally:
            stop(server)

        bare_dir = var_dir / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare_app.py").write_text(BARE_APP)
        bare_port = free_port()
        bare = start(
            [
                str(Path(sys.executable).parent / "granian"),
                "--interface",
                "asgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(bare_port),
                "--workers",
                str(args.workers),
                "--working-dir",
                str(bare_dir),
                "bare_app:app",
            ],
            os.environ.copy(),
            bare_dir / "log",
        )
        try:
            wait_ready(f"http://127.0.0.1:{bare_port}/echo", bare, bare_dir / "log")
            if use_wrk:
                bare_result = run_wrk(
                    f"http://127.0.0.1:{bare_port}/echo",
                    "/echo",
                    "x",
                    ["x"],
                    args.seconds,
                    args.concurrency,
                    bare_dir,
                )
            else:
                bare_bodies: list[tuple[dict[str, str], dict[str, object]]] = [
                    ({}, {"lat": 2.9, "lon": 101.6}) for _ in range(len(keys))
                ]
                bare_elapsed, bare_latencies, bare_failures = asyncio.run(
                    drive(f"http://127.0.0.1:{bare_port}/echo", bare_bodies, args.concurrency)
                )
        finally:
            stop(bare)

        offered = f", offered ~{args.rate:.0f}/s" if args.rate else ""
        print(
            f"\n{args.database}, {args.workers} worker(s), {args.concurrency} concurrent clients"
            f"{offered}"
        )
        if use_wrk:
            rate = wrk_report("Hadir check-in (full path)", hadir_result)
            bare_rate = wrk_report("bare Litestar JSON POST", bare_result)
            print(f"check-ins stored: {stored} (wrk counted {hadir_result[0]} requests)")
        else:
            rate = report("Hadir check-in (full path)", elapsed, latencies, failures)
            bare_rate = report(
                "bare Litestar JSON POST", bare_elapsed, bare_latencies, bare_failures
            )
        print(f"ratio check-in / bare: {rate / bare_rate:.3f}")
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
            )


if __name__ == "__main__":
    main()
