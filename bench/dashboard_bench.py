"""Dashboard benchmark: the executive dashboard over a large agency, SQLite or PostgreSQL.

Sets up a fresh database (a temporary SQLite file, or the PostgreSQL DATABASE_URL given, whose
public schema is DROPPED), one agency with 20 units, N officers (default 5,000) and a month of
check-ins and check-outs (22 working days of October 2026; each officer checks in on ~92 % of
days between 07:00 and 09:30, ~5 % of them outside and pending), then times the dashboard
service (`api.attendance.dashboard.dashboard`) for the whole agency and for one unit, over the
month and over one day, and the CSV export.

    .venv/bin/python bench/dashboard_bench.py                  # SQLite, 5,000 officers
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hadir_bench \\
        .venv/bin/python bench/dashboard_bench.py -n 5000

Not a pass/fail test: it prints figures (median of 3 runs after one warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_TMP = Path(tempfile.mkdtemp(prefix="hadir-dashboard-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP / 'bench.sqlite3'}")
os.environ["HADIR_VAR_DIR"] = str(_TMP / "var")
os.environ["HADIR_ENV"] = "test"
os.environ["HADIR_SCHEDULER"] = "false"
os.environ["PICCOLO_CONF"] = "api.piccolo_conf"
os.environ.setdefault("LOG_LEVEL", "WARNING")


async def reset_postgres(url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


async def seed(officers: int) -> tuple[int, int, int]:
    from api.attendance.rules import MALAYSIA_TZ
    from api.attendance.tables import CheckIn
    from api.db import write_transaction
    from api.org.services import create_unit_row
    from api.org.tables import Agency, User

    rng = random.Random(6)
    agency = (
        await Agency.insert(Agency(code="BENCH", name="Agensi Ujian", state="PJY")).returning(
            Agency.id
        )
    )[0]["id"]
    async with write_transaction():
        root = await create_unit_row(agency, "Ibu Pejabat", "", None)
        units = [await create_unit_row(agency, f"Bahagian {n}", "", root) for n in range(20)]
    users = [
        User(
            agency=agency,
            login_id=f"B{n:06d}",
            name=f"Pegawai {n}",
            unit=units[n % len(units)],
            email=f"p{n}@example.gov.my",
        )
        for n in range(officers)
    ]
    ids: list[int] = []
    for start in range(0, len(users), 500):
        async with write_transaction():
            ids += [
                r["id"] for r in await User.insert(*users[start : start + 500]).returning(User.id)
            ]
    days = [
        date(2026, 10, 1) + timedelta(days=n)
        for n in range(31)
        if (date(2026, 10, 1) + timedelta(days=n)).weekday() < 5
    ]
    rows: list[CheckIn] = []
    for user in ids:
        for day in days:
            if rng.random() > 0.92:
                continue
            minute = rng.randint(7 * 60, 9 * 60 + 30)
            at = datetime(
                day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=MALAYSIA_TZ
            )
            outside = rng.random() < 0.05
            for kind, when in (("in", at), ("out", at + timedelta(hours=9, minutes=5))):
                rows.append(
                    CheckIn(
                        user=user,
                        client_id=f"b-{user}-{day.isoformat()}-{kind}",
                        kind=kind,
                        occurred_at=when,
                        received_at=when,
                        status="outside" if outside else "inside",
                        approval="pending" if outside else "not_needed",
                    )
                )
    for start in range(0, len(rows), 500):
        async with write_transaction():
            await CheckIn.insert(*rows[start : start + 500])
    # Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give a
    # running installation: right after a bulk load PostgreSQL still believes the tables are
    # empty and picks nested loops that take tens of seconds.
    await CheckIn.raw("ANALYZE")
    return agency, units[0], len(rows)


async def timed(work: Any, runs: int = 3) -> float:
    await work()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--officers", type=int, default=5000)
    args = parser.parse_args()

    from api import db as database
    from api.accounts.authz import Grant, Principal
    from api.attendance import dashboard
    from api.config import get_settings
    from api.ops.migrations import migrate

    settings = get_settings()
    if not settings.is_sqlite:
        await reset_postgres(settings.database_url)
    engine = database.engine()
    await database.start(engine)
    try:
        await migrate()
        started = time.perf_counter()
        agency, unit, punches = await seed(args.officers)
        print(
            f"database: {'SQLite' if settings.is_sqlite else 'PostgreSQL'}; seeded "
            f"{args.officers} officers, {punches} check-ins/outs in "
            f"{time.perf_counter() - started:.1f} s"
        )
        admin = Principal(
            user_id=0,
            agency_id=agency,
            login_id="bench",
            name="bench",
            language="ms",
            grants=(Grant(role="agency_admin", scope_type="agency", scope_id=agency),),
        )
        now = datetime(2026, 11, 2, 12, 0).astimezone()
        month = (date(2026, 10, 1), date(2026, 10, 31))
        day = (date(2026, 10, 15), date(2026, 10, 15))
        result = await dashboard.dashboard(admin, None, *month, now=now)
        print(
            f"check: registered {result.registered}, working days {result.working_days}, "
            f"checked in {result.checked_in_percent} %, buckets "
            + ", ".join(f"{b.label} {b.count}" for b in result.buckets)
        )
        cases = {
            "agency, month (31 days)": lambda: dashboard.dashboard(admin, None, *month, now=now),
            "agency, one day": lambda: dashboard.dashboard(admin, None, *day, now=now),
            "one unit (1/20), month": lambda: dashboard.dashboard(admin, unit, *month, now=now),
        }
        for name, work in cases.items():
            seconds = await timed(work)
            print(f"{name:28s} {seconds * 1000:8.1f} ms")

        async def export() -> None:
            dashboard.dashboard_csv(await dashboard.dashboard(admin, None, *month, now=now))

        print(f"{'agency, month, CSV export':28s} {await timed(export) * 1000:8.1f} ms")
    finally:
        await database.stop(engine)


if __name__ == "__main__":
    asyncio.run(main())
