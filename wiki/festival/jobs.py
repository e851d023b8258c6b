"""Booklets built in the background: state in the data dir, so any worker can report progress.

<data dir>/booklets/<job id>/state.json holds {status, done, total, error, name}; the PDF is
written beside it when done. Jobs older than a day are removed when a new one starts.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import time
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_locale

KEEP_SECONDS = 24 * 3600
_JOB_ID = "0123456789abcdef"


def _root(app=None) -> Path:
    app = app or current_app
    return Path(app.config["DATA_DIR"]) / "booklets"


def job_dir(job_id: str, app=None) -> Path | None:
    if len(job_id) != 32 or any(c not in _JOB_ID for c in job_id):
        return None
    path = _root(app) / job_id
    return path if path.is_dir() else None


def state(job_id: str) -> dict | None:
    path = job_dir(job_id)
    if path is None:
        return None
    try:
        return json.loads((path / "state.json").read_text())
    except (OSError, ValueError):
        return None


def pdf_path(job_id: str) -> Path | None:
    path = job_dir(job_id)
    if path is None or (state(job_id) or {}).get("status") != "done":
        return None
    return path / "booklet.pdf"


def _write(path: Path, **values) -> None:
    current = {}
    try:
        current = json.loads((path / "state.json").read_text())
    except (OSError, ValueError):
        pass
    current.update(values)
    temporary = path / "state.json.tmp"
    temporary.write_text(json.dumps(current))
    os.replace(temporary, path / "state.json")


def _clean_old(root: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for child in root.iterdir() if root.exists() else ():
        try:
            if child.is_dir() and child.stat().st_mtime < limit:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


def start(page_ids: list[int], festival: str, date: str, name: str) -> str:
    """Build a booklet in a thread; returns the job id to follow it with."""
    from wiki.festival import booklet

    app = current_app._get_current_object()
    root = _root(app)
    root.mkdir(parents=True, exist_ok=True)
    _clean_old(root)
    job_id = secrets.token_hex(16)
    path = root / job_id
    path.mkdir()
    _write(
        path,
        status="queued",
        done=0,
        total=booklet.part_count(len(page_ids)),
        error=None,
        name=name,
    )
    locale = str(get_locale() or app.config.get("BABEL_DEFAULT_LOCALE", "fr"))
    thread = threading.Thread(
        target=_run,
        args=(app, path, page_ids, festival, date, locale),
        daemon=True,
        name="booklet",
    )
    thread.start()
    return job_id


def _run(app, path: Path, page_ids: list[int], festival: str, date: str, locale: str) -> None:
    from wiki.extensions import db
    from wiki.festival import booklet, contents
    from wiki.models import Page

    # A request context: templates, translations and url_for (on the public address), in the
    # language of the organiser who asked for the booklet.
    with app.test_request_context("/"), force_locale(locale):
        try:
            _write(path, status="running")
            pages = [db.session.get(Page, i) for i in page_ids]
            pages = [p for p in pages if p is not None and contents.is_public(p)]
            info = booklet.BookletInfo(festival, date)
            pdf = booklet.build(
                pages, info, lambda done, total: _write(path, done=done, total=total), app=app
            )
            (path / "booklet.pdf.tmp").write_bytes(pdf)
            os.replace(path / "booklet.pdf.tmp", path / "booklet.pdf")
            _write(path, status="done")
        except Exception as error:  # reported to the organiser waiting on the progress page
            app.logger.exception("Booklet %s failed", path.name)
            _write(path, status="failed", error=type(error).__name__)
        finally:
            db.session.remove()
