"""The wheel as a network's IT person installs it: built, installed in a fresh virtualenv, served.

Minutes, not seconds (an isolated build, then every dependency into a new virtualenv): marked
`wheel`, left out of `make test` and run by .ci/run on its own (`pytest -m wheel`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from tests.ops.server import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.wheel


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
        return response.status, response.read().decode()


def test_wheel_installs_in_a_fresh_virtualenv_and_serves_from_an_empty_directory(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT), timeout=600)
    (wheel,) = dist.glob("essaim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "wiki/_bundled/templates/base.html",
        "wiki/_bundled/static/css/essaim.css",
        "wiki/_bundled/migrations/env.py",
        "wiki/_bundled/migrations/versions/0001_initial_schema.py",
        "wiki/translations/fr/LC_MESSAGES/messages.mo",
        "wiki/translations/en/LC_MESSAGES/messages.mo",
        "config.py",
    ):
        assert expected in names, expected

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    run(str(env_dir / "bin" / "pip"), "install", "--quiet", str(wheel), timeout=900)

    site = tmp_path / "site"  # an empty directory: the data dir defaults to ./instance
    site.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESSAIM_", "PROMETHEUS_"))}
    essaim = str(env_dir / "bin" / "essaim")
    run(essaim, "db", "upgrade", cwd=site, env=env, timeout=300)
    assert (site / "instance" / "essaim.db").exists()

    port = free_port()
    server = subprocess.Popen(
        [essaim, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, html = get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "essaim serve did not answer"
                time.sleep(0.5)
        assert status == 200
        assert "<title>Accueil · Essaim</title>" in html  # French, from the compiled catalogue
        assert get(f"http://127.0.0.1:{port}/?lang=en")[1].count("<title>Home · Essaim</title>")
        assert get(f"http://127.0.0.1:{port}/static/css/essaim.css")[0] == 200
        assert get(f"http://127.0.0.1:{port}/readyz")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
