"""Relevance benchmark: Essaim's search against an SQLite FTS5 baseline, on judged French queries.

    .venv/bin/python bench/relevance.py [--verbose] [--only CLASS] [--fts5-only]

The corpus is the demo pages (wiki/demo/content, their last revision) plus the experience pages of
bench/relevance/pages, saved through the real page service into a temporary SQLite database and
indexed by the real indexer. The queries and their judgments are in bench/relevance/queries.toml
(graded: 2 answers the question, 1 is related). Each query is run through
wiki.search.query.search (top 10) and through the baseline: an FTS5 table of the same pages
(title, text, metadata words), the query's words accent-folded, stop words dropped, stemmed by
the same French Snowball stemmer, joined by OR and ranked by bm25 (title weighted 2). Both
rankings are scored by the same code; printed per class, side by side:

- MRR@10: 1 / rank of the first relevant page (0 if none in the top 10);
- nDCG@10: graded gains (2^grade - 1), normalised by the ideal ordering of the judgments;
- R@10: share of the relevant pages found in the top 10;
- top-3: share of queries with a relevant page in the top 3;
- zero: queries that returned nothing (every query here has an answer in the corpus).

With --verbose, every query whose first relevant page is not in the top 3 is listed with what came
first, for both engines; with --per-query, each query's nDCG@10 for both (and Essaim's top 5
where it is below FTS5).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sqlite3
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HERE = Path(__file__).resolve().parent / "relevance"
PAGES_DIR = HERE / "pages"
QUERIES_FILE = HERE / "queries.toml"
TOP = 10
CLASSES = (
    "questions",
    "typos",
    "forms",
    "vocabulary",
    "places_sections",
    "tags_actors",
    "title",
    "syntax",
)


@dataclass
class Judged:
    q: str
    kind: str
    grades: dict[str, int]  # slug -> 2 (answers) | 1 (related)


@dataclass
class Scores:
    mrr: float = 0.0
    ndcg: float = 0.0
    recall: float = 0.0
    top3: float = 0.0
    zero: int = 0
    count: int = 0
    misses: list[tuple[Judged, list[str]]] = field(default_factory=list)
    per_query: list[tuple[Judged, float, list[str]]] = field(default_factory=list)


# -- the corpus -----------------------------------------------------------------------------------


def bench_pages() -> list[tuple[str, str, str]]:
    """(key, title, text) of the pages written for this benchmark."""
    pages = []
    for path in sorted(PAGES_DIR.glob("*.md")):
        text = path.read_text("utf-8")
        title = re.search(r"(?m)^# (.+)$", text).group(1).strip()
        pages.append((path.stem, title, text))
    return pages


def build(data_dir: Path):
    """A migrated SQLite database in `data_dir` holding the corpus, and its index; the app.

    Returns (app, keys) where keys maps each page key (demo folder or bench file stem) to the
    slug of the saved page. The caller works inside `app.app_context()`.
    """
    from flask_migrate import upgrade

    from wiki import create_app
    from wiki.demo import demo_pages
    from wiki.extensions import db
    from wiki.models import User
    from wiki.pages import service
    from wiki.search.index import rebuild, target_for

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "SEARCH_INDEXING": "off",  # one rebuild at the end: much faster than a page at a time
            "DATA_DIR": data_dir,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'essaim.db'}",
            "SEARCH_INDEX_DIR": str(data_dir / "search"),
            "BABEL_DEFAULT_LOCALE": "fr",
        }
    )
    keys: dict[str, str] = {}
    with app.app_context():
        upgrade()
        author = User(username="banc", password_hash="!")
        db.session.add(author)
        db.session.commit()
        pages = []
        for folder in demo_pages():  # their last revision: the history does not change search
            spec = tomllib.loads((folder / "page.toml").read_text("utf-8"))
            last = (folder / spec["revisions"][-1]["file"]).read_text("utf-8")
            pages.append((folder.name, spec["title"], last))
        for key, title, text in pages + bench_pages():
            revision = service.save_page(slug=None, title=title, text=text, author=author)
            keys[key] = revision.page.slug
        rebuild(target_for(app))
    return app, keys


def judged(keys: dict[str, str], path: Path = QUERIES_FILE) -> list[Judged]:
    """The queries of a judgments file, page names resolved to slugs (checked: unambiguous)."""
    spec = tomllib.loads(path.read_text("utf-8"))
    queries = []
    for entry in spec["query"]:
        grades = {}
        for start, grade in entry["relevant"].items():
            found = [key for key in keys if key.startswith(start)]
            if len(found) != 1:
                raise SystemExit(f"{entry['q']!r}: {start!r} names {len(found)} pages: {found}")
            grades[keys[found[0]]] = grade
        if entry["class"] not in CLASSES:
            raise SystemExit(f"{entry['q']!r}: unknown class {entry['class']!r}")
        queries.append(Judged(entry["q"], entry["class"], grades))
    return queries


# -- the two engines ------------------------------------------------------------------------------


def essaim_ranking(q: str) -> list[str]:
    """Slugs of Essaim's first TOP results (inside the app context of build())."""
    from wiki.search import query as search_query

    return [hit.slug for hit in search_query.search(q, per_page=TOP).hits]


class Baseline:
    """The textbook baseline: FTS5, words folded and stemmed, OR of the query's words, bm25."""

    def __init__(self):
        from whoosh.lang import stemmer_for_language, stopwords_for_language

        from wiki.search.analysis import fold_accents as fold

        # Its own analysis, independent of Essaim's: Snowball's stop words and stemmer.
        self.stem = stemmer_for_language("fr")
        self.fold = fold
        self.stop = frozenset(fold(w) for w in stopwords_for_language("fr"))
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE pages USING fts5(slug UNINDEXED, title, body, meta)")

    def analyse(self, text: str) -> str:
        words = re.findall(r"\w+", self.fold(text))
        return " ".join(self.stem(w) for w in words if w not in self.stop)

    def add(self, slug: str, title: str, text: str) -> None:
        from wiki.content import frontmatter
        from wiki.search.document import plain

        meta, body = frontmatter.split(text)
        words = []
        for key in ("territory", "themes", "tags", "actors"):
            value = (meta or {}).get(key) or ""
            words.append(" ".join(map(str, value)) if isinstance(value, list) else str(value))
        self.db.execute(
            "INSERT INTO pages VALUES (?, ?, ?, ?)",
            (slug, self.analyse(title), self.analyse(plain(body)), self.analyse(" ".join(words))),
        )

    def ranking(self, q: str) -> list[str]:
        words = sorted(set(self.analyse(q).split()))
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = self.db.execute(
            "SELECT slug FROM pages WHERE pages MATCH ? ORDER BY bm25(pages, 0, 2.0, 1.0, 1.0)"
            " LIMIT ?",
            (match, TOP),
        )
        return [slug for (slug,) in rows]


def baseline_for(app) -> Baseline:
    from sqlalchemy import select

    from wiki.extensions import db
    from wiki.models import Page

    baseline = Baseline()
    with app.app_context():
        for page in db.session.scalars(select(Page)):
            baseline.add(page.slug, page.title, page.current.text if page.current else "")
    return baseline


# -- scoring --------------------------------------------------------------------------------------


def score(queries: list[Judged], ranking: Callable[[str], list[str]]) -> dict[str, Scores]:
    """Scores per class, and "all", of a ranking function over the judged queries."""
    result = {kind: Scores() for kind in (*CLASSES, "all")}
    for judged_query in queries:
        ranked = ranking(judged_query.q)[:TOP]
        grades = judged_query.grades
        first = next((i for i, slug in enumerate(ranked) if grades.get(slug)), None)
        gains = [2 ** grades.get(slug, 0) - 1 for slug in ranked]
        ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:TOP]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        found = sum(1 for slug in ranked if grades.get(slug))
        for kind in (judged_query.kind, "all"):
            s = result[kind]
            s.count += 1
            s.mrr += 1 / (first + 1) if first is not None else 0.0
            s.ndcg += dcg / idcg if idcg else 0.0
            s.recall += found / min(len(grades), TOP)
            s.top3 += 1 if first is not None and first < 3 else 0
            s.zero += 0 if ranked else 1
        if first is None or first >= 3:
            result["all"].misses.append((judged_query, ranked[:3]))
        result["all"].per_query.append((judged_query, dcg / idcg if idcg else 0.0, ranked))
    for s in result.values():
        if s.count:
            s.mrr, s.ndcg = s.mrr / s.count, s.ndcg / s.count
            s.recall, s.top3 = s.recall / s.count, s.top3 / s.count
    return result


def table(essaim: dict[str, Scores], fts5: dict[str, Scores]) -> str:
    head = (
        f"{'class':<16}{'n':>3} | {'MRR@10':>7}{'nDCG@10':>8}{'R@10':>6}{'top-3':>7}{'zero':>5}"
        f" | {'FTS5 MRR':>8}{'nDCG':>6}{'R@10':>6}{'top-3':>7}{'zero':>5}"
    )
    lines = [head, "-" * len(head)]
    for kind in (*CLASSES, "all"):
        e, f = essaim[kind], fts5[kind]
        if not e.count:
            continue
        lines.append(
            f"{kind:<16}{e.count:>3} | {e.mrr:>7.3f}{e.ndcg:>8.3f}{e.recall:>6.2f}"
            f"{e.top3:>7.0%}{e.zero:>5} | {f.mrr:>8.3f}{f.ndcg:>6.3f}{f.recall:>6.2f}"
            f"{f.top3:>7.0%}{f.zero:>5}"
        )
    return "\n".join(lines)


def run(
    verbose: bool = False,
    only: str | None = None,
    per_query: bool = False,
    queries_file: Path = QUERIES_FILE,
):
    # In memory when the machine has a tmpfs: ~100 commits, each an fsync on a disk.
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="essaim-relevance-", dir=where) as tmp:
        app, keys = build(Path(tmp))
        queries = [q for q in judged(keys, queries_file) if only is None or q.kind == only]
        baseline = baseline_for(app)
        with app.app_context(), app.test_request_context():
            essaim = score(queries, essaim_ranking)
        fts5 = score(queries, baseline.ranking)
        with app.app_context():
            from wiki.extensions import db

            db.engine.dispose()
    if per_query:
        print(f"\n{'nDCG Essaim':>11} {'FTS5':>5}  query")
        pairs = zip(essaim["all"].per_query, fts5["all"].per_query, strict=True)
        for (judged_query, mine, ranked), (_q, theirs, _r) in pairs:
            flag = " <" if mine < theirs else ""
            print(f"{mine:>11.3f} {theirs:>5.3f}  [{judged_query.kind}] {judged_query.q}{flag}")
            if flag:
                print(f"{'':18}Essaim: {ranked[:5]}")
    if verbose:
        for name, scores in (("Essaim", essaim), ("FTS5", fts5)):
            print(f"\n{name}: first relevant page not in the top 3")
            for judged_query, top3 in scores["all"].misses:
                print(f"  [{judged_query.kind}] {judged_query.q!r} -> {top3}")
        print()
    return essaim, fts5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the queries missed")
    parser.add_argument("--only", choices=CLASSES, help="one class of queries")
    parser.add_argument("--per-query", action="store_true", help="nDCG@10 of each query")
    parser.add_argument(
        "--queries",
        type=Path,
        default=QUERIES_FILE,
        help="judgments file (bench/relevance/heldout.toml: queries never used for tuning)",
    )
    args = parser.parse_args()
    essaim, fts5 = run(args.verbose, args.only, args.per_query, args.queries)
    print(table(essaim, fts5))


if __name__ == "__main__":
    main()
