"""A real `essaim serve` (gunicorn) on a free loopback port, for the tests of this folder."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ESSAIM = Path(sys.executable).with_name("essaim")
INDEXER = "\0search\0indexer"  # in the command line of the indexer the master starts


def wait_for(condition, timeout: float) -> float:
    """Seconds until condition() held; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"not within {timeout} s"
        time.sleep(0.1)
    return time.monotonic() - started


def found(server: Server, words: str) -> int:
    """How many pages a search on `server` finds (-1 if it did not answer 200)."""
    status, body = server.get(f"/api/v1/search?q={words}&per_page=100")
    return json.loads(body)["total"] if status == 200 else -1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, workers: int = 2, threads: int = 2, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "serve.log"
        self.env = {
            **os.environ,
            "ESSAIM_DATA_DIR": str(data_dir),
            "ESSAIM_SECRET_KEY": "test-secret",
            # Scripts post forms at once: the anti-spam minimum fill time is not the point here.
            "ESSAIM_SPAM_MIN_FILL_SECONDS": "0",
            **env,
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.args = ["serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        self.args += ["--threads", str(threads)]
        self.process: subprocess.Popen | None = None

    def essaim(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ESSAIM), *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self, timeout: float = 30) -> Server:
        log = open(self.log_path, "ab")  # noqa: SIM115  (closed by stop)
        self._log = log
        self.process = subprocess.Popen(
            [str(ESSAIM), *self.args],
            env=self.env,
            cwd=self.data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"essaim serve exited:\n{self.log()}")
            try:
                if self.get("/healthz")[0] == 200 and len(self.workers()) == self.worker_count:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"essaim serve did not answer in {timeout} s:\n{self.log()}")

    @property
    def worker_count(self) -> int:
        return int(self.args[self.args.index("--workers") + 1])

    def get(self, path: str, timeout: float = 60) -> tuple[int, str]:
        # Generous: new workers import the app for seconds on a busy machine (CI, 2 cores).
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def children(self) -> dict[int, str]:
        """The gunicorn master's children (the master is the process we started: exec), with
        their command lines."""
        children = []
        # Per thread: the indexer started again by the master's watcher thread is listed there.
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                children += (task / "children").read_text().split()
            except FileNotFoundError:
                continue
        found = {}
        for child in children:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().decode()
            except FileNotFoundError:
                continue  # gone meanwhile
            if command:  # empty: a child that exited and is not reaped yet (a zombie)
                found[int(child)] = command
        return found

    def workers(self) -> set[int]:
        """The gunicorn workers (the master's other child is the search indexer)."""
        return {pid for pid, cmd in self.children().items() if INDEXER not in cmd}

    def indexer(self) -> int | None:
        """The search indexer the master started, if it runs."""
        found = [pid for pid, cmd in self.children().items() if INDEXER in cmd]
        return found[0] if found else None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()


class Visitor:
    """A person with a browser on one server: cookies, CSRF tokens, the editor's form."""

    def __init__(self, server: Server) -> None:
        import http.cookiejar

        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        import urllib.parse

        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.server.url + path, data=data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def _field(self, html: str, name: str) -> str:
        import html as html_module
        import re

        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
        return html_module.unescape(match.group(1)) if match else ""

    def log_in(self, username: str, password: str) -> None:
        _, html = self.open("/login")
        status, _ = self.open(
            "/login",
            {
                "csrf_token": self._field(html, "csrf_token"),
                "username": username,
                "password": password,
            },
        )
        assert status == 302, status

    def save(self, slug: str, title: str, text: str) -> None:
        """Open the editor of `slug` (new or not) and save `text`, as the form does."""
        status, html = self.open(f"/wiki/{slug}/edit")
        assert status == 200, status
        form = {
            "csrf_token": self._field(html, "csrf_token"),
            "base_revision": self._field(html, "base_revision"),
            "title": title,
            "text": text,
            "comment": "",
        }
        status, body = self.open(f"/wiki/{slug}/edit", form)
        assert status == 302, (status, body[:500])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
