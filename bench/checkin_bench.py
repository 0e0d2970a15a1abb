"""Morning rush: authenticated check-ins against Hadir served as the Procfile serves it.

    .venv/bin/python bench/checkin_bench.py [--officers 5000] [--concurrency 64]
        [--database sqlite|postgresql] [--workers 1] [--rate R] [--seconds 15]

Sets up a throwaway database (SQLite file, or a fresh PostgreSQL database on 127.0.0.1), one
agency with an office, N officers assigned to it, and a signed-in session per officer (written
straight into the session store: signing 5,000 people in with argon2 and TOTP would measure
the set-up, not the rush). Starts `python -m api serve` (granian), then every officer checks in
once through the real endpoint (session, CSRF, geofence, plausibility, durable write) with
`--concurrency` clients in flight. Prints check-ins/s and latency percentiles, and the same for
a bare Litestar JSON POST app served by granian the same way, with the ratio.

Counted figures, which do not depend on the machine's load, are printed with the timed ones:
the server processes' CPU time per request (Hadir and the bare app, from /proc) and, on
PostgreSQL, the statements per check-in, their execution time and WAL bytes
(`pg_stat_statements`, when the server has it loaded; the bench says so and goes on without
it) and the CPU time of the PostgreSQL backends serving the bench. A warm-up (every session
used once) runs before the measured part, unless `--no-warmup`.

`bench/issue17_table.py` runs the whole set of issue 17 in one go.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.accounts.session_store import stored_session_key  # noqa: E402
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
            (stored_session_key(key), data.encode(), "2099-01-01 00:00:00+00:00", n),
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
                stored_session_key(keys[n - 1]),
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


# ----------------------------------------------------------------------- CPU from /proc

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def group_cpu_s(group: int) -> float:
    """User + system CPU seconds of the live processes of a process group (the server started
    with `start_new_session`: granian and its workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _proc_stat(int(entry.name))
        if fields is not None and int(fields[2]) == group:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def pids_cpu_s(pids: list[int]) -> float | None:
    total, seen = 0.0, False
    for pid in pids:
        fields = _proc_stat(pid)
        if fields is not None:
            seen = True
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total if seen else None


# ----------------------------------------------------------------------- PostgreSQL figures


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
        check=True,
        capture_output=True,
    )


def pg_url(name: str, socket_dir: str = "") -> str:
    """The bench database's URL: TCP on 127.0.0.1, or the Unix socket in `socket_dir`."""
    if socket_dir:
        return f"postgresql://postgres@/{name}?host={socket_dir}"
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


class PostgresCounters:
    """Snapshots of what PostgreSQL counted for the bench's database: `pg_stat_statements`
    (calls, execution time, rows, WAL bytes per statement) when loaded, and the CPU time of
    the backends serving it (from /proc, PostgreSQL on this machine)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statements = False

    async def _connect(self) -> Any:
        import asyncpg

        return await asyncpg.connect(self.url)

    async def prepare(self) -> None:
        connection = await self._connect()
        try:
            await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            await connection.fetch("SELECT 1 FROM pg_stat_statements LIMIT 1")
            self.statements = True
        except Exception as error:  # not installed, or not in shared_preload_libraries
            print(f"pg_stat_statements not available ({str(error).splitlines()[0]}):")
            print("  statements, server time and WAL per check-in are not counted")
        finally:
            await connection.close()

    async def snapshot(self) -> dict[str, Any]:
        connection = await self._connect()
        try:
            pids = [
                int(r["pid"])
                for r in await connection.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                )
            ]
            rows = []
            if self.statements:
                rows = await connection.fetch(
                    "SELECT queryid, query, calls, total_exec_time, rows, wal_bytes"
                    " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database()) AND query NOT LIKE '%pg_stat%'"
                    " AND query NOT LIKE '%pg_current_wal_lsn%'"
                )
            lsn = await connection.fetchval("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        finally:
            await connection.close()
        return {
            "pids": pids,
            "cpu": pids_cpu_s(pids),
            "lsn": int(lsn),
            "statements": {
                r["queryid"]: (
                    r["query"],
                    int(r["calls"]),
                    float(r["total_exec_time"]),
                    int(r["rows"]),
                    int(r["wal_bytes"]),
                )
                for r in rows
            },
        }

    @staticmethod
    def difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        statements = []
        for queryid, (query, calls, ms, rows, wal) in after["statements"].items():
            _, calls0, ms0, rows0, wal0 = before["statements"].get(queryid, (query, 0, 0.0, 0, 0))
            if calls > calls0:
                statements.append((query, calls - calls0, ms - ms0, rows - rows0, wal - wal0))
        statements.sort(key=lambda s: -s[1])
        # Backends that exist at the end: the pool's connections (opened during the warm-up).
        cpu_before = pids_cpu_s([p for p in before["pids"] if p in after["pids"]]) or 0.0
        cpu_after = after["cpu"]
        return {
            "statements": statements,
            "backend_cpu_s": None if cpu_after is None else cpu_after - cpu_before,
            "backends": len(after["pids"]),
            "machine_wal_bytes": after["lsn"] - before["lsn"],
        }


# ----------------------------------------------------------------------- runs


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_s: float  # the server's processes, during the measured part
    stored: int = 0
    postgres: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_s / self.requests * 1e6 if self.requests else 0.0

    def line(self) -> str:
        return (
            f"{self.name:<34} {self.requests:>6} req  {self.rate:>7.0f} /s  p50 {self.p50_ms:6.1f}"
            f" ms  p99 {self.p99_ms:6.1f} ms  non-2xx {self.errors}"
            f"  CPU {self.cpu_us_per_request:5.0f} µs/req"
        )


WRK_SCRIPT = """
local sessions = {}
for line in io.lines("%(sessions)s") do sessions[#sessions + 1] = line end
local counter = 0
local csrf = "%(csrf)s"
local run = "%(run)s"
request = function()
  counter = counter + 1
  local key = sessions[(%(offset)d + counter - 1) %% #sessions + 1]
  local body = string.format(
    '{"clientId":"wrk-%%s-%%d","kind":"in","fix":{"lat":2.9266,"lon":101.69675,"accuracy":12}}',
    run, counter)
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
    seconds: float,
    concurrency: int,
    work: Path,
    rate: float = 0.0,
    offset: int = 0,
) -> tuple[int, float, float, float, int]:
    """(requests, seconds, p50 ms, p99 ms, non-2xx) of one wrk run, taking the sessions in
    turn from `offset`."""
    sessions = work / "sessions.txt"
    sessions.write_text("\n".join(keys) + "\n")
    script = work / "checkin.lua"
    # --rate: each connection waits concurrency/rate seconds between its requests (wrk's
    # delay()), so the offered load stays near `rate` while latency is low; the achieved rate
    # is what is printed.
    delay = f"delay = function() return {concurrency * 1000 / rate:.1f} end" if rate else ""
    script.write_text(
        WRK_SCRIPT
        % {
            "sessions": sessions,
            "csrf": csrf,
            "path": path,
            "delay": delay,
            "run": uuid.uuid4().hex[:8],
            "offset": offset,
        }
    )
    done = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    requests, micros, p50, p99, _p90, errors = line.split()[1:]
    return int(requests), int(micros) / 1e6, float(p50), float(p99), int(errors)


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


def hadir_run(
    *,
    database: str = "sqlite",
    workers: int = 1,
    seconds: float = 15,
    concurrency: int = 64,
    officers: int = 5000,
    rate: float = 0.0,
    warmup: bool = True,
    group_commit: bool = True,
    pg_prefix: str = "hadir_bench_",
    pool_size: int = 0,
    socket_dir: str = "",
) -> Run:
    """One measured run of the check-in endpoint (a fresh database, seeded; a warm-up; then
    `seconds` of wrk), with the counted figures."""
    var_dir = Path(tempfile.mkdtemp(prefix="hadir-bench-"))
    port = free_port()
    extra = {"WEB_CONCURRENCY": str(workers), "SIGN_IN_RATE_PER_MINUTE": "100000"}
    if not group_commit:
        extra["HADIR_GROUP_COMMIT"] = "0"
    if pool_size:
        extra["DATABASE_POOL_SIZE"] = str(pool_size)
    env = server_env(var_dir, port, **extra)
    pg_name = ""
    if database == "postgresql":
        pg_name = f"{pg_prefix}{uuid.uuid4().hex[:6]}"
        psql(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = pg_url(pg_name, socket_dir)
    try:
        subprocess.run(
            [sys.executable, "-m", "api", "migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        if database == "sqlite":
            keys = seed_sqlite(var_dir / "live.sqlite3", officers)
        else:
            keys = asyncio.run(seed_postgres_async(env["DATABASE_URL"], officers))
        counters = PostgresCounters(env["DATABASE_URL"]) if pg_name else None
        if counters is not None:
            asyncio.run(counters.prepare())
        log = var_dir / "server.log"
        server = start([sys.executable, "-m", "api", "serve"], env, log)
        base = f"http://127.0.0.1:{port}"
        url, path = f"{base}/api/attendance/check-ins", "/api/attendance/check-ins"
        try:
            wait_ready(f"{base}/readyz", server, log)
            csrf = httpx.get(f"{base}/healthz").cookies["__Host-hadir_csrf"]
            if warmup:
                # Every session used once: principals, offices and session renewals warm, as
                # for an officer whose app has opened its first screen before the tap.
                used = 0
                while used < len(keys):
                    used += run_wrk(url, path, csrf, keys, 2, concurrency, var_dir, offset=used)[0]
            stored_before = count_check_ins(env["DATABASE_URL"], var_dir)
            before = asyncio.run(counters.snapshot()) if counters else None
            cpu_before = group_cpu_s(server.pid)
            requests, elapsed, p50, p99, errors = run_wrk(
                url, path, csrf, keys, seconds, concurrency, var_dir, rate
            )
            cpu = group_cpu_s(server.pid) - cpu_before
            after = asyncio.run(counters.snapshot()) if counters else None
            stored = count_check_ins(env["DATABASE_URL"], var_dir) - stored_before
        finally:
            stop(server)
        offered = f", offered {rate:.0f}/s" if rate else ""
        result = Run(
            f"{database}, {workers} worker(s){offered}",
            requests,
            elapsed,
            p50,
            p99,
            errors,
            cpu,
            stored,
        )
        if before is not None and after is not None:
            result.postgres = PostgresCounters.difference(before, after)
        return result
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
        shutil.rmtree(var_dir, ignore_errors=True)


def bare_run(*, workers: int = 1, seconds: float = 15, concurrency: int = 64) -> Run:
    """The bare Litestar JSON POST app under granian, driven the same way."""
    bare_dir = Path(tempfile.mkdtemp(prefix="hadir-bench-bare-"))
    (bare_dir / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    bare = start(
        [
            str(Path(sys.executable).parent / "granian"),
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--working-dir",
            str(bare_dir),
            "bare_app:app",
        ],
        os.environ.copy(),
        bare_dir / "log",
    )
    try:
        url = f"http://127.0.0.1:{port}/echo"
        wait_ready(url, bare, bare_dir / "log")
        cpu_before = group_cpu_s(bare.pid)
        requests, elapsed, p50, p99, errors = run_wrk(
            url, "/echo", "x", ["x"], seconds, concurrency, bare_dir
        )
        cpu = group_cpu_s(bare.pid) - cpu_before
    finally:
        stop(bare)
        shutil.rmtree(bare_dir, ignore_errors=True)
    return Run(f"bare POST, {workers} worker(s)", requests, elapsed, p50, p99, errors, cpu)


def postgres_lines(run: Run) -> list[str]:
    """The counted PostgreSQL figures of a run, per stored check-in."""
    figures = run.postgres
    if not figures:
        return []
    n = max(run.stored, 1)
    lines = []
    statements = figures["statements"]
    if statements:
        calls = sum(s[1] for s in statements)
        ms = sum(s[2] for s in statements)
        wal = sum(s[4] for s in statements)
        lines.append(
            f"  pg_stat_statements, per stored check-in ({run.stored}): {calls / n:.2f}"
            f" statements, {ms / n * 1000:.0f} µs executing, {wal / n:.0f} WAL bytes"
        )
        for query, count, spent, _rows, wal_bytes in statements[:8]:
            text = " ".join(query.split())[:70]
            lines.append(
                f"    {count / n:5.2f} × {spent / max(count, 1) * 1000:6.1f} µs"
                f" {wal_bytes / n:6.0f} B  {text}"
            )
    else:
        lines.append("  (pg_stat_statements not available: no statement counts)")
    if figures["backend_cpu_s"] is not None:
        lines.append(
            f"  PostgreSQL backends ({figures['backends']}): "
            f"{figures['backend_cpu_s'] / n * 1e6:.0f} µs CPU per check-in"
        )
    lines.append(
        f"  WAL of the whole server during the run (other databases included): "
        f"{figures['machine_wal_bytes'] / n:.0f} bytes per check-in"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=15, help="how long to send check-ins")
    parser.add_argument(
        "--no-warmup", action="store_true", help="measure from cold (no pass over the sessions)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="offer about this many check-ins/s instead of as many as possible",
    )
    parser.add_argument(
        "--no-group-commit",
        action="store_true",
        help="SQLite: one transaction per check-in (HADIR_GROUP_COMMIT=0), to compare",
    )
    parser.add_argument(
        "--pg-prefix", default="hadir_bench_", help="name prefix of the throwaway database"
    )
    parser.add_argument("--no-bare", action="store_true", help="skip the bare endpoint")
    parser.add_argument(
        "--pool-size", type=int, default=0, help="DATABASE_POOL_SIZE (default: Hadir's)"
    )
    parser.add_argument(
        "--pg-socket", default="", help="reach PostgreSQL by its Unix socket in this directory"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (apt-get install wrk)")
    hadir = hadir_run(
        database=args.database,
        workers=args.workers,
        seconds=args.seconds,
        concurrency=args.concurrency,
        officers=args.officers,
        rate=args.rate,
        warmup=not args.no_warmup,
        group_commit=not args.no_group_commit,
        pg_prefix=args.pg_prefix,
        pool_size=args.pool_size,
        socket_dir=args.pg_socket,
    )
    print(f"\n{args.concurrency} concurrent clients, {args.officers} officers")
    print(hadir.line())
    print(f"check-ins stored: {hadir.stored} (wrk counted {hadir.requests} requests)")
    for line in postgres_lines(hadir):
        print(line)
    if not args.no_bare:
        bare = bare_run(workers=args.workers, seconds=args.seconds, concurrency=args.concurrency)
        print(bare.line())
        print(
            f"ratio check-in / bare: {hadir.rate / bare.rate:.3f} (throughput), "
            f"{bare.cpu_us_per_request / max(hadir.cpu_us_per_request, 1):.3f} (CPU per request)"
        )


if __name__ == "__main__":
    main()
