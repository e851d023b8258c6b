"""Logs as one JSON object a line (ESSAIM_LOG_FORMAT=json), for journald or a log shipper."""

from __future__ import annotations

import logging

from flask import Flask, g, request

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}

access_log = logging.getLogger("essaim.access")


def json_logging_config(level: str = "INFO") -> dict:
    """A logging.config.dictConfig mapping: every logger, gunicorn's included, writes JSON."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": JSON_FORMATTER},
        "handlers": {"json": handler},
        "root": {"level": level, "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": level, "handlers": ["json"], "propagate": False},
        },
    }


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") != "json":
        return
    root = logging.getLogger()
    if not any(getattr(h, "essaim_json", False) for h in root.handlers):
        from logging.config import dictConfig

        dictConfig(json_logging_config())
        for handler in root.handlers:
            handler.essaim_json = True
    app.after_request(_log_request)


def _log_request(response):
    seconds = g.get("essaim_request_seconds")
    access_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "endpoint": request.url_rule.endpoint if request.url_rule else None,
            "duration_ms": round(seconds * 1000, 2) if seconds is not None else None,
            "remote_addr": request.remote_addr,
        },
    )
    return response
