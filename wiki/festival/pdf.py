"""HTML + CSS to PDF with WeasyPrint, fetching only what the wiki itself serves.

Pages may contain images from anywhere; a PDF is made on the server, which must not be turned
into a way to reach other machines (and, on a stand without network, must not hang on them).
The fetcher answers `data:` URLs, the wiki's static files, and the wiki's own URLs (through the
application, without a socket); anything else is refused and WeasyPrint leaves it out.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

# WeasyPrint reports every refused image and unknown CSS property at WARNING level.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class ResourceRefused(Exception):
    pass


def _weasyprint_imported() -> None:
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when first
    imported: put it back, so that an upload cut off in transit is still refused as incomplete
    (tests/files/test_bad_input.py). The photos a sheet embeds were checked at upload."""
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False


# Relative URLs of the documents resolve against this made-up origin, answered by the app.
LOCAL_BASE = "https://essaim.invalid/"


def local_fetcher(app=None):
    """A WeasyPrint URL fetcher that reaches the wiki only, never the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    _weasyprint_imported()

    app = app or current_app._get_current_object()
    public = app.config.get("PUBLIC_URL") or ""

    static_dir = Path(app.static_folder)

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            path = parts.path
            if url.startswith(LOCAL_BASE):
                pass
            elif public and url.startswith(public + "/"):
                path = urlsplit(url[len(public) :]).path
            else:
                raise ResourceRefused(url)
            if path.startswith("/static/"):
                file = (static_dir / path[len("/static/") :]).resolve()
                if static_dir.resolve() not in file.parents or not file.is_file():
                    raise ResourceRefused(url)
                mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})
            response = app.test_client().get(path, query_string=parts.query or None)
            if response.status_code != 200:
                raise ResourceRefused(url)
            return URLFetcherResponse(
                url, response.get_data(), {"Content-Type": response.content_type}
            )

    return LocalFetcher(allowed_protocols=("data", "http", "https"))


def document(html: str, base_url: str = LOCAL_BASE, app=None, page_css: str | None = None):
    """The laid-out document (its `pages` can be counted before writing anything)."""
    from weasyprint import CSS, HTML

    _weasyprint_imported()

    fetcher = local_fetcher(app)
    extra = [CSS(string=page_css, url_fetcher=fetcher)] if page_css else []
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=extra)


def html_to_pdf(html: str, title: str | None = None, app=None) -> bytes:
    return document(html, app=app).write_pdf()


# Shares of the text a sheet may keep, largest first (above 1.0: a roomy sheet of a long page
# shows more than the format's usual lengths). The search below lays out few of them: coarse
# steps down (every other one), then the one between; up one step at a time from a hint.
BUDGETS = (1.3, 1.15, 1.0, 0.9, 0.8, 0.725, 0.65, 0.575, 0.5, 0.425, 0.35, 0.275, 0.2)


def fit_on_one_page(
    render: Callable[[float], str], app=None, page_css: str | None = None, start: float = 1.0
):
    """Lay out `render(budget)` with the largest text budget that fits on one page.

    `render` receives a share of the full text to keep. From `start` (1.0, or the budget the
    previous page of a booklet needed: neighbours need about the same), the search goes down
    two steps at a time while it overflows, then tries the step between; when `start` fits
    at once it goes up one step at a time. A sheet cut a step too far leaves a band of white
    paper; each layout costs about a second, and a budget that gives the same HTML as one
    already laid out (a short page: nothing more to show) is not laid out again. If even the
    smallest budget overflows, its first page is kept, so the answer is always one page.
    Returns (document, budget used).
    """
    laid: dict[int, object] = {}
    by_html: dict[str, object] = {}

    def fits(index: int) -> bool:
        if index not in laid:
            html = render(BUDGETS[index])
            if html not in by_html:
                by_html[html] = document(html, app=app, page_css=page_css)
            laid[index] = by_html[html]
        return len(laid[index].pages) <= 1

    first = min(range(len(BUDGETS)), key=lambda i: abs(BUDGETS[i] - start))
    if fits(first):
        best = first
        while best > 0 and fits(best - 1):
            best -= 1
        return laid[best], BUDGETS[best]
    index = first
    while index < len(BUDGETS) - 1:
        index = min(index + 2, len(BUDGETS) - 1)
        if fits(index):
            best = index - 1 if index - 1 > first and fits(index - 1) else index
            return laid[best], BUDGETS[best]
    last = laid[len(BUDGETS) - 1]
    return last.copy(last.pages[:1]), BUDGETS[-1]


def pdf_bytes(laid_out) -> bytes:
    return laid_out.write_pdf()


def static_path(name: str) -> Path:
    return Path(current_app.static_folder) / name
