"""Reports benchmark: the executive and administrator reports over a large agency, on SQLite or
PostgreSQL (seconds).

Seeds like `bench/dashboard_bench.py` (a fresh database: a temporary SQLite file, or the
PostgreSQL DATABASE_URL given, whose public schema is DROPPED; one agency with 20 units, N
officers, default 5,000, and a month of check-ins and check-outs), then times
`api.attendance.exec_reports`: the attendance transactions ("Transaksi Kehadiran") of the
whole agency and of one unit over the month, with their XLSX; the daily movement report of the
agency for one day, with its XLSX; and the usage statistics over the month.

    .venv/bin/python bench/reports_bench.py                       # SQLite, 5,000 officers
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hadir_bench \\
        .venv/bin/python bench/reports_bench.py -n 5000

Not a pass/fail test: it prints figures (median of --runs runs, default 3, after a warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard_bench  # sets the environment of a fresh database first


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--officers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the warm-up")
    args = parser.parse_args()

    from api import db as database
    from api.accounts.authz import Grant, Principal
    from api.attendance import dashboard, exec_reports
    from api.config import get_settings
    from api.ops.migrations import migrate

    settings = get_settings()
    if not settings.is_sqlite:
        await dashboard_bench.reset_postgres(settings.database_url)
    engine = database.engine()
    await database.start(engine)
    try:
        await migrate()
        started = time.perf_counter()
        agency, unit, punches = await dashboard_bench.seed(args.officers)
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
        month = (date(2026, 10, 1), date(2026, 10, 31))
        day = date(2026, 10, 15)
        check = await exec_reports.transactions(admin, None, *month)
        print(f"check: {len(check.rows)} transactions of {check.total}")

        async def agency_xlsx() -> None:
            data = await exec_reports.transactions(admin, None, *month)
            exec_reports.report_xlsx("transactions", data, "ms")

        async def unit_xlsx() -> None:
            data = await exec_reports.transactions(admin, unit, *month)
            exec_reports.report_xlsx("transactions", data, "ms")

        async def movements_xlsx() -> None:
            data = await exec_reports.movements(admin, None, day)
            exec_reports.report_xlsx("movements", data, "ms")

        cases: dict[str, Any] = {
            "transactions, agency, month": lambda: exec_reports.transactions(admin, None, *month),
            "transactions, agency, month, XLSX": agency_xlsx,
            "transactions, 1 unit, month": lambda: exec_reports.transactions(admin, unit, *month),
            "transactions, 1 unit, month, XLSX": unit_xlsx,
            "movements, agency, one day": lambda: exec_reports.movements(admin, None, day),
            "movements, agency, day, XLSX": movements_xlsx,
            "usage, agency, month": lambda: exec_reports.usage(admin, None, *month),
            "dashboard, agency, month (per day, per unit)": lambda: dashboard.dashboard(
                admin, None, *month
            ),
            "month grid, 1 unit, month": lambda: exec_reports.unit_month(admin, unit, "2026-10"),
        }
        for name, work in cases.items():
            seconds = await dashboard_bench.timed(work, args.runs)
            print(f"{name:46s} {seconds:8.2f} s")
    finally:
        await database.stop(engine)


if __name__ == "__main__":
    asyncio.run(main())
