"""Files named in Markdown: ``![alt](fichier:verger.jpg)`` and ``[budget](fichier:budget.pdf)``.

The renderer stays free of the database: the caller resolves names to FileRef values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

FILE_SCHEMES = ("fichier:", "file:")

# The page's text column is at most 48rem wide; phones take the whole width.
IMAGE_SIZES = "(max-width: 50rem) 100vw, 48rem"


@dataclass(frozen=True)
class FileRef:
    name: str
    page_url: str  # the file's page: /files/<name>
    kind: str = "missing"  # image | document | missing
    url: str = ""  # the version's content, immutable
    srcset: tuple[tuple[str, int], ...] = ()  # (url, width) of thumbnails
    width: int | None = None
    height: int | None = None
    alt: str = ""
    title: str = ""  # credit and licence
    mime: str = ""
    label: str = ""  # "PDF, 1,2 Mo"


FileResolver = Callable[[str], FileRef]


def file_name(url: str) -> str | None:
    """The name in a ``fichier:`` URL, or None for any other URL."""
    lowered = url.lower()
    for scheme in FILE_SCHEMES:
        if lowered.startswith(scheme):
            return lowered[len(scheme) :].strip() or None
    return None


def missing_file(name: str) -> FileRef:
    return FileRef(name=name, page_url="/files/" + name)
