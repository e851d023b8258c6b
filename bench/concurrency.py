"""Simultaneous saves and kill -9 on gunicorn: prints the table of issue 9 (defects 2 and 3).

    .venv/bin/python bench/concurrency.py                    # 200 saves on 1 page / 40 pages, 20 kills
    .venv/bin/python bench/concurrency.py --code /tmp/old    # the same against another copy of the code
    .venv/bin/python bench/concurrency.py --postgres postgresql+psycopg://user@host/db

Each run starts gunicorn (4 workers × 4 threads by default) on a fresh data dir, logs in 8
accounts, and has 200 people open the editor then press Save at the same instant (each edits its
own line; about 10 % also change the page's budget line, a conflict for all but the first).
It prints what the browsers got (2xx/302, conflict pages, 5xx), the acknowledged saves missing
from the database ("lost"), whether the revisions match the acknowledged saves, and the time
until the search index equals the database with an empty queue. Then a stream of saves while the
server is killed with SIGKILL N times: integrity check, acknowledged saves present, index
converged after the last restart.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="another copy of the code (e.g. before a fix)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is created)")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--accounts", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--converge-timeout", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    random.seed(args.seed)
    sys.path.insert(0, str(args.code or ROOT))
    sys.path.insert(1, str(ROOT))
    from tests.reliability import harness

    accounts = [f"equipe{i}" for i in range(args.accounts)]
    print(
        f"gunicorn {args.workers} workers × {args.threads} threads, {args.saves} simultaneous "
        f"saves, {args.accounts} accounts, code: {args.code or ROOT}, "
        f"database: {'PostgreSQL' if args.postgres else 'SQLite'}"
    )
    print()
    print(
        "| scenario | 2xx/302 | conflict page | 5xx | other | lost | revisions = 1 + saved | index converged |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for pages in (1, args.pages):
        with tempfile.TemporaryDirectory(prefix="essaim-cc-") as tmp, database(args) as url:
            row = concurrent(harness, Path(tmp), url, args, accounts, pages)
            print(row, flush=True)
    if args.kills:
        with tempfile.TemporaryDirectory(prefix="essaim-kill-") as tmp, database(args) as url:
            print()
            print(killed(harness, Path(tmp), url, args, accounts), flush=True)


def concurrent(harness, root, url, args, accounts, pages) -> str:
    wiki = harness.Wiki(root, url, args.code)
    titles = [f"Plan d’actions {i}" for i in range(pages)]
    per_page = -(-args.saves // pages)
    slugs = wiki.setup(accounts, [(t, harness.lines_text(t, per_page)) for t in titles])
    server = harness.Server(wiki, args.workers, args.threads)
    server.start()
    inspector = harness.Inspector(wiki)
    try:
        run = harness.simultaneous_saves(server.base, slugs, titles, accounts, args.saves)
        converged = inspector.wait_converged(args.converge_timeout)
        drift = None if converged is not None else inspector.drift()
        texts = inspector.current_texts()
        counts = inspector.revision_counts()
        lost = harness.lost_saves(run.acknowledged, texts)
        exact = all(
            counts.get(slug, 0) == 1 + len(run.acknowledged.get(slug, [])) for slug in slugs
        )
    finally:
        inspector.close()
        server.stop()
    index = (
        f"{converged:.1f} s"
        if converged is not None
        else f"not after {args.converge_timeout:.0f} s ({len(drift.stale)} stale, "
        f"{len(drift.missing)} missing, {drift.queued} queued)"
    )
    name = f"{args.saves} saves on {pages} page{'s' if pages > 1 else ''}"
    return (
        f"| {name} | {run.ok} | {run.conflicts} | {run.server_errors} | {run.other} | "
        f"{len(lost)} | {'yes' if exact else 'NO'} | {index} |"
    )


def killed(harness, root, url, args, accounts) -> str:
    wiki = harness.Wiki(root, url, args.code)
    titles = [f"Journal {i}" for i in range(6)]
    slugs = wiki.setup(accounts, [(t, harness.lines_text(t, 1)) for t in titles])
    server = harness.Server(wiki, args.workers, args.threads)
    server.start()
    inspector = harness.Inspector(wiki)
    try:
        run = harness.saves_under_kills(server, slugs, accounts, args.kills)
        converged = inspector.wait_converged(args.converge_timeout)
        drift = None if converged is not None else inspector.drift()
        integrity = inspector.integrity()
        lost = harness.lost_saves(run.acknowledged, inspector.all_revision_texts())
    finally:
        inspector.close()
        server.stop()
    saved = sum(len(tokens) for tokens in run.acknowledged.values())
    index = (
        f"{converged:.1f} s after the last restart"
        if converged is not None
        else f"NOT after {args.converge_timeout:.0f} s ({len(drift.stale)} stale, "
        f"{len(drift.missing)} missing, {drift.queued} queued)"
    )
    return (
        f"kill -9 × {run.kills} in {run.seconds:.0f} s: {run.attempts} saves sent, {saved} "
        f"acknowledged, {len(lost)} acknowledged missing; integrity_check: {integrity}; "
        f"index converged: {index}"
    )


class database:
    """SQLite (None) or a fresh PostgreSQL database per scenario."""

    def __init__(self, args):
        self.args = args
        self.context = None

    def __enter__(self):
        if not self.args.postgres:
            return None
        import os

        os.environ["ESSAIM_TEST_POSTGRES_URL"] = self.args.postgres
        from tests import postgres

        postgres.POSTGRES_URL = self.args.postgres
        self.context = postgres.fresh_database()
        return self.context.__enter__()

    def __exit__(self, *exc):
        if self.context is not None:
            time.sleep(0.5)
            return self.context.__exit__(*exc)
        return False


if __name__ == "__main__":
    main()
