"""Several hosts on one database: each host's index follows the change log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from whoosh import index as whoosh_index

from wiki.extensions import db
from wiki.models import Change, IndexQueue, utcnow
from wiki.moderation.service import delete_page, restore_page, set_revision_hidden
from wiki.pages.service import save_page
from wiki.search import changes, index


def host_b(app, tmp_path):
    """Another host: the same database, its own index directory (still empty)."""
    return index.Target(engine=db.engine, directory=str(tmp_path / "host-b" / "search"))


def indexed(target) -> dict[str, int]:
    """Title -> revision, as this host's index holds them."""
    ix = whoosh_index.open_dir(str(target.store.current_path()))
    with ix.searcher() as searcher:
        return {fields["title"]: fields["revision"] for fields in searcher.all_stored_fields()}


def test_a_save_writes_its_change_in_its_own_transaction(app, user):
    revision = save_page(slug=None, title="Cantine bio à Mouans", text="# Cantine", author=user)
    edit = save_page(slug=revision.page.slug, title=None, text="# Cantine\n\nbio", author=user)
    rows = db.session.execute(select(Change.page_id, Change.revision_id, Change.kind)).all()
    assert rows == [(revision.page_id, revision.id, "save"), (edit.page_id, edit.id, "save")]


def test_another_host_finds_the_saves_in_the_log_and_its_cursor_follows(app, user, tmp_path):
    b = host_b(app, tmp_path)
    first = save_page(slug=None, title="Ressourcerie de Loos", text="# Ressourcerie", author=user)
    save_page(slug=None, title="Verger d’Œuvres", text="# Verger", author=user)
    assert indexed(b) == {}
    assert changes.lag(db.session, b.directory) == 2

    while index.follow(b):
        pass

    assert indexed(b) == {"Ressourcerie de Loos": first.id, "Verger d’Œuvres": first.id + 1}
    assert changes.lag(db.session, b.directory) == 0
    assert changes.Cursor(b.directory).read() == 2


def test_an_older_change_arriving_late_never_replaces_a_newer_revision(app, user, tmp_path):
    b = host_b(app, tmp_path)
    old = save_page(slug=None, title="Tiers-lieu", text="# Tiers-lieu\n\nancien", author=user)
    new = save_page(slug=old.page.slug, title=None, text="# Tiers-lieu\n\nneuf", author=user)
    while index.follow(b):
        pass
    # A change of the old revision shows up after the new one (a slow transaction, say).
    db.session.add(Change(page_id=old.page_id, revision_id=old.id, kind="save"))
    db.session.commit()
    while index.follow(b):
        pass
    assert indexed(b) == {"Tiers-lieu": new.id}


def test_a_hole_in_the_ids_holds_the_cursor_until_it_is_old(app, user, tmp_path):
    b = host_b(app, tmp_path)
    save_page(slug=None, title="Jardin partagé", text="# Jardin", author=user)  # change 1
    page = save_page(slug=None, title="Compost collectif", text="# Compost", author=user).page
    # Change 2 is taken by a transaction that has not committed yet: only 3 is visible.
    db.session.execute(Change.__table__.update().where(Change.id == 2).values(id=3))
    db.session.commit()
    index.follow(b)
    assert "Compost collectif" in indexed(b)  # applied anyway: applying twice does no harm
    assert changes.Cursor(b.directory).read() == 1  # but 2 may still come
    db.session.execute(
        Change.__table__.update()
        .where(Change.id == 3)
        .values(created_at=utcnow() - timedelta(seconds=changes.GAP_SECONDS + 1))
    )
    db.session.commit()
    index.follow(b)
    assert changes.Cursor(b.directory).read() == 3  # a hole that old was a rollback
    assert page.id


def test_hiding_a_revision_is_a_change_too(app, user, tmp_path):
    first = save_page(slug=None, title="Budget participatif", text="# Budget", author=user)
    save_page(slug=first.page.slug, title=None, text="# Budget\n\nvoté", author=user)
    set_revision_hidden(first, True)
    kinds = db.session.scalars(select(Change.kind).order_by(Change.id)).all()
    assert kinds == ["save", "save", "hide"]


def test_another_host_drops_a_deleted_page_and_takes_it_back_when_restored(app, user, tmp_path):
    from wiki.models import User

    moderator = User(username="modo", password_hash="!", role="moderator")
    db.session.add(moderator)
    db.session.commit()
    b = host_b(app, tmp_path)
    page = save_page(slug=None, title="Pilules pas chères", text="# Spam", author=user).page
    save_page(slug=None, title="Verger partagé", text="# Verger", author=user)
    while index.follow(b):
        pass
    assert set(indexed(b)) == {"Pilules pas chères", "Verger partagé"}

    delete_page(moderator, page, "publicité")
    while index.follow(b):
        pass
    assert set(indexed(b)) == {"Verger partagé"}  # same revision, yet gone from host B

    restore_page(moderator, page, "erreur")
    while index.follow(b):
        pass
    assert set(indexed(b)) == {"Pilules pas chères", "Verger partagé"}


def test_a_page_written_by_following_leaves_the_queue_unless_saved_again_meanwhile(
    app, user, monkeypatch
):
    # Saves the indexer had not drained yet: following the log writes them, and their queue
    # rows go with it (a drain would write them a second time). A save made while the page was
    # being written keeps its row: the next drain writes that newer revision.
    app.config["SEARCH_INDEXING"] = "off"
    kept = save_page(slug=None, title="Atelier vélo", text="# Atelier vélo", author=user)
    gone = save_page(slug=None, title="Compost partagé", text="# Compost", author=user)
    assert {row.page_id for row in db.session.scalars(select(IndexQueue))} == {
        kept.page_id,
        gone.page_id,
    }
    target = index.target_for(app)
    real, newer = index.write_pages, []

    def write_then_a_save(*args, **kwargs):
        skipped = real(*args, **kwargs)
        text = "# Atelier vélo\n\nneuf"
        newer.append(save_page(slug=kept.page.slug, title=None, text=text, author=user))
        return skipped

    monkeypatch.setattr(index, "write_pages", write_then_a_save)
    index.follow(target)
    monkeypatch.setattr(index, "write_pages", real)

    assert [row.page_id for row in db.session.scalars(select(IndexQueue))] == [kept.page_id]
    assert index.drain(target) == 1
    assert indexed(target)["Atelier vélo"] == newer[0].id


def test_a_host_far_behind_rebuilds_instead_of_following_each_change(
    app, user, tmp_path, monkeypatch
):
    """A new host, or one whose index was lost, on a wiki with many changes: following them
    one commit at a time would take an hour at 100k pages, a rebuild minutes."""
    from wiki.search import rebuilding

    for n in range(6):
        save_page(slug=None, title=f"Expérience {n}", text=f"# Expérience {n}", author=user)
    # Made over a minute ago: settled, what a rebuild takes in.
    for change in db.session.scalars(select(Change)):
        change.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    b = host_b(app, tmp_path)
    monkeypatch.setattr(changes, "BATCH", 2)
    monkeypatch.setattr(changes, "FAR_BEHIND_MIN", 4)
    built = []
    real = index.rebuild
    monkeypatch.setattr(index, "rebuild", lambda *a, **k: built.append(1) or real(*a, **k))

    assert index.follow(b) == 6  # one step: rebuilt, and the cursor moved over every change
    assert built == [1]
    assert rebuilding._read(b.directory).reason == rebuilding.FAR_BEHIND
    assert len(indexed(b)) == 6
    assert changes.lag(db.session, b.directory) == 0

    # A few changes behind: followed, not rebuilt.
    save_page(slug=None, title="Atelier vélo", text="# Atelier vélo", author=user)
    save_page(slug=None, title="Compost", text="# Compost", author=user)
    while index.follow(b):
        pass
    assert built == [1] and len(indexed(b)) == 8


def test_fresh_changes_are_followed_even_when_many(app, user, tmp_path, monkeypatch):
    """Saves of the last minute may still be committing: a rebuild could not settle them, so
    they never start one (else a host would rebuild again and again under a burst of saves)."""
    for n in range(6):
        save_page(slug=None, title=f"Expérience {n}", text=f"# Expérience {n}", author=user)
    b = host_b(app, tmp_path)
    monkeypatch.setattr(changes, "BATCH", 2)
    monkeypatch.setattr(changes, "FAR_BEHIND_MIN", 4)
    monkeypatch.setattr(index, "rebuild", lambda *a, **k: pytest.fail("rebuilt"))
    while index.follow(b):
        pass
    assert len(indexed(b)) == 6
