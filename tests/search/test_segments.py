"""The index keeps a bounded number of segments on every path, and commands index before exiting."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select
from whoosh import index as whoosh_index

from tests.conftest import make_app
from wiki.extensions import db
from wiki.models import IndexQueue
from wiki.pages import service
from wiki.search import engine, index
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
