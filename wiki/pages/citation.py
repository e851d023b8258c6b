"""How to cite a page at one revision: APA text, BibTeX, CSL-JSON, RIS and Zotero's meta tags."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from wiki.content.text import fold
from wiki.extensions import read_rows
from wiki.models import Revision, User

MAX_AUTHORS = 20  # beyond, "et al.": a citation is not a history


@dataclass(frozen=True)
class Citation:
    """What every citation format says of one revision; URLs come from the caller."""

    title: str
    authors: list[str]
    more_authors: bool
    created_at: datetime
    number: int
    site: str
    url: str  # the revision's permanent link
    licence: str
    licence_url: str
    slug: str

    @property
    def key(self) -> str:
        """A BibTeX key: ASCII, stable for the revision ("essaim-jardin-partage-r3")."""
        site = re.sub(r"[^a-z0-9]+", "", fold(self.site)) or "wiki"
        return f"{site}-{self.slug}-r{self.number}"[:120]

    @property
    def file_stem(self) -> str:
        return self.key


_AUTHORS = (  # built once: every page view cites its revision
    select(User.username)
    .join(Revision, Revision.author_id == User.id)
    .where(
        Revision.page_id == bindparam("page"),
        Revision.number <= bindparam("number"),
        Revision.hidden.is_(False),
    )
    .group_by(User.username)
    .order_by(func.min(Revision.number))
    .limit(MAX_AUTHORS + 1)
)


def authors_up_to(revision: Revision) -> tuple[list[str], bool]:
    """Names of who wrote the page up to `revision`, first contribution first (hidden ones out)."""
    rows = read_rows(_AUTHORS, {"page": revision.page_id, "number": revision.number})
    names = [name for (name,) in rows]
    return names[:MAX_AUTHORS], len(names) > MAX_AUTHORS


def cite(revision: Revision, url: str, site: str, licence: str, licence_url: str) -> Citation:
    authors, more = authors_up_to(revision)
    return Citation(
        title=revision.title,
        authors=authors,
        more_authors=more,
        created_at=revision.created_at,
        number=revision.number,
        site=site,
        url=url,
        licence=licence,
        licence_url=licence_url,
        slug=revision.page.slug,
    )


def _bibtex_text(text: str) -> str:
    """Braces and TeX's special characters escaped; accents stay (biber and bibtex8 read UTF-8)."""
    text = text.replace("\\", r"\textbackslash{}")
    text = re.sub(r"([{}%&$#_])", r"\\\1", text)
    return text.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def bibtex(c: Citation, revision_label: str) -> str:
    # Each name in braces: a user name is not "First Last", and BibTeX must not split it.
    names = " and ".join("{" + _bibtex_text(n) + "}" for n in c.authors)
    if c.more_authors:
        names += " and others"
    fields = [
        ("title", "{" + _bibtex_text(c.title) + "}"),
        ("author", names or "{" + _bibtex_text(c.site) + "}"),
        ("year", str(c.created_at.year)),
        ("month", str(c.created_at.month)),
        ("date", c.created_at.strftime("%Y-%m-%d")),
        ("howpublished", _bibtex_text(c.site)),
        ("url", c.url),
        ("note", _bibtex_text(f"{revision_label}. {c.licence}")),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def csl_json(c: Citation, revision_label: str) -> str:
    item = {
        "id": c.key,
        "type": "webpage",
        "title": c.title,
        "author": [{"literal": name} for name in c.authors] or [{"literal": c.site}],
        "issued": {"date-parts": [[c.created_at.year, c.created_at.month, c.created_at.day]]},
        "container-title": c.site,
        "URL": c.url,
        "version": str(c.number),
        "note": revision_label,
        "license": c.licence,
    }
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def ris(c: Citation, revision_label: str) -> str:
    """RIS lines end with CRLF, as the format asks; one AU line per author."""
    lines = [("TY", "ELEC"), ("TI", c.title)]
    lines += [("AU", name) for name in c.authors] or [("AU", c.site)]
    lines += [
        ("PY", str(c.created_at.year)),
        ("DA", c.created_at.strftime("%Y/%m/%d")),
        ("T2", c.site),
        ("PB", c.site),
        ("UR", c.url),
        ("ET", revision_label),
        ("N1", c.licence),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def meta_tags(c: Citation) -> list[tuple[str, str]]:
    """(name, content) of the Highwire `citation_*` tags Zotero and Google Scholar read."""
    tags = [("citation_title", c.title)]
    tags += [("citation_author", name) for name in c.authors]
    tags += [
        ("citation_publication_date", c.created_at.strftime("%Y/%m/%d")),
        ("citation_date", c.created_at.strftime("%Y/%m/%d")),
        ("citation_publisher", c.site),
        ("citation_public_url", c.url),
        ("DC.rights", c.licence),
    ]
    return tags
