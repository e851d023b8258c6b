"""An offline copy of the wiki (or of a selection) for a stand without network.

Static HTML that opens from a USB key: `index.html` with a search over a JSON index loaded as a
script (browsers refuse fetch() on file:// pages), one file per page in `pages/`, images in
`media/`, CSS and scripts in `assets/`. Every link is relative; links to pages outside the copy,
and each page's QR code, lead to the public address.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from flask import current_app, render_template, url_for

from wiki.festival import qr, sheets
from wiki.festival.pdf import ResourceRefused, local_fetcher
from wiki.public import short_link
from wiki.render import footnotes

ASSETS = {"css/offline.css": "assets/offline.css", "js/offline-search.js": "assets/search.js"}
_HREF = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"]*)"')
_WIKI_PATH = re.compile(r"^/wiki/(?P<slug>[^/?#]+)(?P<rest>[?#].*)?$")
_MEDIA_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Exported:
    pages: int
    media: int


class _Writer:
    """Files into a folder or a zip archive, by relative POSIX path."""

    def __init__(self, target: Path | io.BytesIO, zipped: bool):
        self.zipped = zipped
        if zipped:
            self.archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        else:
            self.root = Path(target)
            self.root.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.zipped:
            self.archive.writestr(f"essaim/{name}", data)
        else:
            path = self.root / PurePosixPath(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def close(self) -> None:
        if self.zipped:
            self.archive.close()


def export(
    pages: Iterable,
    target: Path | io.BytesIO,
    zipped: bool | None = None,
    progress: Callable[[object], None] = lambda page: None,
) -> Exported:
    """Write the offline copy of `pages` to `target` (a folder, or a .zip file or buffer)."""
    from wiki.festival.contents import is_public
    from wiki.labels import theme_label
    from wiki.pages import display

    pages = [p for p in pages if is_public(p)]
    if zipped is None:
        zipped = not isinstance(target, Path) or target.suffix.lower() == ".zip"
    writer = _Writer(target, zipped)
    slugs = {p.slug for p in pages}
    home = url_for("pages.home", _external=True)
    fetch = local_fetcher()
    media: dict[str, str] = {}
    entries = []
    try:
        for source, name in ASSETS.items():
            writer.write(name, (Path(current_app.static_folder) / source).read_bytes())
        for page in pages:
            shown = display.show(page.current.text)
            body = _relink(shown.rendered.html, slugs, home, fetch, media, writer)
            sheet = sheets.build(page, "fiche", 1.0, shown=shown)
            link = short_link(page)
            writer.write(
                f"pages/{page.slug}.html",
                render_template(
                    "festival/offline_page.html",
                    page=page,
                    shown=shown,
                    body=body,
                    link=link,
                    link_text=qr.label(link),
                    qr_svg=qr.inline_svg(link),
                    online=url_for("pages.view", slug=page.slug, _external=True),
                ),
            )
            entries.append(
                {
                    "title": shown.heading or page.title,
                    "url": f"pages/{page.slug}.html",
                    "territory": page.territory or "",
                    "themes": [theme_label(t) for t in shown.metadata.themes],
                    "lead": footnotes.without_calls(sheet.lead_text),
                    "text": _text_of(shown.rendered.html),
                }
            )
            progress(page)
        entries.sort(key=lambda e: e["title"].casefold())
        index = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        # A script, not a .json file: browsers do not let file:// pages fetch() their neighbours.
        writer.write("assets/search-index.js", f"window.ESSAIM_INDEX = {index};\n")
        writer.write(
            "index.html",
            render_template("festival/offline_index.html", entries=entries, home=home),
        )
    finally:
        writer.close()
    return Exported(len(pages), len(media))


def _text_of(rendered_html: str) -> str:
    import nh3

    return " ".join(html.unescape(nh3.clean(rendered_html, tags=set())).split())


def _relink(body: str, slugs: set[str], home: str, fetch, media: dict, writer: _Writer) -> str:
    """Links between exported pages become relative; other wiki links lead online; the wiki's
    own images are copied into media/."""

    def replace(match: re.Match) -> str:
        attr, url = match.group("attr"), html.unescape(match.group("url"))
        if not url.startswith("/") or url.startswith("//"):
            return match.group(0)
        if attr == "href":
            wiki = _WIKI_PATH.match(url)
            if wiki and wiki.group("slug") in slugs:
                target = f"{wiki.group('slug')}.html{wiki.group('rest') or ''}"
                return f'href="{html.escape(target)}"'
            return f'href="{html.escape(urljoin(home, url))}"'
        local = media.get(url) or _copy_media(url, fetch, media, writer)
        return f'src="{html.escape(local or urljoin(home, url))}"'

    return _HREF.sub(replace, body)


def _copy_media(url: str, fetch, media: dict, writer: _Writer) -> str | None:
    from wiki.festival.pdf import LOCAL_BASE

    try:
        response = fetch.fetch(urljoin(LOCAL_BASE, url))
    except (ResourceRefused, ValueError, OSError):
        return None
    if not response.content_type.startswith("image/"):
        return None
    name = _MEDIA_NAME.sub("-", urlsplit(url).path.strip("/"))[-120:] or "image"
    path = f"media/{len(media)}-{name}"
    writer.write(path, response.read())
    media[url] = f"../{path}"
    return media[url]
