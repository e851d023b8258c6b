"""The index never goes back to an older revision of a page."""

from __future__ import annotations

import threading
import time

from whoosh import index as whoosh_index

from wiki.pages import service
from wiki.search import index, query
from wiki.search.store import IndexStore


def titles(q):
    return sorted(hit.title for hit in query.search(q).hits)


def test_a_writer_that_waited_for_the_lock_writes_the_newest_revision_not_the_one_it_was_asked(
    app, user
):
    page = service.save_page(
        slug=None,
        title="Ressourcerie",
        text="# Ressourcerie\n\nRéemploi des meubles.\n",
        author=user,
    ).page
    app.config["SEARCH_INDEXING"] = "off"  # the saves below leave their page in the queue
    service.save_page(
        slug=page.slug,
        title=None,
        text="# Ressourcerie\n\nRéemploi des armoires.\n",
        author=user,
        base_id=page.current_id,
    )
    target = index.target_for(app)
    # Another process holds the index's lock; a worker starts draining the queue meanwhile.
    ix = whoosh_index.open_dir(str(IndexStore(target.directory).current_path()))
    holder = ix.writer()
    worker = threading.Thread(target=index.drain, args=(target,))
    worker.start()
    time.sleep(0.5)  # the worker is waiting for the lock
    service.save_page(
        slug=page.slug,
        title=None,
        text="# Ressourcerie\n\nRéemploi des vélos.\n",
        author=user,
        base_id=None,
    )
    holder.cancel()
    worker.join(timeout=30)

    assert titles("velo") == ["Ressourcerie"]
    assert titles("armoire") == [] and titles("meuble") == []
    drift = index.check(target, fix=False)
    assert drift.clean, drift
