"""Search latency of two versions of the code side by side, on copies of one data dir.

    .venv/bin/python bench/search_ab.py DATA_DIR --before /path/to/old/checkout [--rounds 200]

On this shared machine the load moves by 2-3x within minutes, so two benchmark runs one after
the other compare the load more than the code. Here two `essaim serve` (2 workers x 4
threads each, like bench/scale.py) run at once on two copies of a kept data dir (made with
bench/scale.py --keep; its index is used as it is): "before" with PYTHONPATH pointing at the
old checkout, "after" with this one. Each is warmed with 100 searches, then for each round one
query of bench/load.py's mix is sent to both, in alternating order, so that both see the same
load, and one page view (the floor any request pays at that load); every `--save-every`
rounds the same page is saved on both through the editor (a save makes new searchers: what
follows pays for it). Prints p50/p95/max of each, the workers' memory and the load.
The two copies are removed at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import QUERIES, Client, percentile, start_server  # noqa: E402
from bench.scale import worker_memory  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--save-every", type=int, default=10)
    parser.add_argument("--pages", type=int, default=100_000, help="pages of the data dir")
    args = parser.parse_args()

    def get(client: Client, path: str) -> tuple[int, str]:
        # The server closes a keep-alive connection left idle 2 s (while the other answered a
        # slow request): the client has reconnected, ask again.
        try:
            return client.request("GET", path)
        except (http.client.HTTPException, OSError):
            return client.request("GET", path)

    work = Path(tempfile.mkdtemp(prefix="essaim-ab-"))
    servers, clients = {}, {}
    rng = random.Random(7)
    slugs = [f"experience-{n}" for n in range(1, args.pages + 1)]
    try:
        for name in ("before", "after"):
            copy = work / name
            subprocess.run(["cp", "-a", str(args.data_dir), str(copy)], check=True)
            env = {
                **os.environ,
                "ESSAIM_DATA_DIR": str(copy),
                "ESSAIM_SECRET_KEY": "ab",
                "ESSAIM_RATELIMIT_ENABLED": "0",
                "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",
                "ESSAIM_SEARCH_INDEXING": "thread",
            }
            if name == "before":
                env["PYTHONPATH"] = str(args.before.resolve())
            else:
                env.pop("PYTHONPATH", None)
            servers[name] = start_server(copy, env, 2, 4)
            clients[name] = Client(servers[name][1], slugs, random.Random(11))
            clients[name].log_in()
        print(f"load before warming: {os.getloadavg()[0]:.1f}", flush=True)
        for _ in range(100):
            q = urllib.parse.quote(rng.choice(QUERIES))
            for name in ("before", "after"):
                get(clients[name], f"/search?q={q}")
        samples: dict[str, list[float]] = {"before": [], "after": []}
        views: dict[str, list[float]] = {"before": [], "after": []}
        loads = []
        for i in range(args.rounds):
            if args.save_every and i % args.save_every == 0:
                for name in ("before", "after"):
                    try:
                        saved = clients[name].edit()
                    except (http.client.HTTPException, OSError):
                        saved = clients[name].edit()
                    assert saved == 200, "a save failed"
            q = urllib.parse.quote(rng.choice(QUERIES))
            order = ("before", "after") if i % 2 else ("after", "before")
            for name in order:
                started = time.perf_counter()
                try:
                    status, _html = clients[name].request("GET", f"/search?q={q}")
                except (http.client.HTTPException, OSError):  # see get(): not timed
                    started = time.perf_counter()
                    status, _html = clients[name].request("GET", f"/search?q={q}")
                samples[name].append(time.perf_counter() - started)
                assert status == 200, f"{name}: {status}"
            slug = rng.choice(slugs)
            for name in order:  # a page view: the floor any request pays at this load
                started = time.perf_counter()
                status, _html = get(clients[name], f"/wiki/{slug}")
                views[name].append(time.perf_counter() - started)
            loads.append(os.getloadavg()[0])
        memory = {name: worker_memory(server.pid) for name, (server, _p, _l) in servers.items()}
    finally:
        for server, _port, log in servers.values():
            server.terminate()
            server.wait(timeout=60)
            log.close()
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\n{args.rounds} searches each, a save on both every {args.save_every}; load average "
        f"{min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f}) on "
        f"{os.cpu_count()} cores\n"
    )
    print("| code | search p50 | p95 | max | page view p50 | p95 | workers' memory |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, values in samples.items():
        shown = ", ".join(f"{mb:.0f} MB" for mb in memory[name])
        print(
            f"| {name} | {1000 * percentile(values, 50):.1f} ms | "
            f"{1000 * percentile(values, 95):.1f} ms | {1000 * max(values):.1f} ms | "
            f"{1000 * percentile(views[name], 50):.1f} ms | "
            f"{1000 * percentile(views[name], 95):.1f} ms | {shown} |"
        )


if __name__ == "__main__":
    main()
