"""Import a MediaWiki XML export (.xml, .xml.bz2, .xml.gz), streamed with mwxml.

Every revision is kept with its author's name, date and comment; categories become themes or
tags (mapping file), internal links wiki links, files references to the wiki's files.
"""

from __future__ import annotations

import bz2
import gzip
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

import mwxml
from flask_babel import lazy_gettext as _l

from wiki.content.slugs import slug_for
from wiki.extensions import db
from wiki.models import User
from wiki.pages import service
from wiki.pages.derived import theme_slugs
from wiki.transfer import batches, mapping
from wiki.transfer.files import FileFinder
from wiki.transfer.models import ImportBatch
from wiki.transfer.report import Report
from wiki.transfer.wikitext import Context, convert
from wiki.transfer.writer import (
    IncomingPage,
    IncomingRevision,
    Options,
    imported_keys,
    write_page,
)

HISTORY_BLOCK = 1000  # revisions of one page held in memory and written together at most
READ_ERRORS = (ParseError, EOFError, OSError, zlib.error, ValueError, KeyError, AttributeError)


@dataclass
class Settings:
    namespaces: set[int] = field(default_factory=lambda: {0})
    categories: dict = field(default_factory=dict)  # the mapping file's `categories:`
    files_dir: Path | None = None
    options: Options = field(default_factory=Options)
    themes: set[str] | None = None  # the wiki's themes, read once per import


def open_dump(path: Path):
    """The dump's bytes, uncompressed on the fly by its suffix."""
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def import_dump(
    path: Path,
    settings: Settings,
    user: User | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> tuple[ImportBatch, Report]:
    """One batch for the whole dump; each page written (or skipped) on its own."""
    batch = batches.open_batch("mediawiki", path.name, batches.fingerprint([path]), user)
    settings.themes = set(theme_slugs())
    report = Report()
    redirects: list[tuple[str, str]] = []
    left_out: Counter[str] = Counter()
    pages_read = 0
    try:
        with open_dump(path) as stream:
            dump = mwxml.Dump.from_file(stream)
            site = dump.site_info
            context = _context(site, settings)
            finder = FileFinder(settings.files_dir, batch, user, report)
            context.file_name = finder.essaim_name
            prefix = f"mw:{site.dbname or site.name or path.stem}"
            for page in dump:
                for part in _page_parts(page, site, context, settings, report, left_out, prefix):
                    if isinstance(part, tuple):
                        redirects.append(part)
                    else:
                        finder.bring(part)
                        write_page(batch, part, settings.options, report)
                pages_read += 1
                progress(pages_read)
    except READ_ERRORS as error:
        db.session.rollback()
        report.skip(
            path.name,
            _l(
                "The file could not be read to its end (truncated or damaged: %(error)s). "
                "%(count)s pages were read whole before; of the page being read then, only "
                "complete blocks of %(block)s revisions were written.",
                error=str(error)[:200] or type(error).__name__,
                count=pages_read,
                block=HISTORY_BLOCK,
            ),
        )
    for namespace, count in sorted(left_out.items()):
        report.note(
            namespace,
            _l(
                "%(count)s pages of this namespace were not imported "
                "(add it with --namespace if you want them).",
                count=count,
            ),
        )
    _redirects(batch, redirects, report)
    batches.close_batch(batch, report)
    return batch, report


def _context(site, settings: Settings) -> Context:
    names: dict[str, int] = {}
    for namespace in site.namespaces or []:
        if namespace.name:
            names[namespace.name.lower()] = namespace.id
    return Context(namespaces=names, imported=set(settings.namespaces))


def _page_parts(page, site, context, settings, report, left_out, prefix):
    """The page as IncomingPages of at most HISTORY_BLOCK revisions each (memory stays bounded
    by the block, not by the page's history), or one (title, target) redirect; nothing for a
    page left out (reported)."""
    known = {n.id: n.name for n in (site.namespaces or [])}
    title = page.title if page.namespace == 0 else full_title(page, known)
    if known and page.namespace not in known:
        report.skip(
            title,
            _l("unknown namespace %(number)s (not declared in the dump)", number=page.namespace),
        )
        _drain(page)
        return
    if page.namespace not in settings.namespaces:
        left_out[known.get(page.namespace) or str(page.namespace)] += 1
        _drain(page)
        return
    if page.redirect:
        _drain(page)
        yield (title, page.redirect)
        return
    anything = False
    for block in _blocks(page):
        incoming = _part(block, title, context, settings, report, prefix)
        if incoming is not None:
            anything = True
            yield incoming
    if not anything:
        report.skip(title, _l("no revision could be read"))


def _blocks(page) -> Iterator[list]:
    block = []
    for revision in page:
        block.append(revision)
        if len(block) >= HISTORY_BLOCK:
            yield block
            block = []
    if block:
        yield block


def _part(raw, title, context, settings, report, prefix) -> IncomingPage | None:
    incoming = IncomingPage(title=title, label=title)
    # Revisions imported before are not converted again: a dump imported anew costs its reading.
    seen = imported_keys([f"{prefix}:{revision.id}" for revision in raw])
    for revision in raw:
        if f"{prefix}:{revision.id}" in seen:
            continue
        converted = _revision(revision, title, context, settings, report, prefix)
        if converted is not None:
            incoming.revisions.append(converted)
    report.source_revisions += len(raw) - len(incoming.revisions)  # write_page counts these
    if settings.files_dir and seen and not incoming.revisions and raw[-1].text:
        convert(raw[-1].text, context)  # imported before: only to bring its files this time
    return incoming if incoming.revisions or seen else None


def full_title(page, known: dict) -> str:
    name = known.get(page.namespace)
    if name and not page.title.startswith(name + ":"):
        return f"{name}:{page.title}"
    return page.title


def _drain(page) -> None:
    for _revision in page:  # read past it: the stream goes on to the next page
        pass


def _revision(revision, title, context, settings, report, prefix) -> IncomingRevision | None:
    key = f"{prefix}:{revision.id}"
    text = revision.text
    if text is None:
        report.skip(f"{title} ({key})", _l("its text was removed in the source wiki"))
        return None
    limit = settings.options.max_bytes
    size = len(text.encode("utf-8"))
    if size > limit:  # before any parsing: a huge revision costs nothing more than its reading
        report.skip(
            f"{title} ({key})",
            _l(
                "too long: %(size)s kB for %(max)s kB allowed",
                size=size // 1024,
                max=limit // 1024,
            ),
        )
        return None
    converted = convert(text, context)
    body = converted.markdown
    classified = mapping.classify(converted.categories, settings.categories, settings.themes)
    head = mapping.front_matter(
        {"type": classified.type, "themes": classified.themes, "tags": classified.tags}
    )
    user = revision.user
    # An address instead of a name (edits made without an account) is personal data: not
    # published here, the revision shows as anonymous.
    author = user.text if user is not None and user.id and not _is_address(user.text) else None
    return IncomingRevision(
        key=key,
        text=head + body,
        when=_when(revision.timestamp),
        author_name=author,
        comment=revision.comment or "",
    )


ADDRESS = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:]*)$")


def _is_address(name: str | None) -> bool:
    return bool(name and ADDRESS.match(name))


def _when(timestamp) -> datetime | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp.unix(), UTC).replace(tzinfo=None)


def _redirects(batch, redirects: list[tuple[str, str]], report: Report) -> None:
    """A MediaWiki redirect becomes an old address of its target: /wiki/<its slug> → 301."""
    for title, target in redirects:
        resolved = service.find_page(slug_for(target)) if slug_for(target) else None
        slug = slug_for(title)
        if resolved is None or not slug or resolved.page.deleted_at is not None:
            report.skip(title, _l("redirect to “%(target)s”, a page not imported", target=target))
        elif not batches.record_redirect(batch, slug, resolved.page):
            report.unchanged.append(title)
