"""The index survives code that seeds Python's `random` module between two saves."""

from __future__ import annotations

import random

from whoosh import index as whoosh_index

from wiki.pages.service import save_page
from wiki.search import index, query


def test_saves_after_random_seed_keep_the_index_readable_and_every_page_found(app, user):
    titles = ["Cantine bio à Mouans", "Verger partagé de Loos", "Ressourcerie de Lyon"]
    for title in titles:
        random.seed(2026)  # as Hypothesis does before each example, or a library might
        save_page(slug=None, title=title, text=f"# {title}\n\nUne expérience.", author=user)

    # A fresh reader of the files on disk reads every stored document and column.
    ix = whoosh_index.open_dir(str(index.target_for(app).store.current_path()))
    with ix.reader() as reader:
        stored = {fields["title"] for fields in reader.all_stored_fields()}
        for name in reader.schema.names():
            if reader.has_column(name):
                list(reader.column_reader(name))
    assert stored == set(titles)
    assert sorted(hit.title for hit in query.search("expérience").hits) == sorted(titles)
    assert index.check(index.target_for(app), fix=False).clean
