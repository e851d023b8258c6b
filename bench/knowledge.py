"""Benchmark: the researcher views (/invariants, /themes/<theme>, /compare, /compare.csv, /map.json)
on a generated corpus of N experiences.

Usage: python bench/knowledge.py [--pages 1000 5000]
Pages and their derived rows (themes, statements) are inserted directly, as `refresh()` would
leave them, so that the views are measured alone. Prints the first request per view and the median of 3 more (the invariants are cached until
the next save).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import COMPLEMENTS, LEVERS, OBSTACLES, THEMES, TOWNS  # noqa: E402

VIEWS = (
    "/invariants",
    "/themes/alimentation",
    "/compare",
    "/compare.csv",
    "/compare.xlsx",
    "/figures",
    "/map.json",
)


def seed(count: int) -> None:
    from wiki.content.sections import normalise_item
    from wiki.extensions import db
    from wiki.models import Page, PageTheme, Revision, Statement

    rng = random.Random(7)
    for n in range(1, count + 1):
        page = Page(
            slug=f"experience-{n}",
            title=f"Expérience {n}",
            short_code=f"c{n:07d}",
            type="experience",
            territory=rng.choice(TOWNS),
            status="en cours",
            scale="commune",
            setting="rural",
            lat=45 + rng.random(),
            lon=2 + rng.random(),
        )
        db.session.add(page)
        db.session.flush()
        revision = Revision(page_id=page.id, number=1, title=page.title, text="# x", size=3)
        db.session.add(revision)
        db.session.flush()
        page.current_id = revision.id
        for theme in rng.sample(THEMES, 2):
            db.session.add(PageTheme(page_id=page.id, theme=theme))
        for kind, phrases in (("lever", LEVERS), ("obstacle", OBSTACLES)):
            for position in range(rng.randint(2, 5)):
                text = f"{rng.choice(phrases)} {rng.choice(COMPLEMENTS)}."
                db.session.add(
                    Statement(
                        page_id=page.id,
                        kind=kind,
                        position=position,
                        text=text,
                        key=normalise_item(text),
                    )
                )
        if n % 500 == 0:
            db.session.commit()
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    from flask_migrate import upgrade

    from wiki import create_app
    from wiki.extensions import db

    for count in args.pages:
        data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-knowledge-"))
        app = create_app(
            {
                "DATA_DIR": data_dir,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/k.db",
                "SECRET_KEY": "bench",
                "SEARCH_INDEXING": "off",
            }
        )
        try:
            with app.app_context():
                upgrade()
                seed(count)
                client = app.test_client()
                print(f"\n{count} experiences")
                print(f"  {'view':<22} {'first':>8} {'again':>8}")
                for view in VIEWS:
                    times = []
                    for _ in range(4):
                        start = time.perf_counter()
                        status = client.get(view).status_code
                        times.append(time.perf_counter() - start)
                    first, again = times[0], statistics.median(times[1:])
                    print(
                        f"  {view:<22} {first * 1000:6.0f} ms {again * 1000:6.0f} ms  (HTTP {status})"
                    )
                db.engine.dispose()
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
