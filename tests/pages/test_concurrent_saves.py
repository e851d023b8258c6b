"""Saves of one page at the same instant behave as if one came after the other."""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, func, select

from tests.conftest import make_app
from tests.postgres import fresh_database, needs_postgres
from wiki.extensions import db as _db
from wiki.models import IndexQueue, Page, Revision, User
from wiki.pages import service

WRITERS = 8


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def app(request, tmp_path, migrated_db):
    """The usual app on a SQLite file, or on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        shutil.copy(migrated_db, tmp_path / "essaim.db")
        with running(make_app(tmp_path)) as app:
            yield app
        return
    with fresh_database() as url, running(make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)) as app:
        upgrade()
        yield app


@contextmanager
def running(app):
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def author_id(app):
    from wiki.auth.service import create_user

    return create_user("camille", "un mot de passe solide").id


def numbered_lines(count: int) -> str:
    # A distinct unchanged line between two edited ones keeps their changes apart for merge3.
    return "".join(f"Action {i} : à faire.\nNote {i} — inchangée.\n" for i in range(count))


def save_together(app, slug, texts, base_id, author_id):
    """Each text saved by its own thread, all released at the same instant."""
    barrier = threading.Barrier(len(texts))

    def save(text):
        with app.app_context():
            author = _db.session.get(User, author_id)
            barrier.wait()
            try:
                revision = service.save_page(
                    slug=slug, title=None, text=text, author=author, base_id=base_id
                )
                return ("saved", revision.number)
            except service.Conflict:
                return ("conflict", None)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(len(texts)) as pool:
        return list(pool.map(save, texts))


def test_simultaneous_saves_from_one_base_are_all_merged_and_numbered_in_turn(app, author_id):
    text = numbered_lines(WRITERS)
    page = service.save_page(
        slug=None,
        title="Plan d’actions de Raismes",
        text=text,
        author=_db.session.get(User, author_id),
    ).page
    slug, base_id = page.slug, page.current_id
    edits = [
        text.replace(f"Action {i} : à faire.", f"Action {i} : faite par l’équipe n° {i}.")
        for i in range(WRITERS)
    ]

    outcomes = save_together(app, slug, edits, base_id, author_id)

    assert sorted(number for _kind, number in outcomes) == list(range(2, WRITERS + 2))
    _db.session.expire_all()
    page = _db.session.get(Page, page.id)
    for i in range(WRITERS):
        assert f"faite par l’équipe n° {i}." in page.current.text
    numbers = _db.session.scalars(
        select(Revision.number).where(Revision.page_id == page.id).order_by(Revision.number)
    ).all()
    assert numbers == list(range(1, WRITERS + 2))


def test_simultaneous_saves_of_the_same_line_keep_one_and_show_the_others_the_conflict(
    app, author_id
):
    page = service.save_page(
        slug=None,
        title="Budget participatif",
        text="Le budget est de 10 000 €.\n",
        author=_db.session.get(User, author_id),
    ).page
    edits = [f"Le budget est de {11 + i} 000 €.\n" for i in range(WRITERS)]

    outcomes = save_together(app, page.slug, edits, page.current_id, author_id)

    assert sorted(kind for kind, _number in outcomes) == ["conflict"] * (WRITERS - 1) + ["saved"]
    count = _db.session.scalar(select(func.count()).where(Revision.page_id == page.id))
    assert count == 2


def test_simultaneous_creations_of_one_title_keep_one_page_and_refuse_the_others(app, author_id):
    barrier = threading.Barrier(WRITERS)

    def create(i):
        with app.app_context():
            author = _db.session.get(User, author_id)
            barrier.wait()
            try:
                service.save_page(
                    slug=None, title="Fête des voisins", text=f"Version {i}", author=author
                )
                return "created"
            except service.TitleTaken:
                return "taken"
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = sorted(pool.map(create, range(WRITERS)))

    assert outcomes == ["created"] + ["taken"] * (WRITERS - 1)
    assert _db.session.scalar(select(func.count()).select_from(Page)) == 1


def test_a_save_queues_its_page_even_when_the_indexer_just_removed_the_row(app, author_id):
    # Issue 17: the save had read the queue row, the indexer deleted it, the save's UPDATE
    # then matched nothing (StaleDataError on PostgreSQL). The queue is now written in one
    # statement that inserts or updates.
    app.config["SEARCH_INDEXING"] = "off"
    author = _db.session.get(User, author_id)
    page = service.save_page(slug=None, title="Ressourcerie", text="v1", author=author).page
    assert _db.session.get(IndexQueue, page.id) is not None  # in this session's identity map
    with _db.engine.begin() as indexer:
        indexer.execute(delete(IndexQueue).where(IndexQueue.page_id == page.id))

    service.save_page(slug=page.slug, title=None, text="v2", author=author)

    assert _db.session.scalar(select(func.count()).select_from(IndexQueue)) == 1
