"""Backup and restore drill: a backup taken while saves go on, restored into an empty data dir."""

from __future__ import annotations

import shutil
import tarfile
import threading
import time
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from tests.conftest import make_app
from tests.postgres import fresh_database, needs_postgres
from wiki.extensions import db as _db
from wiki.models import Page, Revision
from wiki.ops import backup
from wiki.pages.service import save_page


@contextmanager
def running(app):
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            _db.engine.dispose()


@contextmanager
def two_wikis(kind, tmp_path, migrated_db):
    """A wiki in use (A) and an empty one (B) with its own data dir."""
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir()
    b_dir.mkdir()
    if kind == "sqlite":
        shutil.copy(migrated_db, a_dir / "essaim.db")
        yield make_app(a_dir), make_app(b_dir)
        return
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump missing (Debian: postgresql-client)")
    with fresh_database() as url_a, fresh_database() as url_b:
        app_a = make_app(a_dir, SQLALCHEMY_DATABASE_URI=url_a)
        with running(app_a):
            upgrade()
        yield app_a, make_app(b_dir, SQLALCHEMY_DATABASE_URI=url_b)


class Writer(threading.Thread):
    """Saves pages one after the other; `acknowledged` holds the saves that returned."""

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.acknowledged: list[tuple[str, str]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with running(self.app):
                i = 0
                while not self.stop.is_set():
                    text = f"# Essai {i}\n\nL’œuvre commune n°{i}, « jardin » du quartier."
                    slug = "carnet-de-bord" if i % 2 else None
                    title = "Carnet de bord" if i == 1 else f"Expérience d’essai n°{i}"
                    revision = save_page(
                        slug=slug if i > 1 else None, title=title, text=text, author=None
                    )
                    self.acknowledged.append((revision.page.slug, text))
                    _db.session.remove()
                    i += 1
        except BaseException as error:  # reported by the test
            self.error = error


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def test_restore_drill_every_save_acknowledged_before_the_backup_is_back(
    kind, tmp_path, migrated_db
):
    archive = tmp_path / "sauvegarde.tar.gz"
    with two_wikis(kind, tmp_path, migrated_db) as (app_a, app_b):
        files = app_a.config["DATA_DIR"] / "files" / "ab"
        files.mkdir(parents=True)
        (files / "abcdef").write_bytes(b"photo du verger")
        writer = Writer(app_a)
        writer.start()
        try:
            while len(writer.acknowledged) < 12 and writer.is_alive():
                time.sleep(0.02)
            acknowledged = list(writer.acknowledged)
            with running(app_a):
                manifest = backup.backup(_db.engine, app_a.config["DATA_DIR"], archive)
            time.sleep(0.1)
        finally:
            writer.stop.set()
            writer.join()
        assert writer.error is None, writer.error
        assert len(writer.acknowledged) > len(acknowledged)  # saves went on during the backup
        assert manifest.database == kind and manifest.files == 1
        with tarfile.open(archive) as tar:
            assert not any(name.startswith("search") for name in tar.getnames())

        result = app_b.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "search index rebuilt" in result.output

        with running(app_b):
            for slug, text in acknowledged:
                page = _db.session.scalar(select(Page).where(Page.slug == slug))
                assert page is not None, slug
                texts = _db.session.scalars(
                    select(Revision.text).where(Revision.page_id == page.id)
                )
                assert text in set(texts), (slug, text)
            for page in _db.session.scalars(select(Page)):
                assert page.current is not None and page.current.page_id == page.id
            html = app_b.test_client().get("/search?q=essai").get_data(as_text=True)
            assert "Expérience d’essai n°0" in html  # the index was rebuilt from the database
        restored = app_b.config["DATA_DIR"] / "files" / "ab" / "abcdef"
        assert restored.read_bytes() == b"photo du verger"


def test_restore_refuses_a_data_dir_that_already_holds_a_wiki(tmp_path, migrated_db):
    archive = tmp_path / "sauvegarde.tar.gz"
    with two_wikis("sqlite", tmp_path, migrated_db) as (app_a, app_b):
        with running(app_a):
            save_page(slug=None, title="Verger partagé", text="# Verger", author=None)
            backup.backup(_db.engine, app_a.config["DATA_DIR"], archive)
        result = app_a.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code != 0
        assert "already holds a wiki" in result.output
        with running(app_a):  # nothing was touched
            assert _db.session.scalar(select(Page.title)) == "Verger partagé"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "photo.tar.gz"
    bogus.write_bytes(b"not a tar")
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0
    assert "is not an Essaim backup" in result.output
