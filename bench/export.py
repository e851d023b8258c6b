"""Benchmark: /compare.csv (streamed) and /compare.xlsx on 50,000 experience rows.

Usage: python bench/export.py [--rows 50000] [--memory]
Creates the rows in a temporary SQLite data dir (bulk inserts of pages, themes and statements,
as `refresh()` would leave them), then asks each download once through the test client,
reading the streamed body chunk by chunk. Prints the time to the first byte, the total time,
the size, and the peak memory: with --memory, Python's own allocations during the request
(tracemalloc, which slows the run: times are then not comparable); always, the process's
maximum resident set size so far (ru_maxrss, never goes down).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import COMPLEMENTS, LEVERS, OBSTACLES, THEMES, TOWNS  # noqa: E402

DOWNLOADS = ("/compare.csv", "/compare.csv?sep=semicolon", "/compare.xlsx")
CODES = ("59491", "35236", "243500741", "15", "69123", "79202", "01053")


def seed(count: int, batch: int = 5000) -> None:
    from sqlalchemy import insert

    from wiki.content.cog import place_for_code
    from wiki.content.sections import normalise_item
    from wiki.extensions import db
    from wiki.models import Page, PageTheme, Statement

    rng = random.Random(7)
    places = {code: place_for_code(code) for code in CODES}
    for first in range(1, count + 1, batch):
        numbers = range(first, min(first + batch, count + 1))
        pages, themes, statements = [], [], []
        for n in numbers:
            place = places[rng.choice(CODES)]
            pages.append(
                {
                    "id": n,
                    "slug": f"experience-{n:06d}",
                    "title": f"Expérience {n} à {rng.choice(TOWNS)}",
                    "short_code": f"c{n:07d}",
                    "type": "experience",
                    "territory": place.name,
                    "insee": place.commune,
                    "territory_level": place.level,
                    "territory_code": place.code,
                    "epci": place.epci,
                    "department": place.department,
                    "region": place.region,
                    "status": "en cours",
                    "scale": "commune",
                    "setting": "rural",
                    "started": 2015 + n % 10,
                    "public": True,
                }
            )
            themes += [{"page_id": n, "theme": t} for t in rng.sample(THEMES, 2)]
            for kind, phrases in (("lever", LEVERS), ("obstacle", OBSTACLES)):
                for position in range(rng.randint(2, 4)):
                    text = f"{rng.choice(phrases)} {rng.choice(COMPLEMENTS)}."
                    statements.append(
                        {
                            "page_id": n,
                            "kind": kind,
                            "position": position,
                            "text": text,
                            "key": normalise_item(text),
                        }
                    )
        db.session.execute(insert(Page), pages)
        db.session.execute(insert(PageTheme), themes)
        db.session.execute(insert(Statement), statements)
        db.session.commit()


def measure(client, url: str, memory: bool) -> tuple[int, float, float, int, float | None]:
    """(status, seconds to first byte, total seconds, bytes, peak MiB of Python allocations)."""
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    first = None
    size = 0
    for chunk in response.response:
        if first is None and chunk:
            first = time.perf_counter() - start
        size += len(chunk)
    response.close()
    total = time.perf_counter() - start
    peak = None
    if memory:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return response.status_code, first or total, total, size, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--memory", action="store_true", help="also trace Python's allocations")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from wiki import create_app
    from wiki.extensions import db

    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-export-"))
    app = create_app(
        {
            "DATA_DIR": data_dir,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/export.db",
            "SECRET_KEY": "bench",
            "SEARCH_INDEXING": "off",
            "RATELIMIT_ENABLED": False,
        }
    )
    try:
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            seed(args.rows)
            print(f"{args.rows} experiences inserted in {time.perf_counter() - start:.1f} s")
            client = app.test_client()
            print(
                f"  {'download':<28} {'HTTP':>4} {'1st byte':>9} {'total':>8} {'size':>9}", end=""
            )
            print(f" {'peak py':>9} {'maxrss':>8}")
            for url in DOWNLOADS:
                status, first, total, size, peak = measure(client, url, args.memory)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                shown = f"{peak:6.0f} MiB" if peak is not None else "        -"
                print(
                    f"  {url:<28} {status:>4} {first:8.2f}s {total:7.2f}s "
                    f"{size / 2**20:6.1f} MiB {shown} {rss:5.0f} MiB"
                )
            db.engine.dispose()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
