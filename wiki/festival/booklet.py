"""Booklets: a selection of experiences as one PDF for a festival.

A selection comes from a search, a theme, a territory, a tag or the visitor's basket. What cannot
be printed is set aside and said (a page deleted since it was put in the basket, a page hidden by
moderators). The PDF has a cover (festival name and date), a table of contents, one page per
experience with its QR code, and an index by theme and by territory. Each part is laid out on its
own, then the pages are put together: progress can be followed page by page, and the page numbers
of the contents and index are known exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import current_app, render_template
from sqlalchemy import func, or_, select

from wiki.extensions import db
from wiki.festival import sheets
from wiki.festival.pdf import document, fit_on_one_page
from wiki.models import Page, PageTag, PageTheme

PAGE_CSS = "@page { size: A5; margin: 10mm 11mm }"
BASKET_LIMIT = 1000  # ids kept in a visitor's basket


def is_public(page: Page) -> bool:
    """False for a page moderators hid or deleted (its current text hidden, or not public)."""
    if not getattr(page, "public", True):
        return False
    return page.current is not None and not page.current.hidden


@dataclass
class Selection:
    pages: list[Page] = field(default_factory=list)
    missing: int = 0  # ids of the basket that lead nowhere any more
    hidden: list[str] = field(default_factory=list)  # titles left out: hidden by moderators
    criteria: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.pages


@dataclass
class Criteria:
    q: str = ""
    theme: str = ""
    territory: str = ""
    tag: str = ""
    basket: bool = False

    @classmethod
    def from_args(cls, args) -> Criteria:
        def text(name: str) -> str:
            return " ".join((args.get(name) or "").split())[:200]

        return cls(
            q=text("q"),
            theme=text("theme"),
            territory=text("territory"),
            tag=text("tag"),
            basket=args.get("basket") in ("1", "on", "true"),
        )

    def as_args(self) -> dict[str, str]:
        values = {k: v for k, v in vars(self).items() if v and k != "basket"}
        if self.basket:
            values["basket"] = "1"
        return values

    @property
    def given(self) -> bool:
        return bool(self.as_args())


def select_pages(criteria: Criteria, basket_ids: Iterable[int] = ()) -> Selection:
    """Pages matching every criterion given (a basket alone, or a search narrowed by a theme…)."""
    statement = select(Page).where(Page.current_id.is_not(None))
    order: list[int] | None = None
    missing = 0
    if criteria.basket:
        ids = [int(i) for i in basket_ids]
        found = set(db.session.scalars(select(Page.id).where(Page.id.in_(ids)))) if ids else set()
        missing = len([i for i in ids if i not in found])
        statement = statement.where(Page.id.in_(found))
        order = [i for i in ids if i in found]
    if criteria.theme:
        theme = sheets_theme_slug(criteria.theme)
        statement = statement.where(
            Page.id.in_(select(PageTheme.page_id).where(PageTheme.theme == theme))
        )
    if criteria.tag:
        tag = criteria.tag.lower()
        statement = statement.where(
            Page.id.in_(select(PageTag.page_id).where(func.lower(PageTag.tag) == tag))
        )
    if criteria.territory:
        value = criteria.territory
        statement = statement.where(
            or_(Page.insee == value, func.lower(Page.territory) == value.lower())
        )
    if criteria.q:
        slugs = search_slugs(criteria.q)
        statement = statement.where(Page.slug.in_(slugs))
        if order is None:
            order = slugs  # relevance order
    if not criteria.basket and not criteria.q:
        statement = statement.where(Page.type == "experience")
    pages = list(db.session.scalars(statement))
    if order is not None:
        rank = {key: n for n, key in enumerate(order)}
        pages.sort(key=lambda p: rank.get(p.id if criteria.basket else p.slug, len(rank)))
    else:
        pages.sort(key=lambda p: p.title.casefold())
    shown = [p for p in pages if is_public(p)]
    hidden = [p.title for p in pages if not is_public(p)]
    return Selection(shown, missing, hidden, criteria.as_args())


def search_slugs(q: str) -> list[str]:
    from wiki.search import query as search_query

    limit = int(current_app.config.get("BOOKLET_MAX_PAGES", 300)) + 1
    slugs = []
    for hit in search_query.export(q, {}):
        slugs.append(hit.slug)
        if len(slugs) > limit * 4:
            break
    return slugs


def sheets_theme_slug(value: str) -> str:
    from slugify import slugify

    return slugify(value)


# --- The PDF -----------------------------------------------------------------------------------


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

    total = len(pages) + 3
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
    for page, number in entries:
        laid_out, _budget = fit_on_one_page(
            lambda budget, page=page, number=number: _sheet_html(page, budget, info, number),
            app=app,
            page_css=PAGE_CSS,
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
    all_pages = [p for part in parts for p in part.pages]
    pdf = cover.copy(all_pages).write_pdf()
    progress(total, total)
    return pdf


def page_count(pages: list[Page]) -> int:
    return len(pages) + 3  # at least: cover, contents, index


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
