"""Index lag between two hosts: how long after a save on host A a search on host B finds it.

Creates a throwaway database on a PostgreSQL server, starts two `essaim serve` (A and B, one
worker each, separate data dirs and search indexes, the same database), imports N generated
French pages on A and waits for B to have followed them. Then one logged-in person creates
S new pages on A through the editor form at a steady rate, and for each save measures, from
the moment A answered the save (committed):

- found: until a search on B (`/api/v1/search`) returns the new page (one search every
  50 ms for all the saves not found yet: a search per save would load B more than the saves);
- applied: until B's cursor (`<B data dir>/search/APPLIED`) passes the save's change.

Prints p50 / p95 / max of both. Not a test: a figure to compare between versions.

    ESSAIM_TEST_POSTGRES_URL=postgresql+psycopg://essaim@127.0.0.1:54329/essaim_prod \\
        .venv/bin/python bench/hosts.py --saves 200 --rate 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.load import ESSAIM, Client, free_port, percentile  # noqa: E402
from bench.search import generate  # noqa: E402

PASSWORD = "une charge de test solide"
TIMEOUT = 60.0  # seconds a save may take to reach B before it counts as lost


@contextmanager
def throwaway_database(server_url: str):
    server = make_url(server_url)
    name = f"essaim_bench_hosts_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Host:
    """One `essaim serve` with its own data dir."""

    def __init__(self, root: Path, name: str, database_url: str) -> None:
        self.data_dir = root / name
        self.data_dir.mkdir()
        self.port = free_port()
        self.env = {
            **os.environ,
            "ESSAIM_DATA_DIR": str(self.data_dir),
            "ESSAIM_DATABASE_URL": database_url,
            "ESSAIM_SECRET_KEY": "bench-hosts",
            "ESSAIM_RATELIMIT_ENABLED": "0",
            "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.process: subprocess.Popen | None = None

    def essaim(self, *args: str) -> None:
        subprocess.run([str(ESSAIM), *args], env=self.env, check=True, capture_output=True)

    def start(self) -> None:
        self.log = open(self.data_dir / "serve.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(ESSAIM), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(1200):
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"host {self.data_dir.name} did not start")

    def get(self, path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def applied(self) -> int:
        try:
            return int((self.data_dir / "search" / "APPLIED").read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        if getattr(self, "log", None):
            self.log.close()


def create_page(client: Client, slug: str, title: str, body: str) -> int:
    status, html = client.request("GET", f"/wiki/{slug}/edit")
    if status != 200:
        return status
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    status, _ = client.request(
        "POST",
        f"/wiki/{slug}/edit",
        {"csrf_token": token, "title": title, "text": body, "comment": "", "base_revision": ""},
    )
    return status


def found_on(host: Host, words: list[str]) -> set[str]:
    """The slugs a search on `host` returns for these words (any of them)."""
    query = urllib.parse.quote(" ".join(words))
    status, body = host.get(f"/api/v1/search?q={query}&per_page=100")
    return {hit["slug"] for hit in json.loads(body)["hits"]} if status == 200 else set()


def word_for(n: int) -> str:
    """A made-up word per save, letters only (the French analyzer keeps it whole)."""
    letters = "bcdfgjklmnpqrstvz"
    out = ""
    for _ in range(4):
        n, r = divmod(n, len(letters))
        out += letters[r] + "a"
    return "jalon" + out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="pages imported before")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2.0, help="saves per second on A")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ESSAIM_TEST_POSTGRES_URL"),
        help="a PostgreSQL server URL (a throwaway database is created on it)",
    )
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres or set ESSAIM_TEST_POSTGRES_URL")

    with throwaway_database(args.postgres) as url, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a, b = Host(root, "a", url), Host(root, "b", url)
        corpus = root / "corpus"
        corpus.mkdir()
        for page, _meta in generate(args.pages, seed=17):
            (corpus / f"{page.slug}.md").write_text(page.current.text)
        print(f"preparing {args.pages} pages on A…", flush=True)
        a.essaim("db", "upgrade")
        a.essaim("import", str(corpus))
        a.essaim("users", "create", "charge", "--password", PASSWORD)
        engine = create_engine(url)
        try:
            a.start()
            b.start()
            b.get("/healthz")  # B starts following the log on its first request
            with engine.connect() as connection:
                newest = connection.scalar(text("SELECT max(id) FROM changes")) or 0
            started = time.monotonic()
            while b.applied() < newest:
                time.sleep(0.2)
            print(
                f"B followed the {newest} changes of the import in {time.monotonic() - started:.1f} s"
            )
            measure(a, b, engine, args)
        finally:
            a.stop()
            b.stop()
            engine.dispose()


def measure(a: Host, b: Host, engine, args) -> None:
    client = Client(a.port, [], None)
    client.log_in()
    found: dict[int, float] = {}
    applied: dict[int, float] = {}
    pending: dict[int, tuple[int, float]] = {}  # save -> (change id, saved at)
    unseen: dict[int, tuple[str, str, float]] = {}  # save -> (word, slug, saved at)
    lock = threading.Lock()
    done = threading.Event()

    def watch_cursor() -> None:
        while not done.is_set():
            cursor = b.applied()
            now = time.monotonic()
            with lock:
                for n, (change, saved) in list(pending.items()):
                    if cursor >= change:
                        applied[n] = now - saved
                        del pending[n]
            time.sleep(0.005)

    def watch_search() -> None:
        # One search for every save not found yet (its words OR-ed), every 50 ms: searching
        # per save would load B's only worker more than the saves themselves.
        while not done.is_set():
            with lock:
                waiting = dict(unseen)
            if waiting:
                slugs = found_on(b, [word for word, _, _ in waiting.values()])
                now = time.monotonic()
                with lock:
                    for n, (_, slug, saved) in waiting.items():
                        if slug in slugs:
                            found[n] = now - saved
                            unseen.pop(n, None)
            time.sleep(0.05)

    watchers = [threading.Thread(target=watch_cursor), threading.Thread(target=watch_search)]
    for watcher in watchers:
        watcher.start()
    errors = 0
    t0 = time.monotonic()
    for n in range(args.saves):
        time.sleep(max(0.0, t0 + n / args.rate - time.monotonic()))
        word = word_for(n)
        slug = f"jalon-{n}"
        status = create_page(
            client, slug, f"Jalon {n}", f"# Jalon {n}\n\nUn repère {word} pour le banc d’essai."
        )
        saved = time.monotonic()
        if status != 302:
            errors += 1
            continue
        with engine.connect() as connection:
            change = connection.scalar(
                text(
                    "SELECT max(c.id) FROM changes c JOIN pages p ON p.id = c.page_id "
                    "WHERE p.slug = :slug"
                ),
                {"slug": slug},
            )
        with lock:
            pending[n] = (change, saved)
            unseen[n] = (word, slug, saved)
    elapsed = time.monotonic() - t0
    deadline = time.monotonic() + TIMEOUT
    while (pending or unseen) and time.monotonic() < deadline:
        time.sleep(0.1)
    done.set()
    for watcher in watchers:
        watcher.join()

    saves = args.saves - errors
    print(
        f"\n{saves} saves on A in {elapsed:.1f} s ({saves / elapsed:.2f}/s), {errors} failed; "
        f"2 hosts × 1 worker, one PostgreSQL database"
    )
    print("\n| from A's answer to the save, until | saves | p50 s | p95 s | max s | lost |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, values in (
        ("a search on B finds the page", list(found.values())),
        ("B's APPLIED cursor passes its change", list(applied.values())),
    ):
        print(
            f"| {label} | {len(values)} | {percentile(values, 50):.2f} | "
            f"{percentile(values, 95):.2f} | {max(values, default=float('nan')):.2f} | "
            f"{saves - len(values)} |"
        )


if __name__ == "__main__":
    main()
