"""`essaim serve`: the production server, gunicorn with the settings of config.py."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

GUNICORN_CONF = Path(__file__).with_name("gunicorn_conf.py")


def gunicorn_argv(bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONF),
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(timeout),
        "--forwarded-allow-ips",
        "",  # X-Forwarded-* are trusted by the app itself, per ESSAIM_PROXIES
        "--name",
        "essaim",
        "wiki:create_app()",
    ]


@click.command("serve")
@click.option("--bind", "-b", default=None, help="Address:port or unix:PATH [ESSAIM_BIND].")
@click.option("--workers", "-w", type=int, default=None, help="Processes [ESSAIM_WORKERS].")
@click.option("--threads", type=int, default=None, help="Threads per process [ESSAIM_THREADS].")
def serve(bind: str | None, workers: int | None, threads: int | None) -> None:
    """Serve Essaim with gunicorn (production). HUP reloads the workers gracefully."""
    from config import Config

    if sys.platform == "win32":  # gunicorn forks: Linux, BSD, macOS
        raise click.ClickException("essaim serve needs a Unix system; use `essaim run` here.")
    # Workers write their metrics here; it must be set before any of them imports
    # prometheus_client. A temporary one unless the deployment names it (systemd: /run/essaim).
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="essaim-metrics-")
        os.environ["ESSAIM_REMOVE_METRICS_DIR"] = "1"  # by the gunicorn master, on exit
    # One indexing process per host (wiki/search/indexer.py), started by the gunicorn master:
    # the workers' requests never wait behind indexing for their interpreter lock.
    os.environ.setdefault("ESSAIM_SEARCH_INDEXING", "process")
    argv = gunicorn_argv(
        bind or Config.BIND,
        workers or Config.WORKERS,
        threads or Config.THREADS,
        Config.REQUEST_TIMEOUT,
    )
    # exec, not a child: the gunicorn master takes this process id (systemd's MainPID, so
    # `systemctl reload` sends HUP to it), and it has not imported the application.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # noqa: S606  (our interpreter, fixed arguments)
