"""Gunicorn settings file of `essaim serve` (read by the gunicorn master, not imported by wiki).

The master never imports the application: each worker does, so a HUP (systemctl reload) starts
workers running the code and settings on disk while the old ones finish their requests.
"""

import os
import shutil

# The request log is the application's own in JSON mode (one object with duration and endpoint).
if os.environ.get("ESSAIM_LOG_FORMAT") == "json":
    from pythonjsonlogger.json import JsonFormatter  # noqa: F401  (fails early if missing)

    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        },
    }
    accesslog = None
else:
    accesslog = "-"


def on_starting(server):
    """Samples of a previous run's workers would be summed with ours: start empty."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    """A dead worker's gauges leave the metrics (its counters and histograms are kept)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("ESSAIM_REMOVE_METRICS_DIR") == "1":
        shutil.rmtree(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""), ignore_errors=True)


# Gunicorn ≥ 25 opens a control socket in ~/.gunicorn by default: two instances on one machine
# (two sites, or the test suite) would fight over it, and systemd's HUP is all we need.
control_socket_disable = True
