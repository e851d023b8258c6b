"""Render a page body from Markdown to sanitised HTML, with its contents and wiki links."""

from __future__ import annotations

import functools
import html
import logging
import re
from dataclasses import dataclass

import mistune
from slugify import slugify

from wiki.limits import BudgetExceeded, budgeted, time_budget
from wiki.render.anchors import HeadingAnchors, TocEntry
from wiki.render.files import IMAGE_SIZES, FileRef, FileResolver, file_name, missing_file
from wiki.render.sanitise import sanitise_html
from wiki.render.wikilinks import (
    WIKI_LINK_PATTERN,
    LinkResolver,
    normalise_title,
    wiki_link_titles,
    wiki_links,
)

__all__ = [
    "LinkResolutionError",
    "Rendered",
    "TocEntry",
    "default_resolve_link",
    "extract_wiki_links",
    "render_markdown",
]

logger = logging.getLogger(__name__)

PLUGINS = ("table", "footnotes", "strikethrough", "task_lists", "url")

# C0 and C1 control characters except tab and line breaks, and lone surrogates (which cannot
# be encoded, so would break the sanitiser or the response).
_UNWANTED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass
class Rendered:
    html: str  # sanitised HTML, safe to insert with |safe
    toc: list[TocEntry]  # h2..h4 headings in order (h1 excluded)
    links: list[str]  # wiki link target titles in order of appearance, de-duplicated
    over_budget: bool = False  # formatting took longer than allowed: shown as plain text


class LinkResolutionError(RuntimeError):
    """``resolve_link`` failed; the original exception is the ``__cause__``."""


def default_resolve_link(title: str) -> tuple[str, bool]:
    """Link every title to its page URL, as if the page existed."""
    return "/wiki/" + slugify(title), True


def render_markdown(
    body: str,
    resolve_link: LinkResolver | None = None,
    resolve_file: FileResolver | None = None,
    seconds: float | None = None,
) -> Rendered:
    """Render a page body to sanitised HTML, with its table of contents and wiki links.

    ``resolve_link(title)`` returns ``(url, exists)`` for the target of a wiki link; it is called
    once per distinct title. The URL is used as given: when ``exists`` is False the link gets the
    class ``new`` and a "Page à créer" title, so the caller passes the URL of the page's edit
    form (``/wiki/<slug>/edit``) for missing pages. Without ``resolve_link`` every target links
    to ``/wiki/<slug>`` as if it existed. A label (``[[Title|label]]``) is shown as plain text.

    ``resolve_file(name)`` returns the FileRef of a file named by ``![alt](fichier:name)`` or
    ``[text](fichier:name)``; without it every such file renders as missing.

    Malformed Markdown never raises: should the parser fail, the text is shown escaped in a
    ``<pre>``. So it is when parsing takes more than ``seconds``, or runs past the deadline of
    the request (wiki.limits.time_budget): ``over_budget`` is then True, for the page to say so.
    Only a failure of ``resolve_link`` itself propagates, as LinkResolutionError.
    """
    text = _UNWANTED_CHARACTERS.sub("", body)
    renderer = _PageRenderer(resolve_link or default_resolve_link, resolve_file or missing_file)
    try:
        with time_budget(seconds):
            unsafe_html, state = _page_markdown(renderer).parse(text)
        safe_html = sanitise_html(unsafe_html)
    except LinkResolutionError:
        raise
    except BudgetExceeded:
        logger.warning("Markdown rendering ran out of time, showing plain text")
        return _plain_text(text, over_budget=True)
    except Exception:
        logger.warning("Markdown rendering failed, showing the page as plain text", exc_info=True)
        return _plain_text(text)
    return Rendered(html=safe_html, toc=renderer.anchors.toc, links=wiki_link_titles(state.env))


def _plain_text(text: str, over_budget: bool = False) -> Rendered:
    return Rendered(
        html="<pre>" + html.escape(text, quote=False) + "</pre>",
        toc=[],
        links=scan_wiki_links(text),
        over_budget=over_budget,
    )


def extract_wiki_links(body: str) -> list[str]:
    """Return the wiki link titles of a page body, as ``render_markdown(...).links`` would.

    The body is parsed but no HTML is produced, so ``[[...]]`` inside code is ignored exactly as
    when rendering. The last few answers are kept (a save asks for the same body more than once).
    Raises wiki.limits.BudgetExceeded past the current deadline (``scan_wiki_links`` is then
    the rough answer).
    """
    if "[[" not in body:  # every wiki link opens with it: no parse needed
        return []
    return list(_extract_wiki_links(body))


@functools.lru_cache(maxsize=8)
def _extract_wiki_links(body: str) -> tuple[str, ...]:
    text = _UNWANTED_CHARACTERS.sub("", body)
    try:
        _, state = _LINK_FINDER.parse(text)
    except BudgetExceeded:
        raise  # not cached: another caller may have more time
    except Exception:
        logger.warning("Markdown parsing failed, scanning for wiki links roughly", exc_info=True)
        return tuple(scan_wiki_links(text))
    return tuple(wiki_link_titles(state.env))


class _PageRenderer(mistune.HTMLRenderer):
    """HTML renderer for one page: heading anchors, wiki links, table alignment without style."""

    def __init__(self, resolve_link: LinkResolver, resolve_file: FileResolver) -> None:
        super().__init__(escape=False)
        self.anchors = HeadingAnchors()
        self._resolve_link = resolve_link
        self._resolve_file = resolve_file
        self._resolved: dict[str, tuple[str, bool]] = {}

    def image(self, text: str, url: str, title: str | None = None) -> str:
        name = file_name(url)
        if name is None:
            return super().image(text, url, title)
        ref = self._file(name)
        if ref.kind != "image":
            return self._file_link(ref, text)
        attrs: dict[str, object] = {
            "src": ref.url,
            "alt": mistune.util.striptags(text) or ref.alt,
            "class": "file-image",
            "loading": "lazy",
            "decoding": "async",
        }
        if ref.srcset:
            attrs["srcset"] = ", ".join(f"{u} {w}w" for u, w in ref.srcset)
            attrs["sizes"] = IMAGE_SIZES
        if ref.width and ref.height:
            attrs["width"], attrs["height"] = ref.width, ref.height
        if title or ref.title:
            attrs["title"] = title or ref.title
        image = "<img" + self.render_attrs(attrs) + " />"
        link = {"class": "file-image-link", "href": ref.page_url}
        return "<a" + self.render_attrs(link) + ">" + image + "</a>"

    def link(self, text: str, url: str, title: str | None = None) -> str:
        name = file_name(url)
        if name is None:
            return super().link(text, url, title)
        return self._file_link(self._file(name), text, title)

    def _file_link(self, ref: FileRef, text: str, title: str | None = None) -> str:
        label = text or html.escape(ref.name)
        if ref.kind == "missing":
            attrs = {
                "class": "file-missing",
                "href": ref.page_url,
                "title": f"Fichier absent : {ref.name}",
            }
            return "<a" + self.render_attrs(attrs) + ">" + label + "</a>"
        attrs = {"class": "file-link", "href": ref.url, "type": ref.mime}
        if title or ref.title:
            attrs["title"] = title or ref.title
        meta = f' <span class="file-meta">({html.escape(ref.label)})</span>' if ref.label else ""
        return "<a" + self.render_attrs(attrs) + ">" + label + "</a>" + meta

    def _file(self, name: str) -> FileRef:
        try:
            return self._resolve_file(name)
        except Exception as exc:
            raise LinkResolutionError(f"resolve_file failed for {name!r}") from exc

    def heading(self, text: str, level: int, **attrs: object) -> str:
        anchor = self.anchors.add(level, text)
        permalink = f'<a class="anchor" href="#{anchor}" aria-hidden="true">¶</a>'
        return f'<h{level} id="{anchor}">{text} {permalink}</h{level}>\n'

    def wiki_link(self, text: str, title: str) -> str:
        url, exists = self._resolve(title)
        attrs: dict[str, object] = {"class": "wikilink", "href": url}
        if not exists:
            attrs["class"] = "wikilink new"
            attrs["title"] = f"Page à créer : {title}"
        return "<a" + self.render_attrs(attrs) + ">" + text + "</a>"

    def table_cell(self, text: str, align: str | None = None, head: bool = False) -> str:
        # mistune writes style="text-align:…", and the sanitiser allows no style at all.
        tag = "th" if head else "td"
        return f"<{tag}{self.render_attrs({'align': align})}>{text}</{tag}>\n"

    def _resolve(self, title: str) -> tuple[str, bool]:
        if title not in self._resolved:
            try:
                url, exists = self._resolve_link(title)
            except Exception as exc:
                raise LinkResolutionError(f"resolve_link failed for {title!r}") from exc
            self._resolved[title] = (url, bool(exists))
        return self._resolved[title]


def _page_markdown(renderer: _PageRenderer) -> mistune.Markdown:
    # One instance per render: the renderer holds the page's anchors and resolved links.
    md = mistune.create_markdown(escape=False, renderer=renderer, plugins=PLUGINS)
    wiki_links(md)
    return budgeted(md)


def _link_finder() -> mistune.Markdown:
    # No renderer: parsing yields tokens only. Safe to share, the parse state is per call.
    md = mistune.create_markdown(renderer="ast", plugins=PLUGINS)
    wiki_links(md)
    return budgeted(md)


_LINK_FINDER = _link_finder()

_FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+).*?\1", re.S)


def scan_wiki_links(text: str) -> list[str]:
    """Find wiki links without a Markdown parser: the last resort when parsing fails or runs
    out of time (links inside code are counted too)."""
    text = _CODE_SPAN.sub("", _FENCED_CODE.sub("", text))
    titles = (normalise_title(m.group("wiki_title")) for m in re.finditer(WIKI_LINK_PATTERN, text))
    return list(dict.fromkeys(t for t in titles if t))
