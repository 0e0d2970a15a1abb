"""Issue 17's table in one run: SQLite and PostgreSQL, one and two workers, the bare endpoint.

    .venv/bin/python bench/issue17_table.py [--seconds 15] [--officers 5000] [--concurrency 64]
        [--pg-prefix hadir_bench_]

Runs, one after the other on this machine (each on a fresh database, warmed over every session
first, then `--seconds` of wrk with `--concurrency` connections):

- the bare Litestar JSON POST app with 1 and with 2 granian workers;
- Hadir's check-in on SQLite with 1 worker, 2 workers, and 2 workers offered 1,000/s;
- Hadir's check-in on PostgreSQL (127.0.0.1) with 1 and 2 workers.

and prints one table: check-ins/s, p50, p99, the ratio to the bare endpoint with as many
workers (throughput, and server CPU per request), then the counted PostgreSQL figures per
check-in (statements, execution time, WAL bytes, backend CPU). About 8 minutes with the
defaults (7 runs of 15 s, plus migrations, seeding and warm-ups). Needs wrk and a local
PostgreSQL reachable as postgres@127.0.0.1 (pg_stat_statements optional).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkin_bench import Run, bare_run, hadir_run, postgres_lines

SETUPS = [
    ("SQLite, 1 worker", "sqlite", 1, 0.0),
    ("SQLite, 2 workers", "sqlite", 2, 0.0),
    ("SQLite, 2 workers, offered 1,000/s", "sqlite", 2, 1000.0),
    ("PostgreSQL, 1 worker", "postgresql", 1, 0.0),
    ("PostgreSQL, 2 workers", "postgresql", 2, 0.0),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--pg-prefix", default="hadir_bench_")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (apt-get install wrk)")
    began = time.monotonic()
    bare: dict[int, Run] = {}
    for workers in (1, 2):
        bare[workers] = bare_run(
            workers=workers, seconds=args.seconds, concurrency=args.concurrency
        )
        print(bare[workers].line(), flush=True)
    runs: list[tuple[str, Run]] = []
    for title, database, workers, rate in SETUPS:
        run = hadir_run(
            database=database,
            workers=workers,
            seconds=args.seconds,
            concurrency=args.concurrency,
            officers=args.officers,
            rate=rate,
            pg_prefix=args.pg_prefix,
        )
        print(run.line(), flush=True)
        runs.append((title, run))

    print(
        f"\n{args.concurrency} connections, {args.officers} officers, {args.seconds:.0f} s each,"
        f" {time.monotonic() - began:.0f} s in all\n"
    )
    print("| set-up | check-ins/s | p50 | p99 | ratio to bare POST | CPU ratio | CPU µs/req |")
    print("|---|---|---|---|---|---|---|")
    for title, run in runs:
        workers = 2 if "2 workers" in title else 1
        base = bare[workers]
        ratio = "–" if "offered" in title else f"{run.rate / base.rate:.3f}"
        cpu_ratio = base.cpu_us_per_request / max(run.cpu_us_per_request, 1)
        print(
            f"| {title} | {run.rate:,.0f} | {run.p50_ms:.0f} ms | {run.p99_ms:.0f} ms | {ratio}"
            f" | {cpu_ratio:.3f} | {run.cpu_us_per_request:,.0f} |"
        )
    for workers in (1, 2):
        run = bare[workers]
        print(
            f"| bare POST, {workers} worker{'s' if workers > 1 else ''} | {run.rate:,.0f}"
            f" | {run.p50_ms:.0f} ms | {run.p99_ms:.0f} ms | 1 | 1"
            f" | {run.cpu_us_per_request:,.0f} |"
        )
    errors = sum(run.errors for _, run in runs)
    if errors:
        print(f"\nWARNING: {errors} non-2xx answers")
    for title, run in runs:
        lines = postgres_lines(run)
        if lines:
            print(f"\n{title}:")
            print("\n".join(lines))


if __name__ == "__main__":
    main()
