"""Load test of `essaim serve`: a bounded mix of page views, searches and edits.

Starts gunicorn (2 workers by default) on a fresh data dir filled with generated French
experience pages, then C clients send requests for D seconds: 90 % page views, 8 % searches,
2 % edits (logged in, through the editor form like a person). Views and searches are sent
anonymously, as the public reads a wiki (each visitor keeps a second, signed-in connection for
its edits); `--signed-in-readers` sends them signed in too, as the first runs of this bench
did. Prints throughput, p50/p95 per kind and errors. Not a test: a figure to compare between
versions.

    .venv/bin/python bench/load.py --pages 1000 --duration 30 --clients 16
    .venv/bin/python bench/load.py --pages 1000 --duration 60 --clients 32 --rate 200
"""

from __future__ import annotations

import argparse
import html as html_module
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import generate  # noqa: E402

ESSAIM = Path(sys.executable).with_name("essaim")
MIX = (("view", 0.90), ("search", 0.08), ("edit", 0.02))
CONFLICT = 409  # an edit answered with the merge page (conflict.html): not an error
# The rate limits a visitor of the mix meets (config.py): login, search, editor, save.
LIMITED = ("LOGIN", "SEARCH", "SUGGEST", "EDIT", "EDIT_ACCOUNT", "EDITOR_SYNC", "PREVIEW")

QUERIES = [
    "jardin partagé",
    "énergie citoyenne",
    "mobilité",
    "cantine bio",
    "habitat",
    "eau",
    "budget participatif",
    "précarité énergétique",
    "ressourcerie",
    "covoiturage",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data_dir: Path, pages: int, env: dict) -> list[str]:
    """Migrate, import the generated pages (indexed before the import returns), add an editor."""
    folder = data_dir / "corpus"
    folder.mkdir()
    for page, _meta in generate(pages, seed=17):
        (folder / f"{page.slug}.md").write_text(page.current.text)

    def run(*args):
        return subprocess.run(
            [str(ESSAIM), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )

    run("db", "upgrade")
    run("import", str(folder))
    run("search", "reindex")
    run("users", "create", "charge", "--password", "une charge de test solide")
    run("export", str(data_dir / "export"))
    return sorted(p.stem for p in (data_dir / "export").glob("*.md"))


class Client:
    """One visitor: a keep-alive connection, cookies, and the kinds of requests of the mix."""

    def __init__(self, port: int, slugs: list[str], rng: random.Random) -> None:
        self.port, self.slugs, self.rng = port, slugs, rng
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.last_save = float("nan")  # seconds of the last POST of the editor form
        self.last_used = time.monotonic()
        self.popularity: list[float] | None = None  # cumulative weights of the slugs, or uniform

    def zipf(self, exponent: float = 1.0) -> Client:
        """Pages read as on a real wiki: the k-th most read one k^-s times as often as the first."""
        weights = (1 / rank**exponent for rank in range(1, len(self.slugs) + 1))
        self.popularity = list(accumulate(weights))
        return self

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        idle = time.monotonic() - self.last_used
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed a kept-alive connection that sat idle (gunicorn's keep-alive
            # delay is 2 s; the signed-in connection of a visitor only edits): the request was
            # never read, and browsers send it again on a new connection, so does this client.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            if idle < 1.0:
                raise
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        text = response.read().decode("utf-8", "replace")
        self.last_used = time.monotonic()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def log_in(self) -> None:
        _, html = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        status, _ = self.request(
            "POST",
            "/login",
            {"csrf_token": token, "username": "charge", "password": "une charge de test solide"},
        )
        assert status == 302, f"login answered {status}"

    def view(self) -> int:
        if self.popularity is None:
            slug = self.rng.choice(self.slugs)
        else:
            slug = self.rng.choices(self.slugs, cum_weights=self.popularity)[0]
        return self.request("GET", f"/wiki/{slug}")[0]

    def search(self) -> int:
        q = urllib.parse.quote(self.rng.choice(QUERIES))
        return self.request("GET", f"/search?q={q}")[0]

    def edit(self) -> int:
        """Open the editor, append a line to the text, save (a 302 to the page when saved)."""
        slug = self.rng.choice(self.slugs)
        status, html = self.request("GET", f"/wiki/{slug}/edit")
        if status != 200:
            return status
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        base = re.search(r'name="base_revision" type="hidden" value="([^"]*)"', html).group(1)
        source = re.search(r'name="source" type="hidden" value="([^"]*)"', html).group(1)
        started = re.search(r'name="form_started" value="([^"]*)"', html).group(1)
        full = html_module.unescape(source)
        full += f"\n- Note de passage {self.rng.randint(0, 10**6)}.\n"
        started = time.perf_counter()
        status, text = self.request(
            "POST",
            f"/wiki/{slug}/edit",
            {
                "csrf_token": token,
                "title": "",
                "text": full,
                "comment": "charge",
                "base_revision": base,
                "form_started": started,
                "website": "",
            },
        )
        self.last_save = time.perf_counter() - started  # the save alone, without the editor
        if status == 409 and "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" in text:
            return CONFLICT
        return 200 if status == 302 else status


def drive(
    port: int,
    slugs: list[str],
    clients: int,
    duration: float,
    seed: int,
    signed_in_readers: bool = False,
    zipf: bool = False,
    rate: float | None = None,
):
    """Each visitor edits signed in; it reads and searches anonymously, as the public does,
    unless `signed_in_readers` (then every request is signed in, as in the first runs).

    Without `rate`, each visitor sends its next request as soon as the last one is answered
    (closed loop: the throughput is the server's capacity, the latency clients / throughput).
    With `rate`, requests are sent on a fixed schedule, `rate` a second in all, by whichever
    visitor is free (open loop, as independent visitors arrive): each latency counts from the
    request's scheduled time, so a server falling behind shows it in full (no "coordinated
    omission"); `clients` bounds the requests in flight."""
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    conflicts: list[float] = []
    timeline: list[tuple[float, float]] = []  # (start, latency) of every request
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    schedule = {"next": 0, "origin": 0.0}
    # The schedule starts once every visitor has signed in: 32 sign-ins (password hashing) at
    # the start would otherwise put seconds of backlog on the first scheduled requests.
    ready = threading.Barrier(
        clients, action=lambda: schedule.update(origin=time.perf_counter() + 0.05)
    )

    def next_slot() -> float | None:
        """The perf_counter time of the next scheduled request, or None past the deadline."""
        with lock:
            slot = schedule["next"]
            schedule["next"] += 1
        if slot / rate > duration:
            return None
        return schedule["origin"] + slot / rate

    def visitor(n: int) -> None:
        rng = random.Random(seed + n)
        client = Client(port, slugs, rng)
        client.log_in()
        reader = client if signed_in_readers else Client(port, slugs, rng)
        if zipf:
            reader.zipf()
        if rate:
            ready.wait()
        kinds, weights = zip(*MIX, strict=True)
        while time.monotonic() < deadline or rate:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            if rate:
                started = next_slot()
                if started is None:
                    break
                time.sleep(max(0.0, started - time.perf_counter()))
            try:
                status = getattr(client if kind == "edit" else reader, kind)()
                problem = None if status in (200, CONFLICT) else f"HTTP {status}"
            except Exception as error:  # counted, not raised: a load test reports errors
                problem = repr(error)[:200]
            elapsed = time.perf_counter() - started
            with lock:
                samples[kind].append(elapsed)
                timeline.append((started, elapsed))
                if status == CONFLICT:
                    conflicts.append(elapsed)
                if problem:
                    errors[kind].append(problem)

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples["conflicts"] = conflicts
    samples["timeline"] = timeline
    # From the first request of the mix to the last answer: the sign-ins before are not load.
    elapsed = max(s + e for s, e in timeline) - min(s for s, _ in timeline) if timeline else 0.0
    return samples, errors, elapsed


def start_server(data_dir: Path, env: dict, workers: int, threads: int):
    """`essaim serve` on a free port, logging to data_dir/serve.log, once /healthz answers:
    (process, port, log file)."""
    port = free_port()
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 (closed by the caller)
    server = subprocess.Popen(
        [str(ESSAIM), "serve", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--threads", str(threads)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(600):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            break
        except OSError:
            time.sleep(0.1)
    return server, port, log


def server_cpu_seconds(master: int) -> tuple[float, float, float]:
    """CPU seconds used so far by gunicorn's master and its workers, by the search indexer, and
    in the kernel on their behalf (from /proc): what the requests cost the server, whatever else
    the machine runs meanwhile."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [str(master)]
    for task in Path(f"/proc/{master}/task").iterdir():  # the indexer may be a thread's child
        pids += (task / "children").read_text().split()
    total = indexer = system = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # a worker replaced meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        total += seconds
        system += int(fields[12]) / tick
        if b"\0search\0indexer" in command:
            indexer += seconds
    return total, indexer, system


def page_cache_counts(port: int) -> dict[str, float]:
    """Anonymous views answered from the page cache ("kept") and rendered, from /metrics."""
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    probe.request("GET", "/metrics")
    text = probe.getresponse().read().decode()
    found = re.findall(r'essaim_page_cache_views_total\{result="(\w+)"\} ([0-9.e+]+)', text)
    return {result: float(value) for result, value in found}


def percentile(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def report(samples, errors, elapsed, args) -> None:
    conflicts = samples.pop("conflicts", [])
    timeline = sorted(samples.pop("timeline", []))
    total = sum(len(v) for v in samples.values())
    failed = sum(len(v) for v in errors.values())
    print(
        f"\nessaim serve: {args.workers} workers × {args.threads} threads, {args.pages} pages, "
        f"{args.clients} clients"
        + (f" at {args.rate:g} requests/s offered (open loop)" if args.rate else "")
        + f", {elapsed:.1f} s, readers "
        f"{'signed in' if args.signed_in_readers else 'anonymous'}, pages read {args.popularity}"
    )
    print(f"throughput: {total / elapsed:.1f} requests/s, {total} requests, {failed} errors\n")
    print("| kind | requests | share | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, _ in MIX:
        values = samples.get(kind, [])
        print(
            f"| {kind} | {len(values)} | {100 * len(values) / max(total, 1):.1f} % | "
            f"{1000 * percentile(values, 50):.1f} | {1000 * percentile(values, 95):.1f} | "
            f"{len(errors.get(kind, []))} |"
        )
    everything = [v for values in samples.values() for v in values]
    print(
        f"| all | {total} | 100 % | {1000 * percentile(everything, 50):.1f} | "
        f"{1000 * percentile(everything, 95):.1f} | {failed} |"
    )
    for kind, problems in errors.items():
        print(f"  {kind}: first errors: {sorted(set(problems))[:3]}")
    if timeline:
        # Tails from a stall show as one bad window; from saturation, as many.
        print("\nby 10 s window of start time: requests, p50 / p95 ms")
        origin, windows = timeline[0][0], defaultdict(list)
        for start, latency in timeline:
            windows[int((start - origin) // 10)].append(latency)
        print(
            "  "
            + " | ".join(
                f"{10 * w}s: {len(v)}, {1000 * percentile(v, 50):.0f} / "
                f"{1000 * percentile(v, 95):.0f}"
                for w, v in sorted(windows.items())
            )
        )
    if conflicts:
        print(
            f"  edit conflicts: {len(conflicts)} (two visitors saved the same page at once; "
            "the second was shown the merge with both texts, as a person would be: not errors)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=16, help="simultaneous visitors")
    parser.add_argument(
        "--rate",
        type=float,
        help="offer this many requests a second on a fixed schedule (open loop) instead of "
        "sending each visitor's next request when the last is answered; latencies then count "
        "from each request's scheduled time",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--popularity",
        choices=("uniform", "zipf"),
        default="uniform",
        help="which pages are read: all alike (the default, the hardest case) or as on a real "
        "wiki, a few pages most (Zipf's law, exponent 1)",
    )
    parser.add_argument(
        "--signed-in-readers",
        action="store_true",
        help="views and searches signed in too (by default only edits are, as in real traffic)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="essaim-load-") as tmp:
        data_dir = Path(tmp)
        env = {
            **os.environ,
            "ESSAIM_DATA_DIR": str(data_dir),
            "ESSAIM_SECRET_KEY": "load",
            # Rate limits stay on, as in production (each limited request upserts a counter
            # shared by the workers), with bounds no client of this bench reaches: they all
            # come from 127.0.0.1 and share one account.
            **{f"ESSAIM_{name}_RATE_LIMIT": "1000000 per minute" for name in LIMITED},
            # A load client is a robot by design: no minimum fill time for the edit form.
            "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",
            "ESSAIM_LOG_FORMAT": "json",
        }
        print(f"preparing {args.pages} pages…", flush=True)
        slugs = prepare(data_dir, args.pages, env)
        server, port, log = start_server(data_dir, env, args.workers, args.threads)
        try:
            time.sleep(1)
            # Warm up each worker's caches (templates, searcher) before measuring.
            readers = args.signed_in_readers
            zipf = args.popularity == "zipf"
            drive(port, slugs, args.clients, 3.0, args.seed + 1000, readers, zipf)
            before, cached_before = server_cpu_seconds(server.pid), page_cache_counts(port)
            samples, errors, elapsed = drive(
                port, slugs, args.clients, args.duration, args.seed, readers, zipf, args.rate
            )
            after, cached = server_cpu_seconds(server.pid), page_cache_counts(port)
            cpu, indexer, system = (a - b for a, b in zip(after, before, strict=True))
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
        report(samples, errors, elapsed, args)
        requests = sum(len(v) for v in samples.values())
        print(
            f"\nserver CPU: {1000 * cpu / max(requests, 1):.1f} ms a request on average "
            f"(gunicorn's processes, user + system; {cpu:.1f} s in all): with C cores the "
            "server alone could answer about C × 1000 / that many requests a second"
        )
        print(f"in the kernel: {1000 * system / max(requests, 1):.1f} ms a request")
        kept, rendered = (cached.get(k, 0) - cached_before.get(k, 0) for k in ("kept", "rendered"))
        print(
            f"page cache: {kept:.0f} views kept, {rendered:.0f} rendered "
            f"({100 * kept / max(kept + rendered, 1):.0f} % kept; the share grows with the "
            "rate at which each page is read again)"
        )
        edits = len(samples.get("edit", []))
        print(
            f"of which the search indexer: {indexer:.1f} s, "
            f"{1000 * indexer / max(edits, 1):.0f} ms an edit ({edits} edits)"
        )
        if errors:  # what the server said about them, before the data dir goes
            lines = (data_dir / "serve.log").read_text(errors="replace").splitlines()
            print("\nserver errors:")
            for line in [x for x in lines if '"ERROR"' in x or "Traceback" in x][:5]:
                print(" ", line[:4000])


if __name__ == "__main__":
    main()
