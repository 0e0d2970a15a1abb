"""Outbox benchmark: how fast notifications are enqueued and dispatched, SQLite or PostgreSQL.

Sets up a fresh database (a temporary SQLite file, or the PostgreSQL DATABASE_URL given, whose
public schema is DROPPED), N people with one push subscription each, and a push endpoint on
loopback that answers 201 without decrypting (the delivery layer has its own benchmark,
bench/push_bench.py; this one measures what the outbox adds: transactions, claims, leases,
outcome writes).

    .venv/bin/python bench/outbox_bench.py                  # SQLite, 2,000 notifications
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hadir_bench \\
        .venv/bin/python bench/outbox_bench.py -n 2000

Figures printed: enqueue (one write transaction per notification, sequential and with 16
concurrent callers) and dispatch (one dispatcher, then two side by side), in rows per second.
Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_TMP = Path(tempfile.mkdtemp(prefix="hadir-outbox-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP / 'bench.sqlite3'}")
os.environ["HADIR_VAR_DIR"] = str(_TMP / "var")
os.environ["HADIR_ENV"] = "test"
os.environ["PICCOLO_CONF"] = "api.piccolo_conf"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from aiohttp import web  # noqa: E402

from notifications.kinds import Kind  # noqa: E402
from notifications.push import PushSender  # noqa: E402
from notifications.templates import Term  # noqa: E402


async def push_endpoint() -> tuple[web.AppRunner, str, list[int]]:
    count = [0]

    async def accept(request: web.Request) -> web.Response:
        await request.read()
        count[0] += 1
        return web.Response(status=201)

    app = web.Application()
    app.router.add_post("/push/{sub}", accept)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}", count


async def main(n: int, people: int) -> None:
    import asyncpg

    from api import db
    from api.config import get_settings
    from api.db import write_transaction
    from api.ops.migrations import migrate
    from api.org.tables import Agency, User
    from api.outbox import services, subscriptions
    from api.outbox.dispatcher import Dispatcher
    from api.outbox.tables import Notification, PushSubscriptionRecord
    from tests.notifications.notif_helpers import BrowserKeys, b64u

    settings = get_settings()
    if not settings.is_sqlite:
        connection = await asyncpg.connect(settings.database_url)
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
        await connection.close()
    engine = db.engine()
    await db.start(engine)
    await migrate()
    runner, origin, delivered = await push_endpoint()
    try:
        agency = (
            await Agency.insert(Agency(code="BEN", name="Agensi Bench", state="PJY")).returning(
                Agency.id
            )
        )[0]["id"]
        users = await User.insert(
            *[
                User(agency=agency, login_id=f"bench{i}", name=f"Pegawai {i}", email=f"p{i}@x.my")
                for i in range(people)
            ]
        ).returning(User.id)
        user_ids = [u["id"] for u in users]
        keys = BrowserKeys.generate()  # one key pair is enough: the endpoint does not decrypt
        await PushSubscriptionRecord.insert(
            *[
                PushSubscriptionRecord(
                    user=uid,
                    endpoint=f"{origin}/push/{uid}",
                    p256dh=keys.p256dh,
                    auth=b64u(keys.auth),
                )
                for uid in user_ids
            ]
        )
        params = {
            "checkin_time": datetime(2026, 3, 2, 1, 5, tzinfo=UTC),
            "supervisor_name": "Puan Aminah",
            "mode": Term("checkin_mode", "official_duty"),
        }

        async def enqueue_one(i: int) -> None:
            async with write_transaction():
                await services.enqueue(
                    Kind.CHECKIN_APPROVED,
                    user_ids[i % people],
                    params,
                    event_key=f"checkin-decision:{i}",
                    url=f"/kehadiran/{i}",
                )

        half = n // 2
        started = time.perf_counter()
        for i in range(half):
            await enqueue_one(i)
        sequential = half / (time.perf_counter() - started)
        started = time.perf_counter()
        queue = iter(range(half, n))

        async def caller() -> None:
            for i in queue:
                await enqueue_one(i)

        await asyncio.gather(*(caller() for _ in range(16)))
        concurrent = (n - half) / (time.perf_counter() - started)
        print(f"database: {'sqlite' if settings.is_sqlite else 'postgresql'}, {n} notifications")
        print(f"enqueue, sequential:          {sequential:8.0f} /s")
        print(f"enqueue, 16 concurrent:       {concurrent:8.0f} /s")

        def dispatcher(owner: str, batch: int) -> Dispatcher:
            push = PushSender(
                subscriptions.vapid_keys(settings),
                "mailto:bench@hadir.test",
                allowed_hosts=None,
                allow_insecure=True,
            )
            return Dispatcher(settings, push=push, smtp=None, owner=owner, batch_size=batch)

        for label, dispatchers in (
            ("dispatch, 1 dispatcher, batch 20", [dispatcher("one", 20)]),
            ("dispatch, 2 dispatchers, batch 20", [dispatcher("a", 20), dispatcher("b", 20)]),
        ):
            await Notification.update(
                {
                    Notification.status: "pending",
                    Notification.attempts: 0,
                    Notification.delivered_to: [],
                },
                force=True,
            )
            for d in dispatchers:
                await d.start()
            before = delivered[0]
            started = time.perf_counter()
            handled = sum(await asyncio.gather(*(d.run_until_idle() for d in dispatchers)))
            rate = handled / (time.perf_counter() - started)
            for d in dispatchers:
                await d.close()
            assert delivered[0] - before == n, (delivered[0] - before, n)
            print(f"{label}: {rate:8.0f} /s")
    finally:
        await runner.cleanup()
        await db.stop(engine)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="notifications")
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.people))
