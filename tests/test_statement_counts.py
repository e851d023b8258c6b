"""Each main page costs a handful of SQL statements, whatever the size of the wiki (no N+1)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from wiki.extensions import db as _db
from wiki.models import User
from wiki.pages.service import save_page

BUDGET = 8  # statements for any main page
THEMES = ["alimentation", "énergie", "gouvernance", "mobilité", "habitat", "eau"]


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)


def fill(authors, numbers: range, revisions: int) -> None:
    """Experiences with `revisions` revisions each, by turns of several authors."""
    for i in numbers:
        themes = ", ".join(THEMES[i % len(THEMES) :][:3])
        for r in range(revisions):
            text = (
                f"---\ntype: experience\nterritory: Commune {i}\nstatus: en cours\n"
                f"scale: commune\nthemes: [{themes}]\n---\n# Verger partagé {i}\n\n"
                f"## Leviers\n\n- L’envie des habitants ({r})\n\n## Verrous\n\n- Le foncier\n"
            )
            save_page(
                slug=f"verger-partage-{i}",
                title=f"Verger partagé {i}",
                text=text,
                author=_db.session.get(User, authors[(i + r) % len(authors)]),
            )


MAIN_PAGES = {
    "home": "/",
    "page view": "/wiki/verger-partage-1",
    "history": "/wiki/verger-partage-1/history",
    "recent": "/recent",
    "search": "/search?q=verger",
    "diff": "/wiki/verger-partage-1/diff",
}


def statements_per_page(client) -> dict[str, int]:
    counts = {}
    for name, url in MAIN_PAGES.items():
        client.get(url)  # once to warm what a running server keeps between requests
        _db.session.remove()
        with counted() as statements:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
        _db.session.remove()
    return counts


def fill_more(authors, start: int, pages: int, revisions: int) -> None:
    fill(authors, pages, revisions, start)


def test_main_pages_cost_a_few_statements_whatever_the_size_of_the_wiki(
    client, make_user, monkeypatch
):
    from wiki.search import views

    # Search reads how far its index lags once every few seconds per process (one statement):
    # here once, at the first request, so that both passes count the same requests.
    monkeypatch.setattr(views, "CATCHING_UP_READ_EVERY", float("inf"))
    authors = [make_user(name).id for name in ("camille", "dominique", "noé", "zoé")]
    fill(authors, range(0, 3), revisions=2)
    small = statements_per_page(client)
    fill(authors, range(3, 30), revisions=2)
    fill(authors, range(1, 2), revisions=12)  # a longer history for the page looked at
    large = statements_per_page(client)
    print("statements per page, 3 pages:", small, "30 pages:", large)
    assert large == small
    assert max(large.values()) <= BUDGET, large
