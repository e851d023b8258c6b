"""What a printed sheet of an experience says: the page's essentials, cut to a text budget.

A sheet (A4 fiche, A5 card, A3 poster, a booklet's page) must hold on one page whatever the
page's length. `build(page, budget)` keeps a share of each long part (the lead, the lists of
levers and obstacles, the contacts) and marks what it cut, so the sheet can say "suite en ligne"
with the short link. The layout engine then checks that it fits (wiki.festival.pdf).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3

from wiki.festival import qr
from wiki.models import Page
from wiki.public import short_link
from wiki.render import footnotes

FORMATS = {
    # name: (paper, lead characters, items per list, characters per item, contact lines, QR mm)
    "fiche": ("A4", 700, 5, 220, 4, 42),
    "card": ("A5", 260, 3, 120, 2, 34),
    "poster": ("A3", 420, 3, 140, 0, 150),
    "booklet": ("A5", 480, 4, 160, 3, 30),
}
_IMG = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"\balt=\"([^\"]*)\"", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+", re.MULTILINE)


@dataclass
class Cut:
    items: list[str] = field(default_factory=list)
    cut: bool = False

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Sheet:
    page: Page
    format: str
    paper: str
    title: str
    territory: str | None
    themes: list[str]
    status: str | None
    lead: Cut
    lead_text: str  # the lead as plain text (its note calls as written)
    levers: Cut
    obstacles: Cut
    replicate: Cut
    contacts: Cut
    notes: list[tuple[int, str]]  # footnotes the sheet cites: (number, text)
    photo: str | None
    photo_alt: str
    link: str
    link_text: str
    qr_svg: str
    qr_mm: int
    budget: float

    @property
    def cut(self) -> bool:
        parts = (self.lead, self.levers, self.obstacles, self.replicate, self.contacts)
        return any(part.cut for part in parts)


def plain(markdown_text: str) -> str:
    """Markdown → one line of plain text (links keep their label, wiki links their title)."""
    from wiki.render import render_markdown

    rendered = render_markdown(markdown_text, lambda title: ("#", True))
    text = nh3.clean(rendered.html.replace("</p>", " </p>").replace("<br>", " "), tags=set())
    return " ".join(html.unescape(text).split())


def _shorten(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = footnotes.trim_cut_call(text[: max(limit, 1)].rsplit(" ", 1)[0]).rstrip(" ,;:.–-")
    return f"{cut or text[:limit]}…", True


def _items_of(markdown_text: str) -> list[str]:
    """List items when the section is a list, else its paragraphs (without note texts)."""
    markdown_text = footnotes.without_definitions(markdown_text)
    if _LIST_ITEM.search(markdown_text):
        chunks = _LIST_ITEM.split(markdown_text)
        items = [c for c in chunks[1:] if c.strip()]
    else:
        items = [c for c in re.split(r"\n\s*\n", markdown_text) if c.strip()]
    return [p for p in (plain(i) for i in items) if p]


def _cut_list(items: list[str], count: int, length: int, cited: footnotes.Cited) -> Cut:
    kept = []
    cut = len(items) > count
    for item in items[: max(count, 0)]:
        text, shortened = _shorten(item, length)
        kept.append(cited.mark(text))
        cut = cut or shortened
    return Cut(kept, cut)


def build(page: Page, format: str = "fiche", budget: float = 1.0, shown=None) -> Sheet:
    from wiki.labels import theme_label, value_label
    from wiki.pages import display

    paper, lead_chars, per_list, per_item, contact_lines, qr_mm = FORMATS[format]
    shown = shown or display.show(page.current.text)
    metadata, sections = shown.metadata, shown.sections
    texts = sections.texts

    def scaled(value: int, floor: int = 0) -> int:
        return max(floor, round(value * budget))

    lead_source = texts.get("context") or _first_paragraph(page.current.text)
    lead_text = " ".join(_items_of(lead_source)) if lead_source else ""
    lead, lead_cut = _shorten(lead_text, scaled(lead_chars, 80))
    count, length = scaled(per_list, 1), scaled(per_item, 60)
    contacts = _items_of(texts.get("contacts", ""))
    photo, photo_alt = first_image(shown.rendered.html)
    link = short_link(page)
    # Notes are numbered in the order this sheet cites them, as it reads: lead, lists, contacts.
    notes = footnotes.definitions(page.current.text) if "[^" in page.current.text else {}
    cited = footnotes.Cited({label: plain(text) for label, text in notes.items()})
    lead_kept = [cited.mark(lead)] if lead else []
    lists = {
        "levers": _cut_list(sections.levers, count, length, cited),
        "obstacles": _cut_list(sections.obstacles, count, length, cited),
        "replicate": _cut_list(sections.replicate, max(1, count // 2), length, cited),
        "contacts": _cut_list(contacts, scaled(contact_lines), length, cited),
    }
    return Sheet(
        page=page,
        format=format,
        paper=paper,
        title=shown.heading or page.title,
        territory=metadata.territory,
        themes=[theme_label(t) for t in metadata.themes],
        status=value_label(metadata.status) if metadata.status else None,
        lead=Cut(lead_kept, lead_cut),
        lead_text=lead,
        **lists,
        notes=[(n, _shorten(text, length)[0]) for n, text in cited.listed],
        photo=photo,
        photo_alt=photo_alt,
        link=link,
        link_text=re.sub(r"^https?://", "", link),
        qr_svg=qr.inline_svg(link, "q" if format == "poster" else "m"),
        qr_mm=qr_mm,
        budget=budget,
    )


def first_image(rendered_html: str) -> tuple[str | None, str]:
    """The first image of the page (its photo on print), with its alternative text."""
    match = _IMG.search(rendered_html)
    if match is None:
        return None, ""
    alt = _ALT.search(match.group(0))
    return html.unescape(match.group(1)), html.unescape(alt.group(1)) if alt else ""


def _first_paragraph(text: str) -> str:
    from wiki.content.frontmatter import FrontMatterError, read

    try:
        _raw, body = read(text)
    except FrontMatterError:
        body = text
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if block and not block.startswith(("#", "|", ">", "-", "*", "!", "```")):
            return block
    return ""
