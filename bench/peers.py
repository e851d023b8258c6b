"""Essaim beside An Otter Wiki, in one run: page view, save, search, history and diff.

An Otter Wiki (PyPI `otterwiki`, a Flask wiki keeping its pages in a git repository) is installed
into its own virtualenv, bench/.peers/venv (git-ignored; created on the first run, then reused:
delete it to take a newer version). Nothing of its code is in this repository.

Both wikis get the same N generated French experience pages (bench/search.py's generator):
Essaim through `essaim import` of a folder of Markdown files (then a reindex), Otter Wiki by
writing the same files into its git repository as one commit (what its own storage does; its
HTTP form would take one request and one commit per page). Both are served by gunicorn with
2 workers on a loopback port (Essaim by `essaim serve`, 2 workers × 4 threads; Otter Wiki by
gunicorn's default synchronous workers). One visitor then sends the same requests to both,
one at a time and alternating between them, so that both see the same machine:

- view: a page (`/wiki/<slug>` · `/<slug>`);
- save: an edit through the editor form, a line added (the form is fetched first, untimed;
  the POST that saves is timed): Essaim logged in, Otter Wiki anonymous (its default);
- search: 10 French queries (`/search?q=` · `/-/search/<q>`);
- history: of a page edited twice (`/wiki/<slug>/history` · `/<slug>/history`);
- diff: between its two last revisions (`/wiki/<slug>/diff?from=&to=` · `/<slug>/diff/a/b`).

Prints p50/p95 per kind for both and the ratios (Otter Wiki / Essaim). Not a test.

    .venv/bin/python bench/peers.py --pages 1000 --rounds 40
"""

from __future__ import annotations

import argparse
import html as html_module
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import ESSAIM, QUERIES, Client, free_port, percentile, prepare  # noqa: E402
from bench.search import generate  # noqa: E402
from wiki.content.slugs import slug_for  # noqa: E402

PEERS = Path(__file__).resolve().parent / ".peers"
VENV = PEERS / "venv"
KINDS = ("view", "save", "search", "history", "diff")
TIMEOUT = 300  # seconds: Otter Wiki's slow answers are figures too, not failures


class Visitor(Client):
    """bench/load.py's client, sending a request again on a fresh connection when the server
    had closed the kept-alive one while idle (gunicorn does after a few seconds), as browsers
    do: the other wiki's slow answers leave each connection idle in between."""

    def __init__(self, port: int) -> None:
        super().__init__(port, [], None)
        self.connection.timeout = TIMEOUT

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        self.connection.timeout = TIMEOUT  # a connection made again after an error too
        try:
            return super().request(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.timeout = TIMEOUT
            return super().request(method, path, body)


def otter_venv() -> str:
    """The virtualenv of An Otter Wiki (created on the first run); returns its version."""
    python = VENV / "bin" / "python"
    if not (VENV / "bin" / "gunicorn").exists():
        print(f"installing An Otter Wiki into {VENV}…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "otterwiki", "gunicorn"], check=True
        )
    return subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('otterwiki'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def fill_otter(root: Path, pages: int) -> tuple[dict, list[str]]:
    """The git repository and settings of Otter Wiki, with the generated pages in one commit."""
    repository = root / "repository"
    repository.mkdir()
    titles = {}
    for page, _meta in generate(pages, seed=17):  # the same pages as bench/load.prepare
        slug = slug_for(page.title)  # the address Essaim gives the imported page
        (repository / f"{slug}.md").write_text(page.current.text)
        titles[slug] = page.title
    git = ["git", "-C", str(repository), "-c", "user.name=banc", "-c", "user.email=banc@essaim"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "import"], check=True)
    env = {
        **os.environ,
        "REPOSITORY": str(repository),
        "SECRET_KEY": "banc-essaim-otterwiki-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'otterwiki.db'}",
        "COMMIT_MESSAGE": "OPTIONAL",
        "SITE_LANG": "fr",
    }
    return env, titles


class Otter:
    """An anonymous visitor of Otter Wiki (it lets anonymous people write by default)."""

    def __init__(self, port: int) -> None:
        self.client = Visitor(port)
        self.texts: dict[str, str] = {}

    def path(self, slug: str) -> str:
        return f"/{slug}"

    def view(self, slug: str) -> int:
        return self.client.request("GET", f"/{slug}")[0]

    def search(self, words: str) -> int:
        return self.client.request("GET", f"/-/search/{urllib.parse.quote(words)}")[0]

    def open_editor(self, slug: str) -> dict:
        status, html = self.client.request("GET", f"/{slug}/edit")
        assert status == 200, f"Otter Wiki editor answered {status}"
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        textarea = re.search(r'<textarea id="content_editor"[^>]*>(.*?)</textarea>', html, re.S)
        text = html_module.unescape(textarea.group(1)) if textarea else ""
        return {"csrf_token": token, "content": text, "commit": ""}

    def save(self, slug: str, form: dict, line: str) -> int:
        form = {**form, "content": form["content"].rstrip("\n") + f"\n\n{line}\n"}
        status, _ = self.client.request("POST", f"/{slug}/save", form)
        return 200 if status == 302 else status

    def history(self, slug: str) -> tuple[int, list[str]]:
        status, html = self.client.request("GET", f"/{slug}/history")
        revisions = re.findall(r'name="rev_a" value="([0-9a-f]+)"', html)
        return status, revisions  # newest first

    def diff(self, slug: str, older: str, newer: str) -> int:
        return self.client.request("GET", f"/{slug}/diff/{older}/{newer}")[0]


class Essaim:
    """A logged-in contributor of Essaim."""

    def __init__(self, port: int) -> None:
        self.client = Visitor(port)
        self.client.log_in()

    def path(self, slug: str) -> str:
        return f"/wiki/{slug}"

    def view(self, slug: str) -> int:
        return self.client.request("GET", f"/wiki/{slug}")[0]

    def search(self, words: str) -> int:
        return self.client.request("GET", f"/search?q={urllib.parse.quote(words)}")[0]

    def open_editor(self, slug: str) -> dict:
        status, html = self.client.request("GET", f"/wiki/{slug}/edit")
        assert status == 200, f"Essaim editor answered {status}"

        def hidden(name: str) -> str:
            match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
            return html_module.unescape(match.group(1))

        return {
            "csrf_token": hidden("csrf_token"),
            "base_revision": hidden("base_revision"),
            "text": hidden("source"),
            "title": "",
            "comment": "",
        }

    def save(self, slug: str, form: dict, line: str) -> int:
        form = {**form, "text": form["text"].rstrip("\n") + f"\n\n{line}\n"}
        status, _ = self.client.request("POST", f"/wiki/{slug}/edit", form)
        return 200 if status == 302 else status

    def history(self, slug: str) -> tuple[int, list[str]]:
        status, _ = self.client.request("GET", f"/wiki/{slug}/history")
        _, body = self.client.request("GET", f"/api/v1/pages/{slug}/revisions")
        revisions = [str(item["id"]) for item in json.loads(body)["items"]]
        return status, revisions  # newest first

    def diff(self, slug: str, older: str, newer: str) -> int:
        return self.client.request("GET", f"/wiki/{slug}/diff?from={older}&to={newer}")[0]


def timed(samples: dict, errors: dict, kind: str, call, *args) -> object:
    """Call, time and check; an exception counts as an error (and returns None)."""
    started = time.perf_counter()
    try:
        result = call(*args)
    except (OSError, http.client.HTTPException, AttributeError, KeyError, ValueError) as error:
        errors[kind] += 1
        print(f"  {kind} {args[:1]}: {error!r}", flush=True)
        return None
    samples[kind].append(time.perf_counter() - started)
    status = result[0] if isinstance(result, tuple) else result
    if status != 200:
        errors[kind] += 1
    return result


def check_same_page(wikis: dict, slug: str, title: str) -> None:
    """Both wikis answer the page with its text, not a "create this page" one."""
    town = title.split(" à ")[-1].split(" (")[0]
    for name, wiki in wikis.items():
        status, body = wiki.client.request("GET", wiki.path(slug))
        if status != 200 or town not in body:
            raise RuntimeError(f"{name} does not show {slug} ({status})")


def wait_for(port: int, path: str, process: subprocess.Popen, name: str) -> None:
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer")


def run(wikis: dict, slugs: list[str], rounds: int, seed: int):
    rng = random.Random(seed)
    samples = {name: {kind: [] for kind in KINDS} for name in wikis}
    errors = {name: dict.fromkeys(KINDS, 0) for name in wikis}

    def both(kind, call, *args):
        for name, wiki in wikis.items():  # one after the other: the same moment of the machine
            timed(samples[name], errors[name], kind, getattr(wiki, call), *args)

    for _ in range(rounds):
        slug = rng.choice(slugs)
        both("view", "view", slug)
    edited = rng.sample(slugs, rounds)
    for round_ in range(2):  # each edited page gets two more revisions: history and diff
        for n, slug in enumerate(edited):
            line = f"- Note de passage {round_}-{n} : un atelier ouvert à toutes et à tous."
            for name, wiki in wikis.items():
                try:
                    form = wiki.open_editor(slug)
                except (OSError, http.client.HTTPException, AttributeError, AssertionError):
                    errors[name]["save"] += 1
                    continue
                timed(samples[name], errors[name], "save", wiki.save, slug, form, line)
    for n in range(rounds):
        words = QUERIES[n % len(QUERIES)]
        both("search", "search", words)
    for slug in edited:
        for name, wiki in wikis.items():
            _, revisions = timed(samples[name], errors[name], "history", wiki.history, slug) or (
                0,
                [],
            )
            if len(revisions) < 2:
                errors[name]["diff"] += 1
                continue
            newer, older = revisions[0], revisions[1]
            timed(samples[name], errors[name], "diff", wiki.diff, slug, older, newer)
    return samples, errors


def report(samples, errors, args, version: str) -> None:
    print(
        f"\n{args.pages} pages, {args.rounds} requests per kind and wiki (save: "
        f"{2 * args.rounds}), one visitor; Essaim vs An Otter Wiki {version}, "
        f"both gunicorn 2 workers\n"
    )
    print(
        "| kind | Essaim p50 ms | Essaim p95 ms | Otter Wiki p50 ms | Otter Wiki p95 ms "
        "| ratio p50 | ratio p95 | errors E/O |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        e, o = samples["essaim"][kind], samples["otter"][kind]
        e50, e95 = 1000 * percentile(e, 50), 1000 * percentile(e, 95)
        o50, o95 = 1000 * percentile(o, 50), 1000 * percentile(o, 95)
        print(
            f"| {kind} | {e50:.1f} | {e95:.1f} | {o50:.1f} | {o95:.1f} | "
            f"{o50 / e50:.1f}× | {o95 / e95:.1f}× | "
            f"{errors['essaim'][kind]}/{errors['otter'][kind]} |"
        )
    print("\nratio: Otter Wiki's time divided by Essaim's (above 1: Essaim is faster).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40, help="requests per kind and wiki")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    version = otter_venv()

    with tempfile.TemporaryDirectory(prefix="essaim-peers-") as tmp:
        root = Path(tmp)
        essaim_dir, otter_dir = root / "essaim", root / "otter"
        essaim_dir.mkdir()
        otter_dir.mkdir()
        essaim_env = {
            **os.environ,
            "ESSAIM_DATA_DIR": str(essaim_dir),
            "ESSAIM_SECRET_KEY": "peers",
            "ESSAIM_RATELIMIT_ENABLED": "0",
            "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",
        }
        essaim_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        print(f"loading {args.pages} pages into Essaim (essaim import)…", flush=True)
        essaim_slugs = prepare(essaim_dir, args.pages, essaim_env)
        print(f"loading {args.pages} pages into Otter Wiki (one git commit)…", flush=True)
        otter_env, titles = fill_otter(otter_dir, args.pages)
        otter_slugs = list(titles)
        slugs = sorted(set(essaim_slugs) & set(otter_slugs))
        print(f"{len(slugs)} pages under the same name in both", flush=True)
        # Its database (accounts, settings) created once, before two workers race to.
        subprocess.run(
            [str(VENV / "bin" / "python"), "-c", "import otterwiki.server"],
            env=otter_env,
            check=True,
            capture_output=True,
        )

        essaim_port, otter_port = free_port(), free_port()
        logs = [open(root / f"{name}.log", "wb") for name in ("essaim", "otter")]  # noqa: SIM115
        servers = [
            subprocess.Popen(
                [str(ESSAIM), "serve", "--bind", f"127.0.0.1:{essaim_port}", "--workers", "2"],
                env=essaim_env,
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [
                    str(VENV / "bin" / "gunicorn"),
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{otter_port}",
                    "--timeout",
                    str(TIMEOUT),
                    "otterwiki.server:app",
                ],
                env=otter_env,
                cwd=otter_dir,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            ),
        ]
        try:
            wait_for(essaim_port, "/healthz", servers[0], "essaim serve")
            wait_for(otter_port, "/-/healthz", servers[1], "Otter Wiki")
            wikis = {"essaim": Essaim(essaim_port), "otter": Otter(otter_port)}
            check_same_page(wikis, slugs[0], titles[slugs[0]])
            run(wikis, slugs, 10, seed=args.seed + 1000)  # warm up both workers of each
            samples, errors = run(wikis, slugs, args.rounds, seed=args.seed)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=60)
            for log in logs:
                log.close()
        report(samples, errors, args, version)


if __name__ == "__main__":
    main()
