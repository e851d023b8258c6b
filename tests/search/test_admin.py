"""The search index page of administrators: its state, a check that mends, a rebuild in the
background whose progress any process can read."""

from __future__ import annotations

import fcntl
import json
import re
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import csrf_token, log_in
from tests.search.conftest import experience
from wiki.extensions import db
from wiki.models import IndexQueue
from wiki.search import admin as index_admin
from wiki.search import index
from wiki.search.store import IndexStore


@pytest.fixture
def admin(client, make_user):
    make_user("dominique", "un mot de passe solide", role="admin")
    log_in(client, "dominique")
    return client


@pytest.fixture(autouse=True)
def no_rebuild_left_running():
    """A rebuild thread still writing when the data dir is removed would fail on its own."""
    yield
    for thread in threading.enumerate():
        if thread.name == index_admin.THREAD_NAME:
            thread.join(timeout=30)


@pytest.fixture
def index_dir(app) -> Path:
    return Path(app.config["SEARCH_INDEX_DIR"])


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/admin/search"), **data})


def figure(html: str, name: str) -> str:
    match = re.search(rf'<dd id="figure-{name}"[^>]*>(.*?)</dd>', html, re.S)
    assert match, f"no figure {name}"
    return match.group(1).strip()


def wait_for_rebuild(client, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        progress = client.get("/admin/search/progress.json").get_json()
        if progress["state"] != "running" or time.monotonic() > deadline:
            return progress
        time.sleep(0.05)


def found_titles(client, q: str) -> str:
    return client.get("/search", query_string={"q": q}).get_data(as_text=True)


def rebuild_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == index_admin.THREAD_NAME]


# --- who may come --------------------------------------------------------------------------------


def test_editors_are_refused_with_a_403_that_says_why(logged_in):
    response = logged_in.get("/admin/search")

    assert response.status_code == 403
    assert "Only administrators can manage the search index." in response.get_data(as_text=True)
    assert logged_in.get("/admin/search/progress.json").status_code == 403


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/search")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_themes_page_links_admins_to_the_search_index_page(admin):
    assert 'href="/admin/search"' in admin.get("/themes").get_data(as_text=True)


# --- state ---------------------------------------------------------------------------------------


def test_admin_sees_the_pages_and_the_documents_of_the_live_index(admin, corpus):
    html = admin.get("/admin/search").get_data(as_text=True)

    assert figure(html, "pages") == "3"
    assert figure(html, "documents") == "3"
    assert figure(html, "queued") == "0"
    assert "gen-" in figure(html, "generation")
    assert figure(html, "rebuild") == "not running"


def test_a_page_whose_indexing_failed_is_listed_with_its_error(admin, corpus):
    page = corpus["monnaie"]
    db.session.add(IndexQueue(page_id=page.id, attempts=2, last_error="OSError('disque plein')"))
    db.session.commit()

    html = admin.get("/admin/search").get_data(as_text=True)

    assert figure(html, "queued") == "1"
    assert figure(html, "failed") == "1"
    row = re.search(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S).group(1)
    assert f'href="/wiki/{page.slug}"' in row and "Monnaie locale du Cantal" in row
    assert "<td>2</td>" in row
    assert "OSError(&#39;disque plein&#39;)" in row


def test_the_french_page_names_the_figures_in_french(admin, app, corpus):
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"

    html = admin.get("/admin/search").get_data(as_text=True)

    assert "Index de recherche" in html
    assert "Pages dans la base de données" in html


# --- forms need their CSRF token -----------------------------------------------------------------


def test_posts_without_the_csrf_token_are_refused(admin, corpus, index_dir):
    for url in ("/admin/search/check", "/admin/search/mend", "/admin/search/rebuild"):
        assert admin.post(url, data={}).status_code == 400, url

    assert not (index_dir / index_admin.PROGRESS_FILE).exists()
    assert rebuild_threads() == []


# --- check and mend ------------------------------------------------------------------------------


def test_check_finds_a_page_missing_from_the_index_and_mend_puts_it_back(admin, corpus, app):
    page = corpus["solaire"]
    ix = IndexStore(app.config["SEARCH_INDEX_DIR"]).open()
    writer = ix.writer()
    writer.delete_by_term("id", str(page.id))
    writer.commit()
    assert "Centrale solaire citoyenne" not in found_titles(admin, "coopérative")

    html = post(admin, "/admin/search/check").get_data(as_text=True)

    assert "Missing from the index (1)" in html
    assert f'<li><a href="/wiki/{page.slug}">Centrale solaire citoyenne</a></li>' in html
    assert "Indexed from an older version (0)" in html
    assert "Mend the index" in html

    response = post(admin, "/admin/search/mend")

    assert response.status_code == 302
    html = admin.get("/admin/search").get_data(as_text=True)
    assert "Mended: 1 page rewritten in the index." in html
    assert figure(html, "documents") == "3"
    assert "Centrale solaire citoyenne" in found_titles(admin, "coopérative")
    html = post(admin, "/admin/search/check").get_data(as_text=True)
    assert "The index is in step with the database." in html


# --- rebuild -------------------------------------------------------------------------------------


def test_rebuild_runs_in_the_background_and_shows_its_progress(admin, corpus, save):
    save("Repair café de Lodève", experience("Repair café de Lodève", territory="Lodève"))

    response = post(admin, "/admin/search/rebuild")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/search#rebuild")
    progress = wait_for_rebuild(admin)
    assert progress["state"] == "done", progress
    assert progress["done"] == progress["total"] == 4
    assert progress["error"] is None and progress["finished"] >= progress["started"]
    assert progress["text"] == "4 / 4 pages"
    html = admin.get("/admin/search").get_data(as_text=True)
    assert '<progress id="rebuild-bar" max="4" value="4">4 / 4 pages</progress>' in html
    assert '<label for="rebuild-bar">' in html
    assert '<p id="rebuild-figures" aria-live="polite">4 / 4 pages</p>' in html
    assert "The last rebuild is complete: 4 pages indexed." in html
    assert 'src="/static/js/search-admin.js"' in html and "<script>" not in html
    assert figure(html, "documents") == "4"
    assert "Monnaie locale du Cantal" in found_titles(admin, "convertibilité")
    assert "Repair café de Lodève" in found_titles(admin, "Lodève")


def test_under_essaim_serve_the_indexer_process_runs_the_rebuild_under_the_same_lock(
    app, admin, corpus, index_dir, monkeypatch
):
    """SEARCH_INDEXING = "process": the request hands the rebuild and its locked file over to
    the host's indexer (here in a thread; tests/ops runs the real process) and answers."""
    from wiki.search import indexer, wakeup

    handed = []
    real = indexer._rebuild
    monkeypatch.setattr(indexer, "_rebuild", lambda *a: (handed.append(a), real(*a)))
    app.config["SEARCH_INDEXING"] = "process"
    stop = threading.Event()
    running = threading.Thread(target=indexer.run, args=(app, stop), kwargs={"nice": 0})
    running.start()
    try:
        deadline = time.monotonic() + 10
        while not Path(wakeup.socket_path(index_dir)).exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert post(admin, "/admin/search/rebuild").status_code == 302
        # At no moment unlocked: never "interrupted", and a second rebuild is refused.
        assert admin.get("/admin/search/progress.json").get_json()["state"] in ("running", "done")
        progress = wait_for_rebuild(admin)
        assert progress["state"] == "done" and progress["done"] == 3, progress
        assert len(handed) == 1  # the indexer's, not a thread started by the request
        assert post(admin, "/admin/search/rebuild").status_code == 302  # the lock was released
        assert wait_for_rebuild(admin)["state"] == "done" and len(handed) == 2
    finally:
        stop.set()
        running.join(10)
    assert "Monnaie locale du Cantal" in found_titles(admin, "convertibilité")


def test_while_a_rebuild_holds_the_lock_another_one_is_refused(admin, corpus, index_dir):
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / index_admin.LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another process's rebuild does

        response = post(admin, "/admin/search/rebuild")

        assert response.status_code == 409
        assert "A rebuild is already running" in response.get_data(as_text=True)
        assert rebuild_threads() == []
        assert not (index_dir / index_admin.PROGRESS_FILE).exists()


def test_a_rebuild_whose_process_stopped_reads_as_interrupted(admin, corpus, index_dir):
    (index_dir / index_admin.PROGRESS_FILE).write_text(
        json.dumps(
            {
                "state": "running",
                "done": 200,
                "total": 3000,
                "started": "2025-03-01T10:00:00",
                "finished": None,
                "error": None,
            }
        )
    )

    progress = admin.get("/admin/search/progress.json").get_json()

    assert progress["state"] == "interrupted"
    assert "stopped before its end" in progress["message"]
    assert "200 / 3,000 pages" == progress["text"]


def test_a_failed_rebuild_says_why_and_the_live_index_keeps_answering(
    admin, corpus, index_dir, monkeypatch
):
    live = IndexStore(index_dir).current_name()

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(index, "_build", full_disk)

    assert post(admin, "/admin/search/rebuild").status_code == 302
    progress = wait_for_rebuild(admin)

    assert progress["state"] == "failed"
    assert progress["error"] == "No space left on device"
    html = admin.get("/admin/search").get_data(as_text=True)
    assert "The last rebuild failed (No space left on device)." in html
    assert IndexStore(index_dir).current_name() == live
    assert "Jardin partagé des Tilleuls" in found_titles(admin, "bailleur")
    assert post(admin, "/admin/search/rebuild").status_code == 302  # the lock was released
    wait_for_rebuild(admin)


def test_a_rebuild_this_server_started_far_behind_the_log_says_why(app, admin):
    """A new server, or one whose index was lost, rebuilds by itself (changes.far_behind): the
    administrator reads why rather than a rebuild nobody asked for."""
    from wiki.search import rebuilding

    directory = app.config["SEARCH_INDEX_DIR"]
    lock = rebuilding.try_lock(directory)  # held, as by the indexer while it rebuilds
    try:
        rebuilding.write_progress(
            directory,
            rebuilding.Progress(state="running", done=40, total=100, reason=rebuilding.FAR_BEHIND),
        )
        page = admin.get("/admin/search").get_data(as_text=True)
    finally:
        rebuilding.unlock(lock)
    assert "it had too many changes to apply (a new server, or its index was lost)" in page
    assert "40 / 100 pages" in page
