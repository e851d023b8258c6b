"""Where one /search request spends its time, in-process, on a kept data dir (bench/scale.py --keep).

    .venv/bin/python bench/search_profile.py /work/wt/research-10k [--top 25] [--query eau]

For each query of bench/load.py's mix: the request through Flask's test client, "cold" (the
first search after the index changed: a save makes a new searcher, measured by touching the
index with an empty commit-free reopen, i.e. forgetting this thread's searcher and the decoded
postings) and "warm" (the same query again, 5 times, median). Prints milliseconds and the
number of Python function calls of one warm request (a deterministic proxy: the machine is
shared and noisy), then, with --top N, cProfile's N most expensive functions over the warm runs
of all queries.
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
    from wiki.search.engine import postings
    from wiki.search.store import forget_readers

    app = create_app()
    client = app.test_client()
    queries = args.query or QUERIES
    client.get("/search?q=initialisation")  # templates, imports
    profile = cProfile.Profile()
    print(f"{'query':<24} {'cold ms':>8} {'warm ms':>8} {'calls':>9}  total")
    for q in queries:
        url = "/search?q=" + urllib.parse.quote(q)
        forget_readers()
        postings.clear()
        started = time.perf_counter()
        response = client.get(url)
        cold = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        warm = []
        for _ in range(args.warm):
            started = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - started) * 1000)
        one = cProfile.Profile()
        one.enable()
        client.get(url)
        one.disable()
        calls = pstats.Stats(one).total_calls
        profile.enable()
        for _ in range(3):
            client.get(url)
        profile.disable()
        html = response.get_data(as_text=True)
        found = re.search(r'<p class="total"[^>]*>\s*([^<]*)', html)
        total = " ".join(found.group(1).split()) if found else ""
        print(f"{q:<24} {cold:8.1f} {statistics.median(warm):8.1f} {calls:9d}  {total}")
    if args.top:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
