"""Pruning the change log: old changes go, and a host that had not applied them rebuilds its
index instead of stepping over them. On SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, update

from tests.conftest import log_in, make_app
from tests.postgres import fresh_database, needs_postgres
from wiki.extensions import db
from wiki.models import Change, Page, utcnow
from wiki.pages.service import save_page
from wiki.search import changes, index, rebuilding

PASSWORD = "un mot de passe solide"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, needs_postgres])]
)
def wiki(request, tmp_path, migrated_db):
    """Host A of the wiki (sync indexing), on a fresh SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        shutil.copy(migrated_db, tmp_path / "essaim.db")
        app = make_app(tmp_path)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    with fresh_database() as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def camille(wiki):
    from wiki.auth.service import create_user

    return create_user("camille", PASSWORD)


def other_host(wiki, tmp_path, name="b"):
    """Another host on the same database: its own data dir and index, indexing left to the
    test (as its background worker would do it)."""
    data_dir = tmp_path / name
    data_dir.mkdir()
    return make_app(
        data_dir,
        SQLALCHEMY_DATABASE_URI=wiki.config["SQLALCHEMY_DATABASE_URI"],
        SEARCH_INDEX_DIR=str(data_dir / "search"),
        SEARCH_INDEXING="off",
    )


def target(app) -> index.Target:
    return index.Target(engine=db.engine, directory=app.config["SEARCH_INDEX_DIR"])


def follow_all(app) -> None:
    while index.follow(target(app)):
        pass


def age_changes(days: float, up_to: int | None = None) -> None:
    """Make the changes (up to id `up_to`) `days` old."""
    rows = update(Change).values(created_at=utcnow() - timedelta(days=days))
    if up_to is not None:
        rows = rows.where(Change.id <= up_to)
    db.session.execute(rows)
    db.session.commit()


def prune(wiki, keep_days: str) -> str:
    result = wiki.test_cli_runner().invoke(
        args=["search", "prune-changes", "--keep-days", keep_days]
    )
    assert result.exit_code == 0, result.output
    return result.output


def found(client, words: str) -> list[str]:
    body = client.get(f"/api/v1/search?q={words}&per_page=100").get_json()
    return sorted(hit["title"] for hit in body["hits"])


def test_pruning_deletes_only_the_changes_older_than_the_days_kept(wiki, camille):
    for title in ("Cantine bio de Mouans", "Ressourcerie de Loos", "Verger d’Œuvres"):
        save_page(slug=None, title=title, text=f"# {title}", author=camille)
    age_changes(40, up_to=2)
    save_page(slug=None, title="Vélo-école de Tours", text="# Vélo-école", author=camille)

    assert prune(wiki, "30") == "2 changes deleted; the change log now starts after change 2.\n"

    kept = db.session.execute(
        select(Page.title).join(Change, Change.page_id == Page.id).order_by(Change.id)
    ).scalars()
    assert list(kept) == ["Verger d’Œuvres", "Vélo-école de Tours"]
    assert changes.watermark(db.session) == 2
    assert prune(wiki, "30") == "0 changes deleted; the change log now starts after change 2.\n"


def test_the_newest_change_is_kept_so_that_new_changes_keep_growing_ids(wiki, camille):
    for title in ("Jardin partagé", "Compost collectif"):
        save_page(slug=None, title=title, text=f"# {title}", author=camille)
    age_changes(400)

    assert prune(wiki, "0").startswith("1 change deleted")

    save_page(slug=None, title="Tiers-lieu", text="# Tiers-lieu", author=camille)
    ids = db.session.scalars(select(Change.id).order_by(Change.id)).all()
    assert ids == [2, 3]  # on SQLite an emptied table would have started again at 1


def test_a_host_behind_the_pruned_log_rebuilds_then_finds_every_page(
    wiki, camille, tmp_path, caplog
):
    from wiki.auth.service import create_user

    b = other_host(wiki, tmp_path)
    loos = save_page(slug=None, title="Ressourcerie de Loos", text="# Objets", author=camille)
    follow_all(b)  # host B applied change 1, then stopped
    # While B is stopped: a page created and edited, another edited, all long ago...
    douai = save_page(
        slug=None, title="Grainothèque de Douai", text="# Graines\n\nsemences", author=camille
    )
    save_page(
        slug=douai.page.slug,
        title=None,
        text="# Graines\n\nsemences paysannes échangées",
        author=camille,
    )
    save_page(
        slug=loos.page.slug,
        title=None,
        text="# Objets\n\nréparation et réemploi",
        author=camille,
    )
    age_changes(40)
    # ... and one page last week: its change is kept.
    save_page(slug=None, title="Vélo-école de Tours", text="# Vélos\n\nbicyclettes", author=camille)
    assert prune(wiki, "30") == "4 changes deleted; the change log now starts after change 4.\n"
    assert changes.Cursor(b.config["SEARCH_INDEX_DIR"]).read() == 1

    create_user("dominique", PASSWORD, role="admin")
    client = b.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["index"] == "rebuilding"
    assert "essaim_index_behind_pruned_log 1.0" in client.get("/metrics").get_data(as_text=True)
    log_in(client, "dominique")
    page = client.get("/admin/search").get_data(as_text=True)
    assert 'id="behind-pruned-log"' in page
    assert "appliqué jusqu’à 1, élagué jusqu’à 4" in page  # French first

    with caplog.at_level(logging.WARNING, logger="wiki.search.index"):
        follow_all(b)  # what B's background worker does at its next look at the log

    assert "pruned up to 4: rebuilding it" in caplog.text
    assert found(client, "semences paysannes") == ["Grainothèque de Douai"]  # pruned range only
    assert found(client, "réemploi") == ["Ressourcerie de Loos"]  # its edit was pruned
    assert found(client, "bicyclettes") == ["Vélo-école de Tours"]
    assert changes.Cursor(b.config["SEARCH_INDEX_DIR"]).read() == 5
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["index_lag"] == 0
    assert "essaim_index_behind_pruned_log 0.0" in client.get("/metrics").get_data(as_text=True)
    page = client.get("/admin/search").get_data(as_text=True)
    assert 'id="behind-pruned-log"' not in page
    assert "La dernière reconstruction est terminée\u00a0: 3 pages indexées." in page

    # From then on B follows the log again, change by change.
    save_page(slug=None, title="Cantine bio de Mouans", text="# Cantine\n\nbio", author=camille)
    follow_all(b)
    assert found(client, "cantine") == ["Cantine bio de Mouans"]
    assert rebuilding.read_progress(b.config["SEARCH_INDEX_DIR"]).finished is not None


def test_a_new_host_after_pruning_builds_its_index_from_the_pages(wiki, camille, tmp_path):
    for title in ("Jardin partagé de Lille", "Compost collectif de Roubaix"):
        save_page(slug=None, title=title, text=f"# {title}\n\npotager", author=camille)
    age_changes(40)
    save_page(slug=None, title="Potager de Tourcoing", text="# Potager", author=camille)
    prune(wiki, "30")

    new = other_host(wiki, tmp_path, "new")
    follow_all(new)

    assert len(found(new.test_client(), "potager")) == 3


def test_a_host_up_to_date_goes_on_following_without_a_rebuild(wiki, camille, tmp_path, caplog):
    b = other_host(wiki, tmp_path)
    for title in ("Budget participatif de Grenoble", "Régie agricole de Mouans"):
        save_page(slug=None, title=title, text=f"# {title}", author=camille)
    follow_all(b)
    generation = target(b).store.current_name()
    age_changes(40)
    save_page(slug=None, title="Épicerie solidaire", text="# Épicerie", author=camille)

    assert prune(wiki, "30").startswith("2 changes deleted")
    with caplog.at_level(logging.WARNING, logger="wiki.search.index"):
        follow_all(b)

    assert "rebuilding" not in caplog.text
    assert target(b).store.current_name() == generation  # same index, written into
    assert rebuilding.read_progress(b.config["SEARCH_INDEX_DIR"]).state == "idle"
    assert found(b.test_client(), "épicerie") == ["Épicerie solidaire"]
    assert changes.Cursor(b.config["SEARCH_INDEX_DIR"]).read() == 3


def test_prunes_racing_a_following_host_never_lose_a_page(wiki, camille, tmp_path):
    """Prunes committed at any moment of host B's following (before, between or after its
    reads of the changes and of the watermark, during its writes): B ends with every page at
    its newest revision, whether it followed the changes or rebuilt its index."""
    import threading

    b = other_host(wiki, tmp_path)
    stop, failures, prunes = threading.Event(), [], []

    def pruner() -> None:
        with wiki.app_context():
            while not stop.is_set():
                try:
                    age_changes(40)  # every change old enough to go, but the newest
                    prunes.append(changes.prune(db.session, keep_days=30).removed)
                except Exception as error:  # noqa: BLE001 (reported below, not lost in a thread)
                    failures.append(error)
                    db.session.rollback()
            db.session.remove()

    thread = threading.Thread(target=pruner)
    thread.start()
    pages = []
    try:
        for n in range(12):
            title = f"Atelier vélo {n}"
            pages.append(save_page(slug=None, title=title, text=f"# {title}", author=camille).page)
            if n % 3:
                save_page(
                    slug=pages[n - 1].slug,
                    title=None,
                    text=f"# Atelier vélo {n - 1}\n\nréparation solidaire, séance {n}",
                    author=camille,
                )
            follow_all(b)
    finally:
        stop.set()
        thread.join(30)
    assert not failures, failures
    assert sum(prunes) > 0  # the prunes did remove changes meanwhile
    follow_all(b)

    newest = {page.id: db.session.get(Page, page.id).current_id for page in pages}
    held = index.indexed_revisions(target(b), list(newest))
    assert held == newest
    assert len(found(b.test_client(), "atelier")) == 12
