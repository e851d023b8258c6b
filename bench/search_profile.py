"""Where one /search request spends its time, in-process, on a kept data dir (bench/scale.py --keep).

    .venv/bin/python bench/search_profile.py /work/wt/research-10k [--top 25] [--query eau]

For each query of bench/load.py's mix, the request through Flask's test client:
- "first": with nothing decoded (this thread's searcher and every cached posting list
  forgotten), as the first search of a new worker;
- "saved": the first search after a save (one page rewritten in the index, as the indexer
  does: a new small segment, the others kept);
- "warm": the same query again (median of --warm runs).
Also the number of Python function calls of one warm request and of one request after a save
(deterministic proxies: the machine is shared and noisy), then, with --top N, cProfile's N
most expensive functions over warm runs of all queries. Rewrites pages of the data dir's
index (the same text): use a copy.
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
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import QUERIES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--query", action="append")
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(
        {
            "ESSAIM_DATA_DIR": str(args.data_dir),
            "ESSAIM_SECRET_KEY": "profile",
            "ESSAIM_RATELIMIT_ENABLED": "0",
            "ESSAIM_SEARCH_INDEXING": "off",
        }
    )
    from wiki import create_app
    from wiki.extensions import db
    from wiki.search import index as search_index
    from wiki.search.engine import postings
    from wiki.search.store import forget_readers

    app = create_app()
    client = app.test_client()
    queries = args.query or QUERIES
    client.get("/search?q=initialisation")  # templates, imports

    def save(page_id: int) -> None:
        with app.app_context():
            search_index.write_pages(search_index.target_for(app), db.session, [page_id], False)

    def timed(url: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, response

    def calls(url: str) -> int:
        one = cProfile.Profile()
        one.enable()
        client.get(url)
        one.disable()
        return pstats.Stats(one).total_calls

    profile = cProfile.Profile()
    print(f"{'query':<24} {'first':>7} {'saved':>7} {'warm':>7} {'calls':>7} {'saved':>7}  total")
    for n, q in enumerate(queries):
        url = "/search?q=" + urllib.parse.quote(q)
        forget_readers()
        postings.clear()
        first, response = timed(url)
        save(n + 1)
        saved, _r = timed(url)
        warm = statistics.median(timed(url)[0] for _ in range(args.warm))
        warm_calls = calls(url)
        save(n + 1)
        saved_calls = calls(url)
        profile.enable()
        for _ in range(3):
            client.get(url)
        profile.disable()
        html = response.get_data(as_text=True)
        found = re.search(r'<p class="total"[^>]*>\s*([^<]*)', html)
        total = " ".join(found.group(1).split()) if found else ""
        print(
            f"{q:<24} {first:7.1f} {saved:7.1f} {warm:7.1f} {warm_calls:7d} {saved_calls:7d}  {total}"
        )
    for q in queries:  # every query's lists decoded at once, as in a worker that served them
        client.get("/search?q=" + urllib.parse.quote(q))
    rss = next(
        int(line.split()[1]) / 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    print(
        f"decoded lists kept: {postings._segments_size / 2**20:.1f} MB estimated "
        f"({len(postings._segments)} lists); this process: {rss:.0f} MB resident"
    )
    if args.top:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
