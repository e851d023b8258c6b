"""Real servers for the reliability suite and bench/concurrency.py: gunicorn workers on a data
dir, people saving pages over HTTP, and what the database and the index hold afterwards."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "un mot de passe solide"
SETUP = r"""
import json, sys
from flask_migrate import upgrade
from wiki import create_app
from wiki.auth.service import create_user
from wiki.extensions import db
from wiki.pages.service import save_page

accounts, pages = json.loads(sys.argv[1])
app = create_app({"SEARCH_INDEXING": "sync", "RATELIMIT_ENABLED": False})
with app.app_context():
    upgrade()
    users = [create_user(name, sys.argv[2]) for name in accounts]
    slugs = [
        save_page(slug=None, title=title, text=text, author=users[0]).page.slug
        for title, text in pages
    ]
    db.engine.dispose()
print(json.dumps(slugs))
"""


def has_gunicorn() -> bool:
    import importlib.util

    return importlib.util.find_spec("gunicorn") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Wiki:
    """A data dir (and database) served by real processes of a given copy of the code."""

    root: Path
    database_url: str | None = None
    code_dir: Path | None = None  # another copy of the code (bench: "before" figures)
    rate_limits: bool = False

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.root / 'essaim.db'}"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "ESSAIM_DATA_DIR": str(self.root),
            "ESSAIM_DATABASE_URL": self.url,
            "ESSAIM_SECRET_KEY": "reliability-" + self.root.name,
            "ESSAIM_RATELIMIT_ENABLED": "1" if self.rate_limits else "0",
            "ESSAIM_SEARCH_INDEXING": "thread",
            # Scripts post the form at once: the anti-spam minimum fill time is not the point here.
            "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",
        }
        if self.code_dir:
            env["PYTHONPATH"] = str(self.code_dir)
        return env

    def setup(self, accounts: list[str], pages: list[tuple[str, str]]) -> list[str]:
        """Migrate, create the accounts and the pages (indexed); return the pages' slugs."""
        import json

        self.root.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", SETUP, json.dumps([accounts, pages]), PASSWORD],
            env=self.env(),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


class Server:
    """gunicorn serving a Wiki: started, killed with SIGKILL, restarted on the same port."""

    def __init__(self, wiki: Wiki, workers: int = 4, threads: int = 4):
        self.wiki = wiki
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = wiki.root / "gunicorn.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "5",
            "--timeout",
            "120",  # a loaded test machine: a save waiting its turn is not a stuck worker
            "wiki:create_app()",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.wiki.env(),
                cwd=self.wiki.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 takes every worker
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.base + "/login", timeout=2).read()
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s")

    def kill9(self) -> None:
        """SIGKILL to the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.process = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """One browser: its own cookies, logged in as an account."""

    def __init__(self, base: str, cookies: http.cookiejar.CookieJar | None = None):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        for cookie in cookies or []:
            self.cookies.set_cookie(cookie)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, timeout: float = 120.0):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf(self, html: str) -> str:
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
            r'name="csrf_token" value="([^"]+)"', html
        )
        if not match:
            raise RuntimeError("no CSRF token in the page")
        return match.group(1)

    def log_in(self, username: str) -> None:
        _status, html = self.request("/login")
        status, body = self.request(
            "/login", {"username": username, "password": PASSWORD, "csrf_token": self.csrf(html)}
        )
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}: {body[:300]}")

    def open_editor(self, slug: str) -> Edit:
        status, html = self.request(f"/wiki/{slug}/edit")
        if status != 200:
            raise RuntimeError(f"editor of {slug} answered {status}")
        base = re.search(r'name="base_revision" type="hidden" value="(\d*)"', html)
        return Edit(slug, self.csrf(html), base.group(1) if base else "")

    def save(self, edit: Edit, text: str, comment: str = "") -> int:
        """POST the whole text (raw mode), as a script would; return the HTTP status."""
        status, _body = self.request(
            f"/wiki/{edit.slug}/edit",
            {
                "csrf_token": edit.csrf,
                "base_revision": edit.base,
                "mode": "raw",
                "text": text,
                "comment": comment,
            },
        )
        return status


@dataclass
class Edit:
    slug: str
    csrf: str
    base: str


def people(base: str, accounts: list[str], count: int) -> list[Person]:
    """`count` browsers spread over the accounts (one login per account, cookies copied)."""
    logged = []
    for name in accounts:
        person = Person(base)
        person.log_in(name)
        logged.append(person)
    return [Person(base, logged[i % len(logged)].cookies) for i in range(count)]


# -- the scenarios --------------------------------------------------------------------------------


def lines_text(title: str, count: int) -> str:
    # One paragraph of short lines: cheap to parse, so the figures measure the saves' turns
    # rather than Markdown (a 200-item list costs ~0.3 s a save on a loaded machine).
    lines = [f"# {title}\n", "\n", "Budget : 10 000 €.\n", "\n"]
    for i in range(count):
        lines += [f"Action {i} : ?\n", f"({i})\n"]
    return "".join(lines)


@dataclass
class SaveRun:
    """What happened to simultaneous saves, seen from the browsers."""

    saves: int = 0
    ok: int = 0  # 302: saved (possibly merged)
    conflicts: int = 0  # 409: the conflict page
    server_errors: int = 0  # 5xx
    other: int = 0
    acknowledged: dict[str, list[str]] = field(default_factory=dict)  # slug -> tokens saved
    seconds: float = 0.0


def simultaneous_saves(
    base: str,
    slugs: list[str],
    titles: list[str],
    accounts: list[str],
    saves: int,
    budget_share: float = 0.1,
) -> SaveRun:
    """`saves` people open the editor of one of the pages, then all press Save at once.

    Person i edits action line i // len(slugs) of page i % len(slugs) (lines never shared, so
    a sequential edit merges them); a share of them also all change the same budget line of
    their page, which a sequential edit shows as a conflict for all but the first.
    """
    crowd = people(base, accounts, saves)
    per_page = -(-saves // len(slugs))
    plans = []
    for i, person in enumerate(crowd):
        page = i % len(slugs)
        line = i // len(slugs)
        token = f"fait-{uuid.uuid4().hex[:10]}"
        text = lines_text(titles[page], per_page).replace(
            f"Action {line} : ?\n", f"Action {line} : {token}\n"
        )
        if random.random() < budget_share:
            text = text.replace("Budget : 10 000 €.", f"Budget : {i} 000 € ({token}).")
        plans.append((person, slugs[page], text, token))

    with ThreadPoolExecutor(32) as pool:
        edits = list(pool.map(lambda plan: plan[0].open_editor(plan[1]), plans))

    run = SaveRun(saves=saves)
    lock = threading.Lock()
    barrier = threading.Barrier(saves)

    def save(i):
        person, slug, text, token = plans[i]
        barrier.wait()
        try:
            status = person.save(edits[i], text, comment=f"équipe {i}")
        except (OSError, http.client.HTTPException):
            status = 599
        with lock:
            if status == 302:
                run.ok += 1
                run.acknowledged.setdefault(slug, []).append(token)
            elif status == 409:
                run.conflicts += 1
            elif status >= 500:
                run.server_errors += 1
            else:
                run.other += 1

    started = time.monotonic()
    threads = [threading.Thread(target=save, args=(i,)) for i in range(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    run.seconds = time.monotonic() - started
    return run


# -- what the data holds --------------------------------------------------------------------------


class Inspector:
    """Reads the database and the index of a Wiki from this process, never changing them."""

    def __init__(self, wiki: Wiki):
        from wiki import create_app

        self.app = create_app(
            {
                "DATA_DIR": wiki.root,
                "SQLALCHEMY_DATABASE_URI": wiki.url,
                "SEARCH_INDEX_DIR": str(wiki.root / "search"),
                "SECRET_KEY": "inspector",
                "SEARCH_INDEXING": "off",
            }
        )

    def current_texts(self) -> dict[str, str]:
        from sqlalchemy import select

        from wiki.extensions import db
        from wiki.models import Page, Revision

        with self.app.app_context():
            rows = db.session.execute(
                select(Page.slug, Revision.text).join(Revision, Revision.id == Page.current_id)
            ).all()
            db.session.remove()
            return dict(rows)

    def revision_counts(self) -> dict[str, int]:
        from sqlalchemy import func, select

        from wiki.extensions import db
        from wiki.models import Page, Revision

        with self.app.app_context():
            rows = db.session.execute(
                select(Page.slug, func.count(Revision.id))
                .join(Revision, Revision.page_id == Page.id)
                .group_by(Page.slug)
            ).all()
            db.session.remove()
            return dict(rows)

    def all_revision_texts(self) -> dict[str, str]:
        """Every revision's text of each page, joined: where an acknowledged save must be."""
        from sqlalchemy import select

        from wiki.extensions import db
        from wiki.models import Page, Revision

        texts: dict[str, list[str]] = {}
        with self.app.app_context():
            for slug, text in db.session.execute(
                select(Page.slug, Revision.text).join(Revision, Revision.page_id == Page.id)
            ):
                texts.setdefault(slug, []).append(text)
            db.session.remove()
        return {slug: "\n".join(parts) for slug, parts in texts.items()}

    def drift(self):
        """Pages missing from the index, indexed from an older state, or still queued."""
        from wiki.search import index

        with self.app.app_context():
            target = index.target_for(self.app)
        return index.check(target, fix=False)

    def wait_converged(self, timeout: float) -> float | None:
        """Seconds until the index equals the database with an empty queue (None: never)."""
        started = time.monotonic()
        while True:
            drift = self.drift()
            if drift.clean and not drift.queued:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                return None
            time.sleep(0.2)

    def integrity(self) -> str:
        from sqlalchemy import text

        from wiki.extensions import db

        with self.app.app_context():
            if db.engine.dialect.name != "sqlite":
                return "ok (PostgreSQL)"
            result = db.session.execute(text("PRAGMA integrity_check")).scalar()
            db.session.remove()
            return result

    def close(self) -> None:
        from wiki.extensions import db
        from wiki.search.store import forget_readers

        forget_readers()
        with self.app.app_context():
            db.engine.dispose()


def lost_saves(run_acknowledged: dict[str, list[str]], texts: dict[str, str]) -> list[str]:
    return [
        token
        for slug, tokens in run_acknowledged.items()
        for token in tokens
        if token not in texts.get(slug, "")
    ]


@dataclass
class KillRun:
    kills: int = 0
    attempts: int = 0
    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0


def saves_under_kills(
    server: Server,
    slugs: list[str],
    accounts: list[str],
    kills: int,
    pause: tuple[float, float] = (0.3, 0.8),
) -> KillRun:
    """One writer per page appends a line per save while the server is killed (SIGKILL) and
    restarted `kills` times; a save counts as acknowledged when the browser got its 302."""
    run = KillRun(acknowledged={slug: [] for slug in slugs})
    stop = threading.Event()
    crowd = people(server.base, accounts, len(slugs))  # session cookies survive restarts

    def write(person: Person, slug: str) -> None:
        text = None
        while not stop.is_set():
            try:
                edit = person.open_editor(slug)
                if text is None:
                    text = lines_text(slug, 1)
                token = f"ligne-{uuid.uuid4().hex[:10]}"
                attempt = text + f"- {token}\n"
                run.attempts += 1
                if person.save(edit, attempt) == 302:
                    run.acknowledged[slug].append(token)
                    text = attempt
            except (OSError, RuntimeError, http.client.HTTPException):
                time.sleep(0.05)  # the server is down: try again

    started = time.monotonic()
    threads = [
        threading.Thread(target=write, args=(person, slug))
        for person, slug in zip(crowd, slugs, strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in range(kills):
            time.sleep(random.uniform(*pause))
            server.kill9()
            run.kills += 1
            server.start()
        time.sleep(random.uniform(*pause))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    run.seconds = time.monotonic() - started
    return run


def password_guesses(base: str, username: str, count: int) -> list[int]:
    """`count` wrong passwords for one account, sent at once from one address."""
    crowd = [Person(base) for _ in range(count)]
    tokens = [person.csrf(person.request("/login")[1]) for person in crowd]
    barrier = threading.Barrier(count)

    def guess(i):
        barrier.wait()
        status, _body = crowd[i].request(
            "/login",
            {"username": username, "password": f"faux mot de passe {i}", "csrf_token": tokens[i]},
        )
        return status

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(guess, range(count)))
