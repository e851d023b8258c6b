"""Every result of many searches as JSON lines, to diff two versions of the search code.

    .venv/bin/python bench/search_dump.py DATA_DIR > after.jsonl
    PYTHONPATH=/path/to/old/checkout .venv/bin/python bench/search_dump.py DATA_DIR > before.jsonl
    diff before.jsonl after.jsonl

Run both on the same data dir (a copy of bench/scale.py --keep's, left unchanged between the
two runs). Queries: bench/load.py's mix, every judged query of bench/relevance/*.toml and a few
with operators, each plain, by date, page 2, with one and with two facet filters. Dumped:
total, pages, "with all your words", missing words, corrections, notices, each hit (page id,
where it matched, missing words, snippet HTML) and each facet (key, count, selected). A speed
change must leave this output identical (this is how issue 17's threshold ranking and bitmaps
were checked: 630 searches at 10k pages, 0 differences).
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from pathlib import Path

EXTRA = [
    "jardin -partagé",
    '"jardin partagé"',
    "jardin OR vélo",
    "theme:energie habitat",
    "photvoltaique",
    "freins mobilité",
    "eau Nord",
    "",
    "habitat NOT rural",
    "budget participatif citoyen école",
]
VARIANTS = (
    {},
    {"sort": "date"},
    {"page": 2},
    {"filters": {"themes": ["energie"]}},
    {"filters": {"setting": ["rural"], "scale": ["commune"]}},
)


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    os.environ.update(
        {
            "ESSAIM_DATA_DIR": sys.argv[1],
            "ESSAIM_SECRET_KEY": "dump",
            "ESSAIM_RATELIMIT_ENABLED": "0",
            "ESSAIM_SEARCH_INDEXING": "off",
        }
    )
    sys.path.insert(0, os.environ.get("PYTHONPATH") or str(root))
    from bench.load import QUERIES
    from wiki import create_app
    from wiki.search import query

    queries = list(QUERIES)
    for path in sorted((root / "bench" / "relevance").glob("*.toml")):
        queries += [item["q"] for item in tomllib.loads(path.read_text())["query"]]
    queries += EXTRA
    app = create_app()
    with app.test_request_context():
        for q in queries:
            for variant in VARIANTS:
                found = query.search(q, **variant)
                line = {
                    "q": q,
                    "variant": variant,
                    "total": found.total,
                    "pages": found.pages,
                    "complete": found.complete,
                    "missing": found.missing,
                    "did_you_mean": found.did_you_mean,
                    "corrected": found.corrected,
                    "notices": found.notices,
                    "hits": [
                        (hit.page_id, hit.matched_in, hit.missing, str(hit.snippet))
                        for hit in found.hits
                    ],
                    "facets": {
                        name: [(v.key, v.count, v.selected) for v in values]
                        for name, values in found.facets.items()
                    },
                }
                print(json.dumps(line, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
