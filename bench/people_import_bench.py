"""People import benchmark: the HR CSV import of N officers (default 5,000) into a fresh
agency, on SQLite or PostgreSQL: seconds and peak Python memory (tracemalloc), for the dry run
(read, plan) and the import itself (one transaction), and for importing the same file again
(nothing to change).

Uses a fresh database like `bench/dashboard_bench.py` (a temporary SQLite file, or the
PostgreSQL DATABASE_URL given, whose public schema is DROPPED): one agency with 20 units and
3 offices; every officer has a unit, an office, a working pattern and (but the heads) a
supervisor.

    .venv/bin/python bench/people_import_bench.py                     # SQLite, 5,000 officers
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hadir_bench \\
        .venv/bin/python bench/people_import_bench.py -n 5000

Not a pass/fail test: it prints figures. Temporary passwords (hashing, about 0.1 s each by
design) are not part of the import and not timed here.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard_bench  # sets the environment of a fresh database first

UNITS = 20
PATTERNS = ("WP1", "WP2", "WP3", "WBF")


def csv_text(officers: int, prefix: str) -> str:
    """Staff ids PREFIX000001…; the first officer of each unit heads it."""
    lines = ["no_kp,nama,emel,unit,penyelia_no_kp,pejabat,corak_kerja,gred,telefon"]
    for n in range(officers):
        unit = n % UNITS
        supervisor = "" if n < UNITS else f"{prefix}{unit:06d}"
        lines.append(
            f"{prefix}{n:06d},Pegawai {n},{prefix}{n}@bench.gov.my,Ibu Pejabat / Unit {unit},"
            f"{supervisor},PJ-{n % 3},{PATTERNS[n % 4]},F{41 + n % 8},03-8000 {n % 10000:04d}"
        )
    return "\n".join(lines) + "\n"


async def measure(label: str, work: Any, memory: bool) -> Any:
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    result = await work()
    seconds = time.perf_counter() - started
    if memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label:<28} peak {peak / 1e6:6.1f} MB (tracemalloc; time under it not counted)")
    else:
        print(f"{label:<28} {seconds:7.2f} s")
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--officers", type=int, default=5000)
    args = parser.parse_args()

    import api.attendance.team  # noqa: F401 - imported before the timing, as in the server
    from api import db as database
    from api.accounts.authz import Grant, Principal
    from api.config import get_settings
    from api.ops.migrations import migrate
    from api.org import importer
    from api.org.services import create_unit_row
    from api.org.tables import Agency, Office, User

    settings = get_settings()
    if not settings.is_sqlite:
        await dashboard_bench.reset_postgres(settings.database_url)
    engine = database.engine()
    await database.start(engine)
    try:
        await migrate()
        agency = (
            await Agency.insert(Agency(code="BENCH", name="Bench", state="PJY")).returning(
                Agency.id
            )
        )[0]["id"]
        root = await create_unit_row(agency, "Ibu Pejabat", "", None)
        for unit in range(UNITS):
            await create_unit_row(agency, f"Unit {unit}", "", root)
        square = {
            "type": "Polygon",
            "coordinates": [[[101.69, 2.92], [101.70, 2.92], [101.70, 2.93], [101.69, 2.92]]],
        }
        for n in range(3):
            await Office.insert(
                Office(agency=agency, code=f"PJ-{n}", name=f"PJ {n}", state="PJY", geometry=square)
            )
        admin_id = (
            await User.insert(
                User(agency=agency, login_id="BENCH-ADMIN", name="Bench", email="b@bench.gov.my")
            ).returning(User.id)
        )[0]["id"]
        admin = Principal(
            user_id=admin_id,
            agency_id=agency,
            login_id="bench",
            name="bench",
            language="ms",
            grants=(Grant(role="agency_admin", scope_type="agency", scope_id=agency),),
        )
        print(f"database: {'SQLite' if settings.is_sqlite else 'PostgreSQL'}")
        # First the times (no tracemalloc: it slows every allocation), then the memory with
        # another set of people.
        for prefix, memory in (("T", False), ("M", True)):
            text = csv_text(args.officers, prefix)
            print(f"{args.officers} officers, {len(text) / 1e6:.2f} MB of CSV")

            async def run(dry: bool, text: str = text) -> Any:
                return await importer.import_users(admin, agency, text, dry_run=dry)

            report = await measure("dry run (read + plan)", lambda: run(True), memory)
            assert report.created == args.officers, report
            report = await measure("import (one transaction)", lambda: run(False), memory)
            assert report.created == args.officers, report
            report = await measure("same file again", lambda: run(False), memory)
            assert report.unchanged == args.officers and report.updated == 0, report
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak RSS {rss:.0f} MB (ru_maxrss, whole run)")
    finally:
        await database.stop(engine)


if __name__ == "__main__":
    asyncio.run(main())
