"""CPU time of one anonymous /search request, in-process, on a kept data dir (robust to load).

    .venv/bin/python bench/search_cpu.py DATA_DIR [--rounds 5] [--html DIR] [--calls]
    PYTHONPATH=/path/to/old/checkout .venv/bin/python bench/search_cpu.py DATA_DIR  # before

Each query of bench/load.py's mix ("load") and every judged query of bench/relevance/*.toml
("relevance") goes through Flask's test client as an anonymous reader, after one warm-up pass
(the first search of a worker decodes posting lists: bench/search_profile.py measures that).
Times are `time.process_time()` of the whole request: CPU of this process, which the machine's
other work does not inflate much (wall time does). Printed: p50, p95 and mean CPU ms a search,
SQL statements a search, and an anonymous page view's CPU (kept pages on, as served) for scale.
--html DIR writes each result page (CSRF tokens removed) to compare two versions' HTML;
--calls prints Python function calls a search (deterministic, but slows the run). Where the
code keeps hits between searches (query.forget_hits), each set is measured twice: asked again,
and as new searches (kept hits forgotten before each request). --saves adds "saved": the first
search after a save (one page rewritten in the index before each request, as the indexer does;
under bench/load.py's mix most searches of a thread follow a save): writes to DATA_DIR's index,
use a copy.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
import tomllib
import urllib.parse
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--calls", action="store_true")
    parser.add_argument("--only", choices=("load", "relevance"), help="one set of queries")
    parser.add_argument(
        "--saves", action="store_true", help='also "saved": one page rewritten before each search'
    )
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    os.environ.update(
        {
            "ESSAIM_DATA_DIR": str(args.data_dir),
            "ESSAIM_SECRET_KEY": "cpu",
            "ESSAIM_RATELIMIT_ENABLED": "0",
            "ESSAIM_SEARCH_INDEXING": "off",
        }
    )
    sys.path.insert(0, os.environ.get("PYTHONPATH") or str(root))
    from sqlalchemy import event

    from bench.load import QUERIES
    from wiki import create_app
    from wiki.extensions import db

    judged = []
    for path in sorted((root / "bench" / "relevance").glob("*.toml")):
        judged += [item["q"] for item in tomllib.loads(path.read_text())["query"]]
    sets = {"load": list(QUERIES), "relevance": judged}
    if args.only:
        sets = {args.only: sets[args.only]}
    app = create_app()
    client = app.test_client()
    statements = [0]
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a: statements.__setitem__(0, statements[0] + 1),
        )
    slugs_file = args.data_dir / "slugs.txt"  # bench/load.py's; else the first pages
    if slugs_file.exists():
        slugs = slugs_file.read_text().split()
    else:
        from sqlalchemy import select

        from wiki.models import Page

        with app.app_context():
            slugs = list(db.session.scalars(select(Page.slug).order_by(Page.id).limit(200)))

    def url(q: str) -> str:
        return "/search?q=" + urllib.parse.quote(q)

    for q in [
        q for queries in sets.values() for q in queries
    ]:  # warm-up: lists decoded, templates compiled
        assert client.get(url(q)).status_code == 200
    if args.html:
        args.html.mkdir(parents=True, exist_ok=True)
        for n, q in enumerate(q for queries in sets.values() for q in queries):
            for suffix in ("", "&page=2", "&sort=date", "&themes=energie&setting=rural"):
                html = client.get(url(q) + suffix).get_data(as_text=True)
                html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)
                html = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]*"', r"\1", html)
                (args.html / f"{n:03d}{suffix.replace('&', '_')}.html").write_text(html)

    from wiki.search import query

    # "again": the same searches asked again; "new": as searches whose hits were not shown
    # recently (the kept hits forgotten before each request, where the code keeps them).
    forget = getattr(query, "forget_hits", None)
    from wiki.search import index as search_index

    def save(page_id: int) -> None:  # as the indexer does: a new small segment
        with app.app_context():
            search_index.write_pages(search_index.target_for(app), db.session, [page_id], False)

    kinds = ("again", "new") if forget else ("again",)
    kinds += ("saved",) if args.saves else ()
    saved = 0
    print(f"{'set':<16} {'n':>4} {'p50':>6} {'p95':>6} {'mean':>6}  SQL  (CPU ms a search)")
    for name, queries in sets.items():
        for kind in kinds:
            cpu = []
            statements[0] = 0
            for _ in range(args.rounds):
                for q in queries:
                    if kind == "new":
                        forget()
                    elif kind == "saved":
                        counted, saved = statements[0], saved + 1
                        save(saved)
                        statements[0] = counted  # the save's own statements left out
                    started = time.process_time()
                    client.get(url(q))
                    cpu.append((time.process_time() - started) * 1000)
            sql = statements[0] / len(cpu)
            print(
                f"{name + ' ' + kind:<16} {len(queries):>4} {percentile(cpu, 50):6.2f} "
                f"{percentile(cpu, 95):6.2f} {statistics.fmean(cpu):6.2f} {sql:4.1f}"
            )
    views = []
    for slug in slugs[:200]:
        client.get(f"/wiki/{slug}")
    for _ in range(args.rounds):
        for slug in slugs[:200]:
            started = time.process_time()
            client.get(f"/wiki/{slug}")
            views.append((time.process_time() - started) * 1000)
    print(
        f"{'page view':<16} {200:>4} {percentile(views, 50):6.2f} {percentile(views, 95):6.2f} "
        f"{statistics.fmean(views):6.2f}"
    )
    if args.calls:
        counts = []
        for q in next(iter(sets.values())):
            profile = cProfile.Profile()
            profile.enable()
            client.get(url(q))
            profile.disable()
            counts.append(pstats.Stats(profile).total_calls)
        print(f"Python calls a search (load mix): {min(counts)}–{max(counts)}")


if __name__ == "__main__":
    main()
