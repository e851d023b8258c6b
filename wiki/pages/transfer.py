"""Import a folder of Markdown files as pages, and export the pages back to files."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from wiki.content.frontmatter import FrontMatterError, read
from wiki.extensions import db
from wiki.models import Page, Revision, User
from wiki.pages import service


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def markdown_files(folder: Path) -> list[Path]:
    # Top level only: an export made with --history keeps old revisions in sub-folders.
    # Symbolic links are listed (to be refused by name), never followed.
    return sorted(
        p
        for p in folder.glob("*.md")
        if (p.is_symlink() or p.is_file()) and not p.name.startswith(".")
    )


def _read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file; OSError for a symbolic link, even one swapped in after the
    folder was listed (O_NOFOLLOW), or for anything that is not a plain file."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        return file.read()


def title_of(text: str, path: Path) -> str:
    """The page title: a `title:` key, else the first "# " heading, else the file name."""
    try:
        meta, body = read(text)
    except FrontMatterError:
        meta, body = {}, text
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return meta["title"].strip()
    for line in body.splitlines():
        if line.startswith("# ") and line[2:].strip():
            return line[2:].strip().rstrip("#").strip()
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def import_folder(
    folder: Path,
    author: User | None,
    comment: str = "Import",
    max_bytes: int = 1024 * 1024,
    progress: Callable[[Path], None] = lambda _path: None,
) -> ImportReport:
    """Each file is saved on its own (one transaction each): a bad file is reported and the
    others still land. An existing page with the same address gets a new revision."""
    report = ImportReport()
    for path in markdown_files(folder):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            # A link could bring in any file the command can read (/etc/passwd, keys...).
            report.refused.append((name, "symbolic link, not followed: copy the file instead"))
            progress(path)
            continue
        try:
            text = _read_regular_file(path).decode("utf-8")
        except UnicodeDecodeError:
            report.refused.append((name, "not UTF-8 text"))
            progress(path)
            continue
        except OSError as error:
            report.refused.append((name, f"not a regular file ({error.strerror or error})"))
            progress(path)
            continue
        title = title_of(text, path)
        existing = service.find_page(service.slug_for(title)) if service.slug_for(title) else None
        before = existing.page.current_id if existing else None
        try:
            revision = service.save_page(
                slug=existing.page.slug if existing else None,
                title=title,
                text=text,
                author=author,
                comment=comment,
                max_bytes=max_bytes,
            )
        except service.InvalidContent as error:
            db.session.rollback()
            details = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            report.refused.append((name, f"{error.message} {details}".strip()))
        except service.PageError as error:
            db.session.rollback()
            report.refused.append((name, str(error.message)))
        else:
            if existing is None:
                report.created.append(title)
            elif revision.id != before:
                report.updated.append(title)
            else:
                report.unchanged.append(title)
        progress(path)
    return report


def _pages() -> Iterator[Page]:
    # Pages deleted by an undone import are left out, like every listing.
    yield from db.session.scalars(select(Page).where(Page.deleted_at.is_(None)).order_by(Page.slug))


def export_folder(folder: Path, history: bool = False, progress=lambda _p: None) -> int:
    """Write each page's current text to <slug>.md (and every revision with --history), with
    an index.json of titles, permalinks and revisions, so that nothing needs the database to
    be read again."""
    folder.mkdir(parents=True, exist_ok=True)
    index = []
    count = 0
    for page in _pages():
        (folder / f"{page.slug}.md").write_text(page.current.text, "utf-8")
        entry = {
            "title": page.title,
            "slug": page.slug,
            "page_id": page.id,
            "short_code": page.short_code,
            "current_revision": page.current_id,
            "updated": page.updated_at.isoformat() + "Z",
        }
        if history:
            revisions = db.session.scalars(
                select(Revision).where(Revision.page_id == page.id).order_by(Revision.number)
            )
            entry["revisions"] = []
            for revision in revisions:
                if revision.hidden:
                    continue
                target = folder / page.slug / f"{revision.number:04d}.md"
                target.parent.mkdir(exist_ok=True)
                target.write_text(revision.text, "utf-8")
                entry["revisions"].append(
                    {
                        "number": revision.number,
                        "id": revision.id,
                        "author": revision.author_label,
                        "comment": revision.comment,
                        "created": revision.created_at.isoformat() + "Z",
                    }
                )
        index.append(entry)
        count += 1
        progress(page)
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=2), "utf-8")
    return count
