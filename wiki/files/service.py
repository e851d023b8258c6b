"""Files: upload a new file or version, revert, hide, list, and which pages use them."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from wiki.extensions import db
from wiki.files import access
from wiki.files.content import Examined, Refused, examine
from wiki.files.models import File, FileUse, FileVersion
from wiki.files.storage import Storage, blob_key, thumbnail_key
from wiki.models import Page, User, utcnow

__all__ = ["Refused", "upload", "revert", "set_hidden"]

logger = logging.getLogger(__name__)

LICENCES = {
    "CC-BY-SA-4.0": _l("CC BY-SA 4.0 (share alike, credit the author)"),
    "CC-BY-4.0": _l("CC BY 4.0 (credit the author)"),
    "CC0-1.0": _l("CC0 (public domain)"),
    "used-with-permission": _l("All rights reserved, used with the author's permission"),
}
DEFAULT_LICENCE = "CC-BY-SA-4.0"
LICENCE_URLS = {
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/deed.fr",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
}

MAX_NAME_CHARACTERS = 120  # what a person may type or a phone may send as a file name
MAX_STEM = 80  # of the stored name, before its extension
_FORBIDDEN_IN_NAMES = re.compile(r"[/\\\x00-\x1f\x7f]")

# ``![alt](fichier:verger.jpg)``, ``[budget](fichier:budget-2024.pdf)``; "file:" in English.
REFERENCE = re.compile(r"\]\(\s*<?(?:fichier|file):([A-Za-z0-9._-]{1,160})", re.IGNORECASE)


@dataclass
class Quota:
    files_per_day: int
    bytes_per_day: int


def references(text: str) -> list[str]:
    """The file names a page text refers to, in order, without repeats."""
    return list(dict.fromkeys(name.lower() for name in REFERENCE.findall(text)))


def refresh_uses(page: Page, text: str) -> None:
    """Rewrite the page's file uses from its current text (called by the derived-data refresh)."""
    db.session.execute(delete(FileUse).where(FileUse.page_id == page.id))
    for name in references(text):
        db.session.add(FileUse(page_id=page.id, name=name))


def find(name: str) -> File | None:
    return db.session.scalar(select(File).where(File.name == name.lower()))


def versions(file: File) -> list[FileVersion]:
    return list(
        db.session.scalars(
            select(FileVersion)
            .where(FileVersion.file_id == file.id)
            .order_by(FileVersion.number.desc())
        )
    )


def visible_version(file: File) -> FileVersion | None:
    """What readers are shown: the current version, or the newest one not hidden."""
    if file.current is not None and not file.current.hidden:
        return file.current
    return db.session.scalar(
        select(FileVersion)
        .where(FileVersion.file_id == file.id, FileVersion.hidden.is_(False))
        .order_by(FileVersion.number.desc())
        .limit(1)
    )


def pages_using(name: str) -> list[Page]:
    return list(
        db.session.scalars(
            select(Page)
            .join(FileUse, FileUse.page_id == Page.id)
            .where(FileUse.name == name, Page.public.is_(True))
            .order_by(Page.title)
        )
    )


def files_of_page(page: Page) -> list[File]:
    return list(
        db.session.scalars(
            select(File)
            .join(FileUse, FileUse.name == File.name)
            .where(FileUse.page_id == page.id)
            .order_by(File.name)
        )
    )


def all_files() -> list[tuple[File, int]]:
    """Every file with the number of pages using it (0: unused), newest first."""
    uses = select(FileUse.name, func.count().label("n")).group_by(FileUse.name).subquery()
    rows = db.session.execute(
        select(File, func.coalesce(uses.c.n, 0))
        .outerjoin(uses, uses.c.name == File.name)
        .order_by(File.updated_at.desc(), File.id.desc())
    )
    return [(file, count) for file, count in rows]


def search(words: str, limit: int = 20) -> list[File]:
    """Files whose name, alt text or credit contains every word (case and accents as typed)."""
    terms = [w for w in words.lower().split() if w][:8]
    if not terms:
        return []
    patterns = {
        f"pattern_{n}": "%" + term.replace("\\", "").replace("%", "").replace("_", " ") + "%"
        for n, term in enumerate(terms)
    }
    return list(db.session.scalars(_search_statement(len(terms)), {**patterns, "limit": limit}))


@functools.cache
def _search_statement(words: int):
    """The statement of search() for this many words, built once: every search page asks it,
    and building it anew cost more than running it (~1 ms a search)."""
    statement = select(File).join(FileVersion, FileVersion.id == File.current_id)
    for n in range(words):
        pattern = bindparam(f"pattern_{n}")
        statement = statement.where(
            func.lower(File.name).like(pattern)
            | func.lower(FileVersion.alt).like(pattern)
            | func.lower(FileVersion.credit).like(pattern)
        )
    statement = statement.where(FileVersion.hidden.is_(False))
    return statement.order_by(File.name).limit(bindparam("limit"))


def clean_name(raw: str, extension: str) -> str:
    """The stored name from what the person typed or their device sent: lower-case ASCII
    words joined by dashes, and the extension of the real content."""
    raw = (raw or "").strip()
    if _FORBIDDEN_IN_NAMES.search(raw) or raw.startswith(".") or ".." in raw:
        raise Refused(
            _l(
                "A file name cannot contain “/”, “\\”, “..” or invisible characters. "
                "Choose a simple name, such as verger-2024.jpg."
            )
        )
    if len(raw) > MAX_NAME_CHARACTERS:
        raise Refused(
            _l(
                "This file name is too long (%(count)s characters, at most %(limit)s). "
                "Choose a shorter name.",
                count=len(raw),
                limit=MAX_NAME_CHARACTERS,
            )
        )
    stem = raw.rsplit(".", 1)[0] if "." in raw else raw
    stem = slugify(stem, max_length=MAX_STEM, word_boundary=True) or "fichier"
    return f"{stem}.{extension}"


def free_name(name: str) -> str:
    """``name`` or, when taken, the first ``stem-2.ext``, ``stem-3.ext``… that is free."""
    stem, _dot, extension = name.rpartition(".")
    taken = set(db.session.scalars(select(File.name).where(File.name.like(f"{stem}%.{extension}"))))
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}.{extension}"
    return candidate


class NameTaken(Refused):
    def __init__(self, name: str):
        self.suggestion = free_name(name)
        super().__init__(
            _l(
                "A file named “%(name)s” already exists. To replace it, upload a new version "
                "from its page; otherwise choose another name, such as “%(suggestion)s”.",
                name=name,
                suggestion=self.suggestion,
            ),
            status=409,
        )
        self.name = name


def check_quota(user: User | None, size: int, quota: Quota) -> None:
    if user is None or not access.has_upload_quota(user):
        return
    since = utcnow() - timedelta(days=1)
    count, total = db.session.execute(
        select(func.count(FileVersion.id), func.coalesce(func.sum(FileVersion.size), 0)).where(
            FileVersion.uploader_id == user.id, FileVersion.created_at >= since
        )
    ).one()
    if count + 1 > quota.files_per_day or total + size > quota.bytes_per_day:
        raise Refused(
            _l(
                "You have reached today's limit of files (%(files)s files or %(megabytes)s MB "
                "a day). Try again tomorrow, or ask an administrator.",
                files=quota.files_per_day,
                megabytes=quota.bytes_per_day // 1_000_000,
            ),
            status=429,
        )


def upload(
    storage: Storage,
    data: bytes,
    *,
    filename: str,
    uploader: User | None,
    name: str = "",
    alt: str = "",
    credit: str = "",
    licence: str = DEFAULT_LICENCE,
    comment: str = "",
    replace: File | None = None,
    quota: Quota | None = None,
) -> FileVersion:
    """Store a new file (or a new version of ``replace``) and commit; Refused says why not.

    Nothing is half stored: the content is checked and cleaned in memory, the blobs are
    written, then the database rows are committed; if that fails, the blobs just written are
    removed again.
    """
    alt, credit, comment = alt.strip()[:500], credit.strip()[:300], comment.strip()[:500]
    if licence not in LICENCES:
        licence = DEFAULT_LICENCE
    if quota is not None:
        check_quota(uploader, len(data), quota)
    if replace is None:
        # Check the name first: a refusal then costs no decoding of a large photo.
        clean_name(name or filename, "x")
    examined = examine(data, filename)
    if examined.kind == "image" and not alt:
        raise Refused(
            _l(
                "Describe the picture in a few words (alternative text): people who cannot see "
                "it, and search engines, read this description."
            )
        )
    if replace is None:
        file_name = clean_name(name or filename, examined.extension)
        if find(file_name) is not None:
            raise NameTaken(file_name)
        file = File(name=file_name, kind=examined.kind)
        db.session.add(file)
        number = 1
    else:
        file = replace
        if examined.kind != file.kind or (
            file.kind == "document" and not file.name.endswith("." + examined.extension)
        ):
            raise Refused(
                _l(
                    "A new version must be of the same kind as the file: %(name)s.",
                    name=file.name,
                )
            )
        number = (
            db.session.scalar(
                select(func.max(FileVersion.number)).where(FileVersion.file_id == file.id)
            )
            or 0
        ) + 1
    written = _store(storage, examined)
    try:
        version = _add_version(file, number, examined, uploader, alt, credit, licence, comment)
        version.original_name = (filename or "")[:255]
        db.session.commit()
    except IntegrityError:
        # Someone took the name, or the version number, between our check and our commit.
        db.session.rollback()
        for key in written:
            storage.delete(key)
        if replace is None:
            raise NameTaken(file.name) from None
        raise Refused(
            _l(
                "Someone sent a version of this file at the same moment. Look at its history, "
                "then send yours again if it is still needed."
            ),
            status=409,
        ) from None
    except BaseException:
        db.session.rollback()
        for key in written:
            storage.delete(key)
        raise
    logger.info("file %s: version %s uploaded (%s bytes)", file.name, number, version.size)
    return version


def _store(storage: Storage, examined: Examined) -> list[str]:
    """Write the blobs; return the keys that did not exist before (to remove on failure)."""
    import hashlib

    sha = hashlib.sha256(examined.data).hexdigest()
    examined.sha256 = sha
    written = []
    try:
        if storage.put(blob_key(sha), examined.data, examined.mime):
            written.append(blob_key(sha))
        for width, data in examined.thumbnails.items():
            if storage.put(thumbnail_key(sha, width), data, "image/webp"):
                written.append(thumbnail_key(sha, width))
    except BaseException:
        for key in written:
            storage.delete(key)
        raise
    return written


def _add_version(file, number, examined, uploader, alt, credit, licence, comment) -> FileVersion:
    version = FileVersion(
        file=file,
        number=number,
        sha256=examined.sha256,
        size=len(examined.data),
        mime=examined.mime,
        width=examined.width,
        height=examined.height,
        thumbnail_widths=",".join(str(w) for w in sorted(examined.thumbnails)),
        alt=alt,
        credit=credit,
        licence=licence,
        comment=comment,
        uploader=uploader,
    )
    db.session.add(version)
    db.session.flush()
    file.current = version
    file.updated_at = utcnow()
    return version


def revert(file: File, target: FileVersion, user: User | None) -> FileVersion:
    """A new version with the content and descriptions of ``target``; history is kept."""
    if target.file_id != file.id:
        raise Refused(_l("This version belongs to another file."), status=400)
    if target.hidden:
        raise Refused(_l("A hidden version cannot be restored."), status=403)
    number = (
        db.session.scalar(
            select(func.max(FileVersion.number)).where(FileVersion.file_id == file.id)
        )
        or 0
    ) + 1
    version = FileVersion(
        file=file,
        number=number,
        sha256=target.sha256,
        size=target.size,
        mime=target.mime,
        width=target.width,
        height=target.height,
        thumbnail_widths=target.thumbnail_widths,
        alt=target.alt,
        credit=target.credit,
        licence=target.licence,
        comment=str(_l("Back to version %(n)s", n=target.number)),
        original_name=target.original_name,
        uploader=user,
    )
    db.session.add(version)
    db.session.flush()
    file.current = version
    file.updated_at = utcnow()
    db.session.commit()
    return version


def set_hidden(version: FileVersion, hidden: bool, moderator: User, reason: str = "") -> None:
    """Hide a version from the public (kept in the database and storage), or show it again."""
    version.hidden = hidden
    version.hidden_by = moderator if hidden else None
    version.hidden_at = utcnow() if hidden else None
    version.hidden_reason = reason.strip()[:1000] or None if hidden else None
    db.session.commit()
    logger.warning(
        "file %s: version %s %s by %s%s",
        version.file.name,
        version.number,
        "hidden" if hidden else "shown again",
        moderator.username,
        f" ({reason.strip()})" if reason.strip() else "",
    )
