"""Page views of anonymous readers, kept rendered for a few seconds ("micro-cache").

A festival's QR code sends hundreds of phones to one page within minutes, and most readers of a
public wiki are not signed in. What they see depends on the page's current revision (part of
the key: an edit shows at once) and, for a few seconds at most (ESSAIM_PAGE_CACHE_SECONDS), on
other pages (backlinks, links turning blue, inspirations) and on the discussion's count.

Only what is the same for every anonymous reader is kept: a signed-in person, a visitor with a
booklet basket or a message to show, and any query string get a fresh rendering. The one
per-visitor value of the page, the CSRF token of its small forms, is put back at every answer.
A page removed by a moderator is refused before the cache is asked: every view reads the page
row's key fields (one light query, without the text: kept()) and renders, redirects or refuses
through the view's usual path when nothing fresh is kept.

The kept pages are files (cachelib's FileSystemCache, in PAGE_CACHE_DIR, by default
<data dir>/cache/pages, at most PAGE_CACHE_FILES of them), shared by every worker process of
the host: with one copy per process, a page read once per worker within the delay was rendered
by each. bench/load.py's mix (150 views a second of 1,000 pages read alike, two workers) then
renders 60 % of the views; shared, 43 % (a simulation of that traffic). Reading one back costs
a tenth of a millisecond; a rendering, several. The cache is derived: deleting the folder loses
nothing.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time

from cachelib import FileSystemCache
from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select

from wiki.extensions import read_rows
from wiki.models import Page, Revision
from wiki.ops.metrics import PAGE_CACHE

# Stands for the reader's CSRF token in a kept page. The token is a long random string (no
# page contains it by chance); the placeholder holds NUL characters, which the renderer
# removes from every text, so no page can contain it either.
_PLACEHOLDER = "\x00essaim-csrf\x00"
SWEEP_EVERY = 200  # renderings, on average, between two sweeps of the folder
log = logging.getLogger(__name__)


def _store() -> FileSystemCache | None:
    """This application's kept pages; None if their folder cannot be made (said once)."""
    app = current_app._get_current_object()
    if "essaim_page_cache" not in app.extensions:
        directory = _directory()
        try:
            # threshold=0: cachelib keeps no count file. Its count (read twice and rewritten
            # at each new page kept, by every process) made a rendering's set() cost 0.73 ms
            # instead of 0.13 ms; _sweep() bounds the folder instead.
            store = FileSystemCache(directory, threshold=0)
        except OSError as error:
            log.warning("No page cache: %s cannot be made (%s).", directory, error)
            store = None
        app.extensions["essaim_page_cache"] = store
    return app.extensions["essaim_page_cache"]


def _directory() -> str:
    config = current_app.config
    return str(config.get("PAGE_CACHE_DIR") or os.path.join(config["DATA_DIR"], "cache", "pages"))


def _usable() -> bool:
    seconds = current_app.config.get("PAGE_CACHE_SECONDS", 0)
    return bool(
        seconds > 0
        and not current_user.is_authenticated
        and not request.args
        and not session.get("basket")
        and not session.get("_flashes")
    )


def _key(page_id, slug, current_id, updated_at, hidden) -> str:
    language, host = str(get_locale()), request.host_url
    return repr((page_id, slug, current_id, updated_at, hidden, language, host))


# What the key needs, without loading the page and its text (kept()): a page kept in the cache
# is answered with this one light query.
_KEY_BY_SLUG = (
    select(Page.id, Page.slug, Page.current_id, Page.updated_at, Revision.hidden, Page.public)
    .outerjoin(Revision, Revision.id == Page.current_id)
    .where(Page.slug == bindparam("slug"))
)


def kept(slug: str) -> str | None:
    """The page at `slug` as kept for this reader; None: it must be rendered (or refused,
    redirected, said missing) as usual, by the view, which then calls view()."""
    if not _usable():
        return None
    row = read_rows(_KEY_BY_SLUG, {"slug": slug}).first()
    store = _store()
    if row is None or not row.public or store is None:
        return None
    html = _fresh(store, _key(*row[:5]))
    if html is not None:
        PAGE_CACHE.labels("kept").inc()
    return html


def _fresh(store: FileSystemCache, key: str) -> str | None:
    kept = store.get(key)  # None when absent, expired or unreadable: rendered again
    if kept is not None and 0 <= time.time() - kept[0] < current_app.config["PAGE_CACHE_SECONDS"]:
        return kept[1].replace(_PLACEHOLDER, generate_csrf())
    return None


def view(page: Page, render) -> str:
    """`render()` the page now, and keep it when it may be. The view asked kept() first: the
    kept copy, if any, was stale or absent (not read a second time here)."""
    store = _store() if _usable() else None
    if store is None:
        return render()
    revision = page.current
    hidden = revision.hidden if revision is not None else None
    key = _key(page.id, page.slug, page.current_id, page.updated_at, hidden)
    html = render()
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    # cachelib counts whole seconds; the age in _fresh() is what bounds what readers see.
    kept = html.replace(generate_csrf(), _PLACEHOLDER)
    store.set(key, (time.time(), kept), timeout=math.ceil(seconds) + 1)
    PAGE_CACHE.labels("rendered").inc()
    if random.random() < 1 / SWEEP_EVERY:
        _sweep(_directory(), seconds, int(current_app.config.get("PAGE_CACHE_FILES", 2048)))
    return html


def _sweep(directory: str, seconds: float, most: int) -> int:
    """Delete the kept pages past their delay, then the oldest beyond `most` files; return how
    many were deleted. Run by one rendering in SWEEP_EVERY (about 2 ms for 2,000 files), by
    whichever process: a file another one deleted first is simply gone."""
    now, files = time.time(), []
    with os.scandir(directory) as entries:
        for entry in entries:
            try:
                files.append((entry.stat().st_mtime, entry.path))
            except FileNotFoundError:
                continue
    files.sort()
    old = [path for mtime, path in files if now - mtime > seconds + 1]
    doomed = old + [path for _mtime, path in files[len(old) : max(len(files) - most, len(old))]]
    deleted = 0
    for path in doomed:
        try:
            os.remove(path)
            deleted += 1
        except FileNotFoundError:
            pass
    return deleted
