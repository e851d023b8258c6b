"""What one change costs a host that follows the change log: time per follow, segment shape.

In-process, on a SQLite file: N generated French pages saved, a second index directory (host
B) built by following the log, then S new pages saved one by one, each followed at once by
B (index.follow). Prints p50/p95/max of one follow and the documents per segment of B's index
after the build and at the end: the slow follows are the commits that reach the segment bound
and merge (engine/segments.py, merge_bounded). Not a test.

    .venv/bin/python bench/follow.py --pages 1000 --saves 60
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402

from bench.search import generate  # noqa: E402
from wiki import create_app  # noqa: E402
from wiki.auth.service import create_user  # noqa: E402
from wiki.extensions import db  # noqa: E402
from wiki.pages.service import save_page  # noqa: E402
from wiki.search import index  # noqa: E402


def shape(target: index.Target) -> list[int]:
    ix = whoosh_index.open_dir(str(target.store.current_path()))
    return [segment.doc_count_all() for segment in ix._segments()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="essaim-follow-") as tmp:
        data = Path(tmp)
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SEARCH_INDEXING": "off",  # host A's own index is not the point here
                "DATA_DIR": data,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data / 'essaim.db'}",
                "SEARCH_INDEX_DIR": str(data / "a"),
                "SPAM_MIN_FILL_SECONDS": 0,
                "NEW_ACCOUNT_EDITS": 0,
            }
        )
        with app.app_context():
            upgrade()
            author = create_user("camille", "un mot de passe solide")
            for page, _meta in generate(args.pages, seed=17):
                save_page(slug=None, title=page.title, text=page.current.text, author=author)
            b = index.Target(engine=db.engine, directory=str(data / "b"))
            started = time.perf_counter()
            while index.follow(b):
                pass
            print(f"host B built its index from the log: {time.perf_counter() - started:.1f} s")
            print(f"documents per segment after the build: {shape(b)}")
            times = []
            for n in range(args.saves):
                text = f"# Jalon {n}\n\nUn repère pour le banc d’essai."
                save_page(slug=None, title=f"Jalon {n}", text=text, author=author)
                started = time.perf_counter()
                while index.follow(b):
                    pass
                times.append(time.perf_counter() - started)
            p95 = statistics.quantiles(times, n=20)[18]
            print(
                f"one change followed at {args.pages} pages: p50 "
                f"{1000 * statistics.median(times):.0f} ms, p95 {1000 * p95:.0f} ms, "
                f"max {1000 * max(times):.0f} ms"
            )
            print(f"documents per segment after {args.saves} saves: {shape(b)}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
