"""The index stays in step with the pages: saves, failures, locks, rebuilds, several processes."""

from __future__ import annotations

import multiprocessing
import threading
import time

from sqlalchemy import select
from whoosh import index as whoosh_index

from tests.conftest import make_app
from tests.search.conftest import experience
from wiki.extensions import db
from wiki.models import IndexQueue, User
from wiki.moderation import service as moderation
from wiki.pages import service
from wiki.search import index, query
from wiki.search.store import IndexStore, searcher


def stored_documents(app):
    with searcher(app.config["SEARCH_INDEX_DIR"]) as s:
        return sorted(s.all_stored_fields(), key=lambda fields: int(fields["id"]))


def titles(q):
    return sorted(hit.title for hit in query.search(q).hits)


def test_a_save_is_searchable_at_once_and_leaves_no_queue(app, save):
    save("Épicerie solidaire", "# Épicerie\n\nDes paniers à prix libre.\n")
    assert titles("panier") == ["Épicerie solidaire"]
    assert db.session.scalars(select(IndexQueue)).all() == []


def test_rename_and_revert_update_the_index(app, save, user):
    page = save("Ressourcerie", "# Ressourcerie\n\nRéemploi des meubles.\n").page
    save("Ressourcerie", "# Ressourcerie\n\nRéparation des vélos.\n", slug=page.slug)
    assert titles("meubles") == [] and titles("vélo") == ["Ressourcerie"]
    service.rename_page(page, "Ressourcerie du Pays de Gâtine", user)
    assert titles("gatine") == ["Ressourcerie du Pays de Gâtine"]
    first = service.history(page)[-1]
    service.revert_page(page, first, user)
    assert titles("meuble") == ["Ressourcerie du Pays de Gâtine"] and titles("vélo") == []


def test_failed_indexing_keeps_the_save_and_queues_the_page(app, save, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(index, "write_pages", broken)
    page = save("Atelier vélo", "# Atelier\n\nRéparer son vélo soi-même.\n").page
    assert page.id is not None and page.current.text.startswith("# Atelier")
    entry = db.session.get(IndexQueue, page.id)
    assert entry.attempts == 1 and "disque plein" in entry.last_error
    assert titles("velo") == []
    monkeypatch.undo()
    save("Autre page", "# Autre\n\nRien à voir.\n")  # the next save drains what was left
    assert titles("velo") == ["Atelier vélo"]
    db.session.expire_all()
    assert db.session.get(IndexQueue, page.id) is None


def test_a_save_waits_for_another_writer_instead_of_failing(app, save):
    ix = whoosh_index.open_dir(str(IndexStore(app.config["SEARCH_INDEX_DIR"]).current_path()))
    writer = ix.writer()  # another process holds the lock for a while
    threading.Timer(0.7, writer.cancel).start()
    started = time.monotonic()
    save("Covoiturage rural", "# Covoiturage\n\nDes arrêts sur le pouce.\n")
    assert time.monotonic() - started >= 0.5
    assert titles("covoiturage") == ["Covoiturage rural"]


def test_index_after_many_edits_equals_index_rebuilt_from_scratch(app, save, user):
    pages = []
    for n in range(6):
        pages.append(
            save(
                f"Expérience numéro {n}",
                experience(
                    f"Expérience numéro {n}",
                    themes=("energie",) if n % 2 else ("eau", "sante"),
                    levers=[f"Levier {n} : des bénévoles."],
                    obstacles=[f"Verrou {n} : le foncier."],
                ),
            ).page
        )
    for n, page in enumerate(pages):
        save(
            page.title,
            experience(page.title, status="terminé", levers=[f"Nouveau levier {n}"]),
            slug=page.slug,
        )
    service.rename_page(pages[0], "Expérience renommée", user)
    service.revert_page(pages[1], service.history(pages[1])[-1], user)
    moderation.set_revision_hidden(service.history(pages[2])[-1], True)
    incremental = stored_documents(app)

    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Index rebuilt: 6 pages." in result.output
    assert "writing the index files" in result.output  # the long silent part is announced
    rebuilt = stored_documents(app)
    assert len(rebuilt) == 6
    assert rebuilt == incremental
    assert titles("renommee") == ["Expérience renommée"]


def test_reindex_swaps_generations_and_keeps_answering(app, save):
    save("Tiers-lieu", "# Tiers-lieu\n\nUn café associatif.\n")
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    before = store.current_name()
    with searcher(app.config["SEARCH_INDEX_DIR"]) as old:
        assert app.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
        assert old.doc_count() == 1  # a searcher opened before the swap still answers
    assert store.current_name() != before
    assert titles("cafe") == ["Tiers-lieu"]


def test_check_finds_and_mends_a_page_removed_from_the_index(app, save):
    page = save("Cantine bio", "# Cantine\n\nDes repas bio et locaux.\n").page
    save("Recyclerie", "# Recyclerie\n\nRéemploi.\n")
    ix = whoosh_index.open_dir(str(IndexStore(app.config["SEARCH_INDEX_DIR"]).current_path()))
    with ix.writer() as writer:
        writer.delete_by_term("id", str(page.id))
    assert titles("repas") == []

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["search", "check", "--no-fix"])
    assert listed.exit_code == 1
    assert "1 page missing from the index" in listed.output
    assert f"#{page.id} Cantine bio" in listed.output
    assert titles("repas") == []

    mended = runner.invoke(args=["search", "check"])
    assert mended.exit_code == 0, mended.output
    assert "Mended" in mended.output
    assert titles("repas") == ["Cantine bio"]
    again = runner.invoke(args=["search", "check"])
    assert "The index is in step with the database." in again.output


def test_check_finds_stale_and_extra_documents(app, save):
    page = save("Friperie", "# Friperie\n\nDes vêtements.\n").page
    ix = whoosh_index.open_dir(str(IndexStore(app.config["SEARCH_INDEX_DIR"]).current_path()))
    with ix.writer() as writer:
        writer.update_document(
            id=str(page.id), slug=page.slug, title="Ancien titre", fingerprint="old", body="ancien"
        )
        writer.add_document(id="9999", slug="disparue", title="Page disparue", fingerprint="x")
    drift = index.check(index.target_for(app), fix=True)
    assert (drift.missing, drift.stale, drift.extra) == ([], [page.id], [9999])
    assert index.check(index.target_for(app), fix=False).clean
    assert titles("disparue") == [] and titles("vetement") == ["Friperie"]


def _save_in_another_process(data_dir, prefix, barrier, errors):
    try:
        app = make_app(data_dir)
        with app.app_context():
            author = db.session.scalar(select(User))
            barrier.wait(timeout=30)
            for n in range(6):
                title = f"{prefix} numéro {n}"
                service.save_page(
                    slug=None,
                    title=title,
                    author=author,
                    text=f"# {title}\n\nCompost partagé {prefix.lower()}.\n",
                )
            db.engine.dispose()
    except BaseException as error:  # reported to the parent, which asserts there is none
        errors.put(f"{prefix}: {error!r}")


def test_two_processes_saving_at_once_both_succeed_and_stay_findable(app, user, tmp_path):
    db.session.remove()
    db.engine.dispose()
    context = multiprocessing.get_context("fork")
    barrier, errors = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_save_in_another_process, args=(tmp_path, prefix, barrier, errors))
        for prefix in ("Amont", "Aval")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    problems = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert problems == []
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert query.search("compost amont").complete == 6  # pages with both words
    assert query.search("compost aval").complete == 6
    assert db.session.scalars(select(IndexQueue)).all() == []
    assert index.check(index.target_for(app), fix=False).clean


def _older_schema_index(directory, pages):
    """A live generation as built before the catch-all "content" field (schema version 1)."""
    from whoosh.fields import ID, STORED, TEXT, Schema

    from wiki.search.analysis import french_analyzer

    store = IndexStore(directory)
    path = store.directory / "gen-00000000T000000-old"
    path.mkdir(parents=True)
    schema = Schema(
        id=ID(stored=True, unique=True),
        slug=STORED(),
        fingerprint=STORED(),
        title=TEXT(analyzer=french_analyzer(), stored=True),
        body=TEXT(analyzer=french_analyzer(), stored=True),
    )
    ix = whoosh_index.create_in(str(path), schema)
    with ix.writer() as writer:
        for page in pages:
            writer.add_document(
                id=str(page.id), slug=page.slug, title=page.title, fingerprint="old", body="ancien"
            )
    store.swap(path)
    return store, path


def test_a_save_into_an_index_of_an_older_schema_refills_a_new_one(app, save):
    from wiki.search.store import forget_readers

    friperie = save("Friperie", "# Friperie\n\nDes vêtements.\n").page
    store, old = _older_schema_index(app.config["SEARCH_INDEX_DIR"], [friperie])
    forget_readers()
    save("Recyclerie", "# Recyclerie\n\nDes meubles.\n")
    assert store.current_path() != old and not store.requeue_pending()
    assert titles("vetement") == ["Friperie"] and titles("meuble") == ["Recyclerie"]
    assert db.session.scalars(select(IndexQueue)).all() == []
    assert index.check(index.target_for(app), fix=False).clean


def test_a_search_on_an_index_of_an_older_schema_refills_it(app, save):
    from wiki.search.store import forget_readers

    friperie = save("Friperie", "# Friperie\n\nDes vêtements.\n").page
    _older_schema_index(app.config["SEARCH_INDEX_DIR"], [friperie])
    forget_readers()
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    query.search("vetement")  # no error: the old index is set aside, every page re-queued
    assert not store.requeue_pending()  # and indexed by the drain the search asked for
    assert titles("vetement") == ["Friperie"]
    assert db.session.scalars(select(IndexQueue)).all() == []


def test_reindex_after_an_index_of_an_older_schema_leaves_nothing_to_requeue(app, save):
    friperie = save("Friperie", "# Friperie\n\nDes vêtements.\n").page
    store, old = _older_schema_index(app.config["SEARCH_INDEX_DIR"], [friperie])
    assert store.current_path() != old and store.requeue_pending()
    assert index.rebuild(index.target_for(app)) == 1
    assert not store.requeue_pending()
    assert titles("vetement") == ["Friperie"]


def test_check_on_an_index_of_an_older_schema_refills_it_once(app, save):
    friperie = save("Friperie", "# Friperie\n\nDes vêtements.\n").page
    store, old = _older_schema_index(app.config["SEARCH_INDEX_DIR"], [friperie])
    drift = index.check(index.target_for(app), fix=True)
    assert drift.missing == [friperie.id] and store.current_path() != old
    assert not store.requeue_pending()
    assert db.session.scalars(select(IndexQueue)).all() == []
    assert titles("vetement") == ["Friperie"]


def test_a_save_during_a_rebuild_is_in_the_rebuilt_index(app, save):
    # The save is indexed at once into the index being replaced (its queue row then goes):
    # the rebuild, which read the page before, must write it again after the swap.
    pages = [
        save(f"Ressourcerie n° {i}", f"# Ressourcerie\n\nDes meubles n° {i}.\n") for i in (1, 2)
    ]
    first = pages[0].page

    def a_save_meanwhile(_done):
        save(None, "# Ressourcerie\n\nDes vélos désormais.\n", slug=first.slug)

    assert index.rebuild(index.target_for(app), progress=a_save_meanwhile) == 2

    assert titles("velo") == ["Ressourcerie n° 1"]
    assert titles("meuble") == ["Ressourcerie n° 2"]
    assert index.check(index.target_for(app), fix=False).clean
