"""Command line: python -m api <command>.

migrate            apply pending migrations
demo               load demo data into an empty database (never in production)
run                migrate, load demo data if the database is empty, then serve
serve              serve HTTP with granian (HOST, PORT, WEB_CONCURRENCY)
create-admin       create the first super administrator of a new installation
backup             make an online backup now (and prune to BACKUP_KEEP)
restore DIR        restore a backup into an empty database and verify it
audit-verify       check the keyed audit chain against its anchor, check-in seals and decisions
worker             scheduled jobs (daily backup, inactive accounts) in scaled-out deployments
disable-inactive   freeze accounts inactive for more than 90 days (also a daily job)
check-config       validate the environment and print the effective settings
rotate-master-key  re-wrap document keys and re-seal secrets under the current master key
import-meetings DIR  import committees, members and past meetings (CSV + minutes PDFs)
import-punches F    import biometric-device punches (CSV), print the reconciliation report
import-leave F      import leave records (CSV)

Each command imports what it needs inside the command, so that one command (check-config,
migrate) never loads the others' areas or needs their settings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.config import ConfigError, Settings, first_admin_password, get_settings


def _with_database(work: Callable[[], Awaitable[Any]]) -> Any:
    from api import db, piccolo_conf

    async def runner() -> Any:
        await db.start(piccolo_conf.DB)
        try:
            return await work()
        finally:
            await db.stop(piccolo_conf.DB)

    return asyncio.run(runner())


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    from api.ops.migrations import migrate

    message = _with_database(migrate)
    print(f"hadir: migrations applied ({message.strip() or 'ok'})")
    return 0


def _print_demo_accounts(settings: Settings) -> None:
    from api.demo.loader import read_accounts_file

    accounts = read_accounts_file(settings.var_dir / "demo-accounts.json")
    if not accounts:
        return
    print("\nDemo accounts (also in var/demo-accounts.json):")
    for account in accounts:
        print(
            f"  {account.description:<48} ID {account.login_id}  password {account.password}"
            f"  TOTP secret {account.totp_secret}"
        )
    print()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from api.demo.loader import DemoRefused, database_is_empty, load_demo

    async def work() -> int:
        if getattr(args, "if_empty", False) and not await database_is_empty():
            return 0
        try:
            await load_demo(settings.var_dir / "demo-accounts.json", env=settings.env)
        except DemoRefused as refused:
            print(f"hadir: {refused}", file=sys.stderr)
            return 1
        print("hadir: demo data loaded")
        return 0

    code = int(_with_database(work))
    return code


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    host, port, workers = settings.host, settings.port, settings.web_concurrency
    if workers > 1:
        _share_metrics_between_workers(settings.var_dir / "metrics")
    print(
        f"hadir: listening on {host}:{port} ({settings.env}, {workers} worker(s)); "
        f"open {settings.base_url}"
    )
    Granian(
        "api.app:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        log_access=False,
        # Leave the root logger alone: the app logs JSON lines (api.core.observability).
        log_dictconfig={
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(message)s"}},
            "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "loggers": {"_granian": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
        },
    ).serve()
    return 0


def _share_metrics_between_workers(folder: Path) -> None:
    """Prometheus multiprocess mode: each worker writes its counters into `folder` and /metrics
    adds them up. The folder is emptied at start (figures of earlier runs would count twice);
    the variable must be set before a worker imports prometheus_client."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    cmd_migrate(settings, args)
    if settings.env != "production":
        args.if_empty = True
        cmd_demo(settings, args)
        _print_demo_accounts(settings)
    return cmd_serve(settings, args)


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from api.ops.bootstrap import create_first_admin

    password = first_admin_password() or getpass.getpass("Password: ")

    async def work() -> str:
        return await create_first_admin(
            agency_code=args.agency_code,
            agency_name=args.agency_name,
            state=args.state,
            login_id=args.login_id,
            name=args.name,
            email=args.email,
            password=password,
        )

    print(_with_database(work))
    return 0


def cmd_backup(settings: Settings, _: argparse.Namespace) -> int:
    from api.ops.backup import create_backup, local_files_dir, prune_backups, read_manifest

    folder = asyncio.run(
        create_backup(
            settings.database_url,
            settings.backup_dir,
            files_dir=local_files_dir(settings),
            encrypt=settings.backup_encrypt,
        )
    )
    manifest = read_manifest(folder)
    pruned = prune_backups(settings.backup_dir, settings.backup_keep)
    total = sum(manifest.row_counts.values())
    files = "files in the database" if manifest.files is None else f"{len(manifest.files)} files"
    print(
        f"hadir: backup {folder} ({manifest.size_bytes} bytes, {total} rows, {files}, "
        f"sha256 {manifest.sha256[:12]}…, signed{', encrypted' if manifest.encryption else ''})"
    )
    if pruned:
        print(f"hadir: removed {len(pruned)} old backup(s), keeping {settings.backup_keep}")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from api.ops.backup import BackupError, local_files_dir, restore_backup

    url = args.database_url or settings.database_url
    files_dir = Path(args.files_dir) if args.files_dir else local_files_dir(settings)
    try:
        manifest = asyncio.run(
            restore_backup(
                Path(args.backup), url, files_dir=files_dir, allow_unsigned=args.unsigned
            )
        )
    except BackupError as error:
        print(f"hadir: restore failed: {error}", file=sys.stderr)
        return 1
    if manifest.audit_head is not None:
        from api.accounts.audit import Anchor, write_anchor

        head = manifest.audit_head
        # The restored chain ends here: later anchors belong to the database that was lost.
        write_anchor(Anchor(head.seq, head.hash, head.at), f"restore {args.backup}", force=True)
    files = "" if manifest.files is None else f" and {len(manifest.files)} files into {files_dir}"
    print(
        f"hadir: restored backup of {manifest.created_at} "
        f"(schema {manifest.schema_version}){files}; signature, checksums, integrity, "
        f"schema version and row counts of {len(manifest.row_counts)} tables verified"
    )
    return 0


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    from api.accounts.audit import read_anchor, verify
    from api.attendance.sealing import verify_seals

    try:
        anchor = read_anchor(Path(args.anchor) if args.anchor else None)
    except ValueError as error:
        print(f"hadir: {error}", file=sys.stderr)
        return 1
    if anchor is None:
        print(
            "hadir: no audit anchor found (var/audit-anchor.json is written by the scheduler "
            "and at every backup): events cut off at the end would not be noticed",
            file=sys.stderr,
        )
    result = _with_database(lambda: verify(anchor))
    if not result.ok:
        print(
            f"hadir: audit trail BROKEN at event {result.first_broken_seq}: {result.problem} "
            f"({result.events_checked} events verified before it)",
            file=sys.stderr,
        )
        return 1
    seals = _with_database(verify_seals)
    if not seals.ok:
        for problem in seals.problems:
            print(f"hadir: check-ins BROKEN: {problem}", file=sys.stderr)
        return 1
    anchored = f"; anchored event {anchor.seq} found intact" if anchor else ""
    print(
        f"hadir: audit trail intact ({result.events_checked} events{anchored}; "
        f"{seals.rows_checked} check-ins in {seals.seals_checked} seals, "
        f"{seals.decisions_checked} decisions)"
    )
    return 0


def cmd_worker(settings: Settings, _: argparse.Namespace) -> int:
    """Background work for scaled-out deployments: the scheduler and the outbox dispatcher."""
    from api.jobs import default_jobs
    from api.meetings.imip_listener import run_forever as run_imip
    from api.ops.scheduler import run_forever
    from api.outbox.dispatcher import run_forever as run_outbox

    print("hadir: worker started (scheduled jobs, notification outbox, calendar replies)")
    with contextlib.suppress(KeyboardInterrupt):
        _with_database(
            lambda: asyncio.gather(
                run_forever(settings, default_jobs(settings)),
                run_outbox(settings),
                run_imip(settings),
            )
        )
    return 0


def cmd_disable_inactive(settings: Settings, _: argparse.Namespace) -> int:
    from api.accounts.lifecycle import INACTIVE_AFTER_DAYS, disable_inactive

    frozen = _with_database(disable_inactive)
    print(f"hadir: froze {len(frozen)} account(s) inactive for over {INACTIVE_AFTER_DAYS} days")
    return 0


def cmd_import_attendance(settings: Settings, args: argparse.Namespace) -> int:
    from api.attendance.imports import run_cli_import

    text, code = _with_database(lambda: run_cli_import(args.file, args.what, args.dry_run))
    print(text)
    return int(code)


def cmd_check_config(settings: Settings, _: argparse.Namespace) -> int:
    safe = {
        "env": settings.env,
        "database": "sqlite" if settings.is_sqlite else "postgresql",
        "redis": bool(settings.redis_url),
        "base_url": settings.base_url,
        "timezone": settings.timezone,
        "backup_dir": str(settings.backup_dir),
        "backup_encrypt": settings.backup_encrypt,
    }
    for key, value in safe.items():
        print(f"{key}: {value}")
    return 0


def cmd_rotate_master_key(settings: Settings, args: argparse.Namespace) -> int:
    from api.papers.rotation import rotate_master_key

    report = _with_database(lambda: rotate_master_key(batch=args.batch))
    for line in report.lines():
        print(f"hadir: {line}")
    return 0


def cmd_import_meetings(settings: Settings, args: argparse.Namespace) -> int:
    from api.papers.importer import import_directory

    result = _with_database(lambda: import_directory(Path(args.directory), args.agency_code))
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api", description="Hadir command line")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)
    demo = sub.add_parser("demo", help="load demo data into an empty database")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if there is data")
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("run", help="migrate, demo data if empty, serve").set_defaults(func=cmd_run)
    sub.add_parser("serve", help="serve HTTP").set_defaults(func=cmd_serve)
    admin = sub.add_parser("create-admin", help="create the first super administrator")
    admin.add_argument("--agency-code", required=True)
    admin.add_argument("--agency-name", required=True)
    admin.add_argument("--state", required=True, help="state code, e.g. PJY, SGR, KDH")
    admin.add_argument("--login-id", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", required=True)
    admin.set_defaults(func=cmd_create_admin)
    sub.add_parser("backup", help="make a backup now").set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("backup", help="the backup folder (hadir-…)")
    restore.add_argument("--database-url", default=None, help="defaults to DATABASE_URL")
    restore.add_argument(
        "--files-dir", default=None, help="where the files go; defaults to FILE_STORE_DIR"
    )
    restore.add_argument(
        "--unsigned",
        action="store_true",
        help="accept a backup made before manifests were signed (only from a trusted place)",
    )
    restore.set_defaults(func=cmd_restore)
    audit_verify = sub.add_parser("audit-verify", help="verify the audit hash chain")
    audit_verify.add_argument(
        "--anchor",
        default=None,
        help="an anchor file or a backup's manifest.json (default: var/audit-anchor.json)",
    )
    audit_verify.set_defaults(func=cmd_audit_verify)
    sub.add_parser("worker", help="run scheduled jobs and deliver notifications").set_defaults(
        func=cmd_worker
    )
    sub.add_parser("disable-inactive", help="freeze accounts inactive > 90 days").set_defaults(
        func=cmd_disable_inactive
    )
    sub.add_parser("check-config", help="validate settings").set_defaults(func=cmd_check_config)
    rotate = sub.add_parser("rotate-master-key", help="re-wrap secrets under the current key")
    rotate.add_argument("--batch", type=int, default=200, help="rows per transaction")
    rotate.set_defaults(func=cmd_rotate_master_key)
    importer = sub.add_parser("import-meetings", help="import past meetings from CSV files")
    importer.add_argument("directory", help="folder with committees.csv, members.csv, ...")
    importer.add_argument("--agency-code", required=True, help="the agency to import into")
    importer.set_defaults(func=cmd_import_meetings)
    for what, about in (("punches", "biometric-device punches"), ("leave", "leave records")):
        command = sub.add_parser(f"import-{what}", help=f"import {about} from a CSV file")
        command.add_argument("file")
        command.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        command.set_defaults(func=cmd_import_attendance, what=what)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ConfigError as error:
        print(f"hadir: configuration error: {error}", file=sys.stderr)
        return 2
    os.environ.setdefault("PICCOLO_CONF", "api.piccolo_conf")
    from api.core.file_modes import harden_paths, restrict_process_umask

    restrict_process_umask()
    harden_paths(settings)
    return int(args.func(settings, args))
