"""SEARCH_INDEXING = "process": saves wake the host's indexer (wiki/search/indexer.py), which
indexes them; without one, they wait in the queue. (`essaim serve` runs it: tests/ops.)"""

from __future__ import annotations

import os
import threading
import time

from wiki.models import IndexQueue
from wiki.pages import service
from wiki.search import index, indexer, query, wakeup, worker


def titles(q):
    return sorted(hit.title for hit in query.search(q).hits)


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.05)


def test_a_save_waits_in_the_queue_until_an_indexer_runs_then_is_found(
    app, user, db, caplog, monkeypatch
):
    monkeypatch.setattr(worker, "POLL_SECONDS", 60.0)  # only a wake-up can be quick
    app.config["SEARCH_INDEXING"] = "process"
    with app.test_request_context():
        service.save_page(slug=None, title="Grainothèque de Douai", text="Semences.", author=user)
        assert titles("grainotheque") == []  # no indexer yet: nothing indexed in this process
        assert db.session.query(IndexQueue).count() == 1
    assert "No search indexer listens" in caplog.text  # said once, in the log

    stop = threading.Event()
    running = threading.Thread(target=indexer.run, args=(app, stop), kwargs={"nice": 0})
    running.start()
    try:
        with app.test_request_context():
            wait_for(lambda: titles("grainotheque") == ["Grainothèque de Douai"])
            # A save now wakes it through its socket.
            started = time.monotonic()
            service.save_page(slug=None, title="Repair café de Lens", text="Vélos.", author=user)
            wait_for(lambda: titles("repair") == ["Repair café de Lens"], timeout=10)
            assert time.monotonic() - started < 10
    finally:
        stop.set()
        running.join(10)
    assert not running.is_alive()
    assert not os.path.exists(wakeup.socket_path(app.config["SEARCH_INDEX_DIR"]))


def test_a_socket_path_too_long_for_unix_sockets_moves_to_the_temporary_directory(tmp_path):
    deep = tmp_path / ("dossier-de-donnees-tres-long-" * 5) / "search"
    path = wakeup.socket_path(deep)
    assert len(path.encode()) <= 100 and path.endswith(".sock")
    assert path == wakeup.socket_path(deep)  # the same for the indexer and the web workers
    assert path != wakeup.socket_path(tmp_path / "autre")


def test_saves_close_together_are_written_in_one_commit_the_first_at_once(
    app, user, db, monkeypatch
):
    monkeypatch.setattr(worker, "POLL_SECONDS", 60.0)
    app.config["SEARCH_INDEXING"] = "off"  # saves only queue; the worker below indexes them
    writes = []
    real = index.write_pages

    def counted(target, session, page_ids, merge=True):
        writes.append(sorted(page_ids))
        return real(target, session, page_ids, merge=merge)

    monkeypatch.setattr(index, "write_pages", counted)
    target = index.target_for(app)
    target.batch_seconds = 3.0
    background = worker._Worker(target)
    try:
        with app.test_request_context():
            first = service.save_page(
                slug=None, title="Grainothèque", text="Semences.", author=user
            )
            background.wake()
            wait_for(lambda: background.last_write > 0)  # a quiet moment: written at once
            assert writes == [[first.page_id]]
            later = []
            for title in ("Repair café de Lens", "Atelier vélo de Douai"):
                later.append(service.save_page(slug=None, title=title, text="Vélos.", author=user))
                background.wake()  # as each save does; it waits for the rest of the 3 s
                time.sleep(0.2)
            later = [revision.page_id for revision in later]
            wait_for(lambda: db.session.query(IndexQueue).count() == 0)
            db.session.expire_all()
            assert writes == [[first.page_id], sorted(later)]
            assert titles("velo") == ["Atelier vélo de Douai", "Repair café de Lens"]
    finally:
        background.stop()
