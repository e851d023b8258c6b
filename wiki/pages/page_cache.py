"""Page views of anonymous readers, kept rendered for a few seconds ("micro-cache").

A festival's QR code sends hundreds of phones to one page within minutes, and most readers of a
public wiki are not signed in. What they see depends on the page's current revision (part of
the key: an edit shows at once) and, for a few seconds at most (ESSAIM_PAGE_CACHE_SECONDS), on
other pages (backlinks, links turning blue, inspirations) and on the discussion's count.

Only what is the same for every anonymous reader is kept: a signed-in person, a visitor with a
booklet basket or a message to show, and any query string get a fresh rendering. The one
per-visitor value of the page, the CSRF token of its small forms, is put back at every answer.
Each process keeps its own copy (bounded in pages and bytes); a page removed by a moderator is
refused before the cache is asked (the page row is read at every view).
"""

from __future__ import annotations

import time

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from wiki.lru import LRU
from wiki.models import Page

# Stands for the reader's CSRF token in a kept page. The token is a long random string (no
# page contains it by chance); the placeholder holds NUL characters, which the renderer
# removes from every text, so no page can contain it either.
_PLACEHOLDER = "\x00essaim-csrf\x00"
_PAGES = LRU(1024, max_weight=48 * 1024 * 1024)


def _usable() -> bool:
    seconds = current_app.config.get("PAGE_CACHE_SECONDS", 0)
    return bool(
        seconds > 0
        and not current_user.is_authenticated
        and not request.args
        and not session.get("basket")
        and not session.get("_flashes")
    )


def _key(page: Page) -> tuple:
    revision = page.current
    return (
        page.id,
        page.slug,
        page.current_id,
        page.updated_at,
        revision.hidden if revision is not None else None,
        str(get_locale()),
        request.host_url,
    )


def view(page: Page, render) -> str:
    """The page's HTML for this reader: kept, or `render()` now (and kept when it may be)."""
    if not _usable():
        return render()
    token = generate_csrf()
    key = _key(page)
    kept = _PAGES.get(key)
    if kept is not None and time.monotonic() - kept[0] < current_app.config["PAGE_CACHE_SECONDS"]:
        return kept[1].replace(_PLACEHOLDER, token)
    html = render()
    _PAGES.put(key, (time.monotonic(), html.replace(token, _PLACEHOLDER)), weight=len(html))
    return html


def clear() -> None:
    """Forget every kept page (tests)."""
    _PAGES.clear()
