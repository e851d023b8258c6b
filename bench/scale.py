"""A wiki of 100,000 pages: full reindex, then page view, search and save as one visitor sees them.

    .venv/bin/python bench/scale.py --pages 100000
    .venv/bin/python bench/scale.py --pages 10000 --keep /tmp/essaim-10k   # keep the data dir

Fills a fresh SQLite data dir with generated French experience pages (bench/search.py's seeded
generator, every page distinct). The rows are written in bulk, not through the editor: an import
of 100,000 pages through the save path takes about an hour on 2 cores, and what is measured here
is the wiki at that size, not the import. Each page gets what a save derives and a visitor uses:
its columns, themes, levers, obstacles and replication hints (the real section parser), and its
change-log row. Then it times `essaim search reindex` (wall time and peak memory), starts
`essaim serve` (2 workers by default) and, one request at a time so that the figures are
latencies and not queueing, measures page views, searches and saves (through the editor form,
logged in, like a person). Prints p50/p95/max for each, and each worker's resident memory at the
end. Targets of issue 17 at 100k pages: search p95 < 60 ms, view p95 < 20 ms, save p95 < 100 ms,
reindex < 10 min, one worker < 200 MB. Not a test: figures to compare between versions.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import ESSAIM, Client, percentile, start_server  # noqa: E402
from bench.search import generate  # noqa: E402

BATCH = 5_000


def fill(data_dir: Path, count: int, env: dict) -> float:
    """Migrate, then write `count` generated pages in bulk; returns the seconds it took."""
    subprocess.run([str(ESSAIM), "db", "upgrade"], env=env, check=True, capture_output=True)
    os.environ.update(env)
    from sqlalchemy import insert, update

    from wiki import create_app
    from wiki.content.frontmatter import body_of
    from wiki.content.sections import extract_sections, normalise_item
    from wiki.extensions import db
    from wiki.models import Change, Page, PageTheme, Revision, Statement
    from wiki.pages.derived import STATEMENT_KINDS
    from wiki.pages.service import SHORT_CODE_ALPHABET

    app = create_app()
    started = time.perf_counter()
    codes: set[str] = set()
    with app.app_context():
        rows: dict[type, list[dict]] = {}

        def flush() -> None:
            # Pages first (revisions point to them), then what points to pages or revisions;
            # then each page points to its revision (every page here has revision id = page id).
            for model in (Page, Revision, PageTheme, Statement, Change):
                if rows.get(model):
                    db.session.execute(insert(model), rows[model])
            ids = [row["id"] for row in rows.get(Page, [])]
            if ids:
                db.session.execute(
                    update(Page)
                    .where(Page.id.between(min(ids), max(ids)))
                    .values(current_id=Page.id)
                )
            db.session.commit()
            rows.clear()

        for page, _meta in generate(count, seed=100):
            n = page.id
            code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(6))
            while code in codes:
                code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(6))
            codes.add(code)
            text = page.current.text
            when = page.updated_at
            rows.setdefault(Page, []).append(
                {
                    "id": n,
                    "slug": f"experience-{n}",
                    "title": page.title,
                    "short_code": code,
                    "created_at": when,
                    "updated_at": when,
                    "type": page.type,
                    "territory": page.territory,
                    "scale": page.scale,
                    "setting": page.setting,
                    "status": page.status,
                    "public": True,
                }
            )
            rows.setdefault(Revision, []).append(
                {
                    "id": n,
                    "page_id": n,
                    "number": 1,
                    "title": page.title,
                    "text": text,
                    "comment": "Import",
                    "author_name": page.current.author.username,
                    "created_at": when,
                    "size": len(text.encode()),
                    "hidden": False,
                }
            )
            for theme in page.themes:
                rows.setdefault(PageTheme, []).append({"page_id": n, "theme": theme.theme})
            sections = extract_sections(body_of(text))
            for attr, kind in STATEMENT_KINDS.items():
                for position, item in enumerate(getattr(sections, attr)):
                    rows.setdefault(Statement, []).append(
                        {
                            "page_id": n,
                            "kind": kind,
                            "position": position,
                            "text": item,
                            "key": normalise_item(item)[:255],
                        }
                    )
            rows.setdefault(Change, []).append(
                {"page_id": n, "revision_id": n, "kind": "save", "created_at": datetime.now()}
            )
            if n % BATCH == 0:
                flush()
                print(f"  {n} pages written", flush=True)
        flush()
    return time.perf_counter() - started


def timed_command(env: dict, *args: str) -> tuple[float, float]:
    """(seconds, peak resident MB) of an `essaim` command run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([str(ESSAIM), *args], env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def worker_memory(master: int) -> tuple[list[float], list[float]]:
    """Resident MB of each gunicorn worker and of the search indexer (the master's children)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    workers, indexers = [], []
    for pid in children:
        is_indexer = b"\0search\0indexer" in Path(f"/proc/{pid}/cmdline").read_bytes()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                (indexers if is_indexer else workers).append(int(line.split()[1]) / 1024)
    return workers, indexers


def measure(port: int, slugs: list[str], views: int, searches: int, saves: int, seed: int):
    rng = random.Random(seed)
    client = Client(port, slugs, rng)
    client.log_in()
    for _ in range(100):  # each worker's templates, searcher and caches
        client.view()
        client.search()
    plan = ["view"] * views + ["search"] * searches + ["edit"] * saves
    rng.shuffle(plan)
    samples: dict[str, list[float]] = {"view": [], "search": [], "edit": []}
    failures: dict[str, int] = {"view": 0, "search": 0, "edit": 0}
    for kind in plan:
        started = time.perf_counter()
        status = getattr(client, kind)()
        elapsed = time.perf_counter() - started
        samples[kind].append(client.last_save if kind == "edit" else elapsed)
        failures[kind] += status != 200
    return samples, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="keep the data dir here (reused if it exists)")
    parser.add_argument(
        "--indexing",
        choices=("process", "thread"),
        default="process",
        help="who indexes the saves: the host's indexer process (essaim serve's default) or a "
        "thread of each web worker (before December 2026)",
    )
    parser.add_argument(
        "--no-reindex",
        action="store_true",
        help="reuse the kept data dir's index as it is (a 100k reindex takes ~30 min on 2 "
        "shared cores): to compare two versions of the query side on the same index",
    )
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="essaim-scale-"))
    env = {
        **os.environ,
        "ESSAIM_DATA_DIR": str(data_dir),
        "ESSAIM_SECRET_KEY": "scale",
        "ESSAIM_RATELIMIT_ENABLED": "0",
        "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",  # the bench fills forms at once, as robots do
        "ESSAIM_SEARCH_INDEXING": args.indexing,
    }
    try:
        if not (data_dir / "essaim.db").exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            print(f"writing {args.pages} pages…", flush=True)
            print(f"  written in {fill(data_dir, args.pages, env):.0f} s", flush=True)
            subprocess.run(
                [
                    str(ESSAIM),
                    "users",
                    "create",
                    "charge",
                    "--password",
                    "une charge de test solide",
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        reindex = reindex_mb = None
        if not args.no_reindex:
            print("full reindex…", flush=True)
            reindex, reindex_mb = timed_command(env, "search", "reindex")
        slugs = [f"experience-{n}" for n in range(1, args.pages + 1)]

        server, port, log = start_server(data_dir, env, args.workers, args.threads)
        try:
            samples, failures = measure(
                port, slugs, args.views, args.searches, args.saves, seed=args.pages
            )
            memory, indexer_memory = worker_memory(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"\n{args.pages} pages, essaim serve {args.workers} workers × {args.threads} threads, "
        f"indexing: {args.indexing}"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| measure | n | p50 | p95 | max | target | failed |")
    print("|---|---:|---:|---:|---:|---|---:|")
    targets = {"view": "p95 < 20 ms", "search": "p95 < 60 ms", "edit": "p95 < 100 ms"}
    names = {"view": "page view", "search": "search", "edit": "save (editor form)"}
    for kind, values in samples.items():
        if not values:  # --saves 0: the reads alone, without a save's indexing beside them
            continue
        print(
            f"| {names[kind]} | {len(values)} | {1000 * percentile(values, 50):.1f} ms | "
            f"{1000 * percentile(values, 95):.1f} ms | {1000 * max(values):.1f} ms | "
            f"{targets[kind]} | {failures[kind]} |"
        )
    if reindex is not None:
        print(f"| full reindex | 1 | | | {reindex:.0f} s | < 10 min | |")
        print(f"| reindex peak memory | 1 | | | {reindex_mb:.0f} MB | | |")
    shown = ", ".join(f"{mb:.0f} MB" for mb in memory)
    print(f"| worker resident memory | {len(memory)} | | | {shown} | < 200 MB | |")
    if indexer_memory:
        print(f"| indexer resident memory | 1 | | | {indexer_memory[0]:.0f} MB | | |")


if __name__ == "__main__":
    main()
