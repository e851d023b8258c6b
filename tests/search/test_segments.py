"""The index keeps a bounded number of segments on every path, and commands index before exiting."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select
from whoosh import index as whoosh_index

from tests.conftest import make_app
from wiki.extensions import db
from wiki.models import IndexQueue, Page
from wiki.pages import service
from wiki.search import engine, index
from wiki.search.document import load_pages, page_document
from wiki.search.store import IndexStore

MOST_SEGMENTS = index.MAX_SEGMENTS + 1  # the README's "at most nine segments"


def segment_count(directory) -> int:
    return engine.segment_count(whoosh_index.open_dir(str(IndexStore(directory).current_path())))


def test_a_thousand_commits_as_saves_make_them_leave_at_most_nine_segments(tmp_path):
    # One commit per save, with the policy every index commit uses, and no tidy-up merge in
    # between (the worker's gives way when another process holds the lock): before, this left
    # one segment per save, ~170 after 500 saves, and "Too many open files" for searches.
    store = IndexStore(tmp_path / "search")
    ix = store.open()
    most = 0
    for save in range(1000):
        writer = index.open_writer(ix, 10)
        writer.update_document(id=str(save % 40), title=f"Jardin partagé, version {save}")
        writer.commit(mergetype=engine.merge_bounded)
        most = max(most, engine.segment_count(ix))  # read from the index's table of contents

    assert most <= MOST_SEGMENTS
    with store.open().searcher() as searcher:
        assert searcher.doc_count() == 40
        titles = {fields["id"]: fields["title"] for fields in searcher.all_stored_fields()}
    assert titles["39"] == "Jardin partagé, version 999"


def test_saves_through_the_queue_stay_searchable_and_within_nine_segments(app, user):
    pages = [
        service.save_page(
            slug=None,
            title=f"Jardin partagé n° {i}",
            text=f"# Jardin {i}\n\nVersion 0.",
            author=user,
        ).page
        for i in range(10)
    ]
    for version in range(1, 41):
        page = pages[version % len(pages)]
        service.save_page(
            slug=page.slug, title=None, text=f"# Jardin\n\nVersion {version}.", author=user
        )
        assert segment_count(app.config["SEARCH_INDEX_DIR"]) <= MOST_SEGMENTS

    drift = index.check(index.target_for(app), fix=False)
    assert drift.clean and drift.queued == 0, drift


def essaim(data_dir, *args, indexing="thread"):
    env = {
        **os.environ,
        "ESSAIM_DATA_DIR": str(data_dir),
        "ESSAIM_SECRET_KEY": "segments",
        "ESSAIM_SEARCH_INDEXING": indexing,
    }
    env.pop("ESSAIM_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "from wiki.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_essaim_import_indexes_every_page_before_it_exits_in_few_segments(tmp_path):
    data_dir = tmp_path / "data"
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(120):
        (folder / f"experience-{i:03d}.md").write_text(
            f"# Ressourcerie n° {i} de Gâtine\n\nRéemploi des meubles et des vélos.\n", "utf-8"
        )
    essaim(data_dir, "db", "upgrade")

    output = essaim(data_dir, "import", str(folder))

    assert "120 created" in output
    app = make_app(data_dir, SEARCH_INDEXING="off")
    with app.app_context():
        drift = index.check(index.target_for(app), fix=False)
        assert drift.clean and not drift.missing, drift
        assert db.session.scalar(select(func.count()).select_from(IndexQueue)) == 0
        assert segment_count(app.config["SEARCH_INDEX_DIR"]) <= MOST_SEGMENTS
        db.engine.dispose()


# -- a host following the change log: how its segments merge ---------------------------------------

THINGS = ["vélos", "meubles", "livres", "jouets", "outils", "vêtements", "graines", "vaisselle"]


def follow_all(target) -> None:
    while index.follow(target):
        pass


def held_revisions(target) -> dict[int, int]:
    ix = whoosh_index.open_dir(str(target.store.current_path()))
    with ix.searcher() as searcher:
        return {int(f["id"]): f["revision"] for f in searcher.all_stored_fields()}


def found(q: str, directory) -> list[tuple[str, float]]:
    """The pages a search finds, best first, with their scores (as the search page ranks)."""
    from wiki.search.query import parse, searcher, understand

    with searcher(str(directory)) as s:
        parsed, _notices = parse(understand(q), s.schema)
        docs = engine.match(s, parsed)
        ranked = engine.top(s, parsed, docs, 200)
        return [(s.stored_fields(d)["slug"], round(score, 6)) for score, d in ranked]


def test_a_host_following_a_burst_of_500_saves_stays_within_nine_segments_missing_none(
    app, user, tmp_path
):
    app.config["SEARCH_INDEXING"] = "off"  # this host's own index is not the point here
    b = index.Target(engine=db.engine, directory=str(tmp_path / "host-b" / "search"))
    pages = [
        service.save_page(
            slug=None, title=f"Ressourcerie n° {i}", text="# Ressourcerie\n\nRéemploi.", author=user
        ).page
        for i in range(25)
    ]
    follow_all(b)
    most = 0
    for n in range(500):
        page = pages[n % len(pages)]
        text = f"# Ressourcerie\n\nRéemploi des {THINGS[n % len(THINGS)]}, passage {n}."
        service.save_page(slug=page.slug, title=None, text=text, author=user)
        follow_all(b)  # one commit per change, as a host following saves one at a time
        most = max(most, segment_count(b.directory))

    assert most <= MOST_SEGMENTS
    db.session.expire_all()
    assert held_revisions(b) == {page.id: page.current_id for page in pages}  # none older
    # Page i was last saved at n = 475 + i, about THINGS[(475 + i) % 8]: "jouets" for i % 8 == 0.
    assert {slug for slug, _ in found("jouets", b.directory)} == {
        pages[i].slug for i in (0, 8, 16, 24)
    }


def test_merges_along_the_way_change_no_search_result(app, user, tmp_path):
    app.config["SEARCH_INDEXING"] = "off"
    b = index.Target(engine=db.engine, directory=str(tmp_path / "host-b" / "search"))
    for i in range(120):
        things = " ".join(THINGS[(i + k) % len(THINGS)] for k in range(1 + i % 11))
        text = f"# Atelier de réparation\n\nRéparer {things}.{' Réemploi.' * (i % 5)}"
        service.save_page(slug=None, title=f"Atelier n° {i}", text=text, author=user)
        follow_all(b)  # 120 commits of one page: the small segments merge as they come
    fresh = IndexStore(tmp_path / "fresh" / "search")
    writer = fresh.open().writer()  # every page in one segment, nothing merged
    for page in load_pages(db.session, [page.id for page in db.session.scalars(select(Page))]):
        writer.add_document(**page_document(page))
    writer.commit()

    assert segment_count(b.directory) > 1
    assert segment_count(fresh.directory) == 1
    for q in ["vélos", "meubles livres", "réparation", "graines OR vaisselle", "réemploi -outils"]:
        followed, built = found(q, b.directory), found(q, tmp_path / "fresh" / "search")
        assert followed, q
        # The same pages with the same scores (pages of equal score may come in either order).
        assert {slug for slug, _ in followed} == {slug for slug, _ in built}, q
        # The same ranking, up to pages of equal score (which come in either order). Scores
        # themselves move a little: Whoosh keeps field lengths as one byte, and a merge sums
        # those rounded lengths into the average length.
        score = dict(built)
        ranks = [score[slug] for slug, _ in followed]
        assert ranks == sorted(ranks, reverse=True), q


def test_saves_committed_while_the_tidy_up_merges_are_kept(tmp_path, monkeypatch):
    # The tidy-up builds its merged segment without the index's lock; a save that commits
    # meanwhile replaces one of the pages being merged and removes another.
    from whoosh import writing

    from wiki.search.engine import segments

    store = IndexStore(tmp_path / "search")
    ix = store.open()
    for page in range(12):
        writer = index.open_writer(ix, 10)
        writer.update_document(id=str(page), title=f"Jardin partagé n° {page}")
        writer.commit(mergetype=writing.NO_MERGE)  # 12 segments: above the bound
    real_open_writer = segments.open_writer

    def a_save_commits_first(ix, timeout, **options):
        writer = real_open_writer(ix, 10)
        writer.update_document(id="11", title="Jardin partagé n° 11, agrandi")
        writer.delete_by_term("id", "10")
        writer.commit(mergetype=writing.NO_MERGE)
        return real_open_writer(ix, timeout, **options)

    monkeypatch.setattr(segments, "open_writer", a_save_commits_first)

    assert segments.merge_small_segments(ix, 5)

    assert segment_count(tmp_path / "search") <= MOST_SEGMENTS
    with store.open().searcher() as searcher:
        titles = sorted(fields["title"] for fields in searcher.all_stored_fields())
    assert titles == sorted(
        [f"Jardin partagé n° {page}" for page in range(10)] + ["Jardin partagé n° 11, agrandi"]
    )


def test_a_tidy_up_cut_short_leaves_no_files_behind_after_the_next_one(tmp_path):
    from whoosh import writing

    store = IndexStore(tmp_path / "search")
    ix = store.open()
    left = store.current_path() / ".merging-0123456789abcdef"  # a process stopped mid-merge
    left.mkdir()
    (left / "MAIN_abc.pst").write_bytes(b"\0" * 4096)
    for page in range(10):
        writer = index.open_writer(ix, 10)
        writer.add_document(id=str(page), title=f"Verger n° {page}")
        writer.commit(mergetype=writing.NO_MERGE)

    assert engine.merge_small_segments(ix, 5)

    assert not left.exists()
    assert not list(store.current_path().glob(".merging-*"))
    with store.open().searcher() as searcher:
        assert searcher.doc_count() == 10
