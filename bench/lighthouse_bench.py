"""Lighthouse 12 figures of the PWA's first open, as a phone on a slow link sees it.

    .venv/bin/python bench/lighthouse_bench.py [--pages sign-in,home,approvals,meeting] [--runs 1]

Starts Hadir as `make run` does (migrate, demo data, `python -m api serve`) on a throwaway
SQLite file, then runs Lighthouse 12 (mobile form factor, default simulated throttling: slow 4G,
4x CPU slowdown) through its Node API with puppeteer-core on /usr/bin/chromium, on the sign-in
page (signed out), the officer's home, the supervisor's approvals inbox and a meeting page (each
signed in first; see bench/lighthouse_pages.mjs). Prints, per page, the performance,
accessibility and best-practices scores, FCP, LCP, TBT, CLS, the bytes transferred and the number
of requests, and any binary audit that failed.

Not a test: Lighthouse's figures move with the machine's load (other processes share the CPU),
so run it on a quiet machine, use --runs to see the spread, and compare runs made together.
Needs Node (>= 18) and npm: lighthouse@12 and puppeteer-core are installed into bench/lighthouse/
(gitignored) on first use. Goals (issue 12): performance, accessibility, best practices >= 0.95,
LCP <= 2.0 s, first load <= 150 KiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_server import live_server  # noqa: E402

NODE_DIR = ROOT / "bench" / "lighthouse"
SCRIPT = ROOT / "bench" / "lighthouse_pages.mjs"
PACKAGES = ["lighthouse@12", "puppeteer-core"]


def install_node_packages() -> None:
    if (NODE_DIR / "node_modules" / "lighthouse").exists() and (
        NODE_DIR / "node_modules" / "puppeteer-core"
    ).exists():
        return
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR), *PACKAGES],
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="sign-in,home,approvals,meeting")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="main-thread time and long tasks")
    args = parser.parse_args()
    if not shutil.which("node"):
        print("lighthouse_bench: needs Node and npm", file=sys.stderr)
        return 2
    install_node_packages()
    runner = NODE_DIR / "run.mjs"
    shutil.copyfile(SCRIPT, runner)
    rows: list[dict[str, object]] = []
    with (
        tempfile.TemporaryDirectory(prefix="hadir-lh-") as tmp,
        live_server(Path(tmp)) as server,
    ):
        accounts = {a["role"]: a for a in server.accounts}
        env = {
            **os.environ,
            "HADIR_URL": server.base_url,
            "HADIR_ACCOUNTS": json.dumps(accounts),
            "HADIR_PAGES": args.pages,
        }
        for _ in range(args.runs):
            done = subprocess.run(
                ["node", str(runner)], env=env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            lines = done.stdout.splitlines()
            rows += [json.loads(line) for line in lines if line.startswith("{")]
    header = (
        f"{'page':<24} {'perf':>5} {'a11y':>5} {'bp':>5} {'FCP':>6} {'LCP':>6} {'TBT':>5} "
        f"{'CLS':>6} {'KiB':>7} {'req':>4}"
    )
    print(header)
    print("-" * len(header))

    def score(value: object) -> str:
        return f"{value:>5.2f}" if isinstance(value, int | float) else f"{'-':>5}"

    for row in rows:
        print(
            f"{row['page']:<24} {score(row['performance'])} {score(row['accessibility'])} "
            f"{score(row['bestPractices'])} {row['fcpMs']!s:>5}ms {row['lcpMs']!s:>4}ms "
            f"{row['tbtMs']!s:>3}ms {row['cls']!s:>6} {row['transferKiB']!s:>7} "
            f"{row['requests']:>4}"
        )
        if row.get("error"):
            print(f"{'':<24} Lighthouse error: {row['error']}")
        if args.verbose:
            print(f"{'':<24} main thread: {'; '.join(map(str, row['mainThread']))}")
            print(f"{'':<24} LCP element: {row['lcpElement']}")
            print(f"{'':<24} long tasks: {'; '.join(map(str, row['longTasks']))}")
        if row["failed"]:
            print(f"{'':<24} failed: {', '.join(map(str, row['failed']))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
