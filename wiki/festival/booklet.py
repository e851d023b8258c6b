"""Booklets: a selection of experiences as one PDF for a festival.

The pages come from wiki.festival.contents (a selection, a territory, a tag or the visitor's
basket; what cannot be printed is set aside and said there). The PDF has a cover (festival name
and date), a table of contents, one page per experience with its QR code, and an index by theme
and by territory, pages for notes up to a multiple of 4 pages (folded A4 sheets), and a back
cover with the wiki's address and its QR code. Each part is laid out on its own, then the pages
are put together: progress can be followed page by page, and the page numbers of the contents
and index are known exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template, url_for

from wiki.festival import qr, sheets
from wiki.festival.pdf import document, fit_on_one_page
from wiki.models import Page

PAGE_CSS = "@page { size: A5; margin: 9mm 10mm 11mm }"  # the page number in the bottom margin
# A booklet is printed on A4 sheets folded in two, 4 pages a sheet: pages for notes before the
# back cover make the count a multiple of 4 (print it with "booklet" in the print dialog).
FOLD = 4
BASKET_LIMIT = 1000  # ids kept in a visitor's basket


@dataclass
class BookletInfo:
    festival: str
    date: str


def build(
    pages: list[Page],
    info: BookletInfo,
    progress: Callable[[int, int], None] = lambda done, total: None,
    app=None,
) -> bytes:
    """The booklet as PDF bytes; `progress(done, total)` is called after each part laid out."""
    from wiki.labels import theme_label

    total = part_count(len(pages))
    cover = _render("festival/booklet_cover.html", info=info, count=len(pages), app=app)
    progress(1, total)
    # Numbers: cover 1, contents from 2, then one page per experience, then the index.
    toc_pages = 1
    for _attempt in range(3):
        first = 2 + toc_pages
        entries = [(page, first + n) for n, page in enumerate(pages)]
        toc = _render("festival/booklet_toc.html", entries=entries, info=info, app=app)
        if len(toc.pages) == toc_pages:
            break
        toc_pages = len(toc.pages)
    progress(2, total)
    body = []
    budget = 1.0  # each page starts from the budget of the one before: about two layouts each
    for page, number in entries:
        laid_out, budget = fit_on_one_page(
            lambda budget, page=page, number=number: _sheet_html(page, budget, info, number),
            app=app,
            page_css=PAGE_CSS,
            start=budget,
        )
        body.append(laid_out)
        progress(len(body) + 2, total)
    by_theme, by_territory = defaultdict(list), defaultdict(list)
    for page, number in entries:
        for theme in page.themes:
            by_theme[theme_label(theme.theme)].append((page.title, number))
        by_territory[page.territory or "—"].append((page.title, number))
    index = _render(
        "festival/booklet_index.html",
        by_theme=sorted(by_theme.items(), key=lambda kv: kv[0].casefold()),
        by_territory=sorted(by_territory.items(), key=lambda kv: kv[0].casefold()),
        info=info,
        app=app,
    )
    parts = [cover, toc, *body, index]
    so_far = sum(len(part.pages) for part in parts) + 1  # and the back cover
    site = url_for("pages.home", _external=True)
    back = _render(
        "festival/booklet_back.html",
        info=info,
        notes=-so_far % FOLD,
        qr_svg=qr.inline_svg(site),
        site=qr.label(site),
        app=app,
    )
    parts.append(back)
    progress(total - 1, total)
    all_pages = [p for part in parts for p in part.pages]
    pdf = cover.copy(all_pages).write_pdf()
    progress(total, total)
    return pdf


def part_count(experiences: int) -> int:
    """How many parts a booklet is laid out in, for its progress: cover, contents, one sheet
    per experience, index, back cover."""
    return experiences + 4


def _sheet_html(page: Page, budget: float, info: BookletInfo, number: int) -> str:
    sheet = sheets.build(page, "booklet", budget)
    return render_template(
        "festival/booklet_sheet.html",
        sheet=sheet,
        festival_name=info.festival,
        info=info,
        number=number,
    )


def _render(template: str, app=None, **context):
    return document(render_template(template, **context), app=app, page_css=PAGE_CSS)
