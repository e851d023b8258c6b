"""A page the indexer cannot index in its budget is skipped and reported, never blocking others."""

from __future__ import annotations

import time

import pytest

from tests.conftest import log_in
from wiki.extensions import db
from wiki.models import IndexQueue
from wiki.pages import service
from wiki.search import index, query


def titles(q):
    return sorted(hit.title for hit in query.search(q).hits)


@pytest.fixture
def three_queued(app, user):
    app.config["SEARCH_INDEXING"] = "off"
    pages = [
        service.save_page(
            slug=None,
            title=title,
            text=f"# {title}\n\nAtelier de réparation de vélos.\n",
            author=user,
        ).page
        for title in ("Atelier vélo de Raismes", "Vélo-école de Gâtine", "Cyclofficine de Pantin")
    ]
    app.config["SEARCH_INDEXING"] = "sync"
    return pages


def slow_for(monkeypatch, title, seconds=0.0, error=None):
    real = index.page_document

    def document(page, labels):
        if page.title == title:
            if error:
                raise error
            time.sleep(seconds)
        return real(page, labels)

    monkeypatch.setattr(index, "page_document", document)


def test_a_page_over_its_budget_is_skipped_the_others_are_indexed_and_it_waits_for_an_edit(
    app, user, three_queued, monkeypatch
):
    slow = three_queued[1]
    slow_for(monkeypatch, slow.title, seconds=0.3)
    target = index.target_for(app)
    target.page_budget = 0.1

    assert index.drain(target) == 3

    assert titles("velo") == ["Atelier vélo de Raismes", "Cyclofficine de Pantin"]
    entry = db.session.get(IndexQueue, slow.id)
    assert entry.attempts == index.SKIP_AFTER and "budget" in entry.last_error
    assert index.drain(target) == 0  # not built again at every drain or restart
    monkeypatch.undo()
    service.save_page(
        slug=slow.slug, title=None, text="# Vélo-école\n\nApprendre le vélo.\n", author=user
    )
    assert "Vélo-école de Gâtine" in titles("velo")
    db.session.expire_all()
    assert db.session.get(IndexQueue, slow.id) is None


def test_a_page_whose_document_fails_does_not_hold_up_the_batch(app, three_queued, monkeypatch):
    broken = three_queued[0]
    slow_for(monkeypatch, broken.title, error=ValueError("front matter illisible"))
    target = index.target_for(app)

    assert index.drain(target) == 3

    assert titles("velo") == ["Cyclofficine de Pantin", "Vélo-école de Gâtine"]
    entry = db.session.get(IndexQueue, broken.id)
    assert entry.attempts == 1 and "front matter illisible" in entry.last_error


def test_the_search_admin_lists_the_skipped_page(app, client, make_user, three_queued, monkeypatch):
    slow = three_queued[2]
    slow_for(monkeypatch, slow.title, seconds=0.3)
    # The app's budget, not only this target's: signing in indexes too ("sync"), and following
    # the change log with a larger budget would index the page (and clear its queue row).
    app.config["SEARCH_PAGE_BUDGET"] = 0.1
    index.drain(index.target_for(app))
    make_user("dominique", role="admin")
    log_in(client, "dominique")

    html = client.get("/admin/search").get_data(as_text=True)

    assert slow.title in html and "budget" in html
