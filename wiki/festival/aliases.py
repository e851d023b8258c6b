"""Memorable short links chosen by editors: /s/verger-saint-julien.

An alias is given once and for all: it is never deleted nor moved to another page (a poster
printed years ago must still lead to the same experience). Aliases that could be read for one
another are refused: characters of other alphabets that look Latin, and aliases that differ from
an existing alias or short code only by look-alike characters (0/o, 1/l/i, 5/s, rn/m, vv/w) or
by hyphens.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from wiki.extensions import db
from wiki.models import Page, ShortAlias

MIN_LENGTH, MAX_LENGTH = 4, 60
SHORT_CODE_LENGTH = 6
_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Applied in this order: pairs first, then single characters.
_LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_LOOKALIKE = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "i": "l",
        "j": "l",
        "5": "s",
        "2": "z",
        "8": "b",
        "6": "g",
        "9": "g",
        "u": "v",
    }
)


class AliasError(ValueError):
    def __init__(self, message, page: Page | None = None):
        super().__init__(str(message))
        self.message = message
        self.page = page


def skeleton(alias: str) -> str:
    """What an alias looks like: two aliases with one skeleton could be read for each other."""
    text = alias.lower().replace("-", "")
    for pair, single in _LOOKALIKE_PAIRS:
        text = text.replace(pair, single)
    return text.translate(_LOOKALIKE)


def clean(raw: str) -> str:
    """The alias as it will be stored, from what an editor typed ("Verger Saint-Julien" gives
    "verger-saint-julien"); refuses other alphabets rather than transliterating them."""
    text = unicodedata.normalize("NFKC", (raw or "").strip())
    for char in text:
        if char.isalpha() and not char.isascii():
            name = unicodedata.name(char, "")
            if not name.startswith("LATIN "):
                raise AliasError(
                    _l(
                        "“%(char)s” is not a Latin letter, though it may look like one: "
                        "use only the letters a to z, digits and hyphens.",
                        char=char,
                    )
                )
    alias = slugify(text, lowercase=True, separator="-")
    if not alias or not _SHAPE.match(alias):
        raise AliasError(_l("Use only the letters a to z, digits and hyphens."))
    if not MIN_LENGTH <= len(alias) <= MAX_LENGTH:
        raise AliasError(
            _l(
                "A short link has between %(low)s and %(high)s characters.",
                low=MIN_LENGTH,
                high=MAX_LENGTH,
            )
        )
    return alias


def find(code: str) -> Page | None:
    alias = db.session.get(ShortAlias, code.lower())
    return db.session.get(Page, alias.page_id) if alias else None


def aliases_of(page: Page) -> list[ShortAlias]:
    return list(
        db.session.scalars(
            select(ShortAlias)
            .where(ShortAlias.page_id == page.id)
            .order_by(ShortAlias.created_at.desc(), ShortAlias.alias)
        )
    )


def preferred(page: Page) -> str | None:
    """The alias printed for a page: the latest one given."""
    return db.session.scalar(
        select(ShortAlias.alias)
        .where(ShortAlias.page_id == page.id)
        .order_by(ShortAlias.created_at.desc(), ShortAlias.alias.desc())
        .limit(1)
    )


def give(page: Page, raw: str, user=None) -> ShortAlias:
    """Give `page` a new alias, or say clearly why not (taken, confusable, malformed)."""
    alias = clean(raw)
    shape = skeleton(alias)
    taken = db.session.get(ShortAlias, alias)
    if taken is not None:
        owner = db.session.get(Page, taken.page_id)
        if owner is not None and owner.id == page.id:
            raise AliasError(_l("This page already has this short link."), owner)
        raise AliasError(
            _l(
                "This short link is already given, for ever, to “%(title)s”.",
                title=owner.title if owner else "?",
            ),
            owner,
        )
    similar = db.session.scalar(select(ShortAlias).where(ShortAlias.skeleton == shape))
    if similar is not None:
        owner = db.session.get(Page, similar.page_id)
        raise AliasError(
            _l(
                "“%(alias)s” could be read as “%(other)s”, already given: "
                "choose a short link that looks different.",
                alias=alias,
                other=similar.alias,
            ),
            owner,
        )
    if len(shape) <= SHORT_CODE_LENGTH and _looks_like_a_code(shape):
        raise AliasError(
            _l(
                "“%(alias)s” could be read as an existing short link: choose another.",
                alias=alias,
            )
        )
    entry = ShortAlias(
        alias=alias, skeleton=shape, page_id=page.id, created_by=getattr(user, "id", None)
    )
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:  # given a moment ago by someone else
        db.session.rollback()
        raise AliasError(_l("This short link was given a moment ago: choose another.")) from None
    return entry


def _looks_like_a_code(shape: str) -> bool:
    """Whether an alias of this skeleton reads as a page's short code. A code's skeleton can be
    shorter than the code ("rn" reads "m", "vv" reads "w"), at most by half."""
    codes = db.session.scalars(
        select(Page.short_code).where(
            func.length(Page.short_code).between(len(shape), 2 * len(shape))
        )
    )
    return any(skeleton(code) == shape for code in codes)


def code_is_free(code: str) -> bool:
    """For new short codes: not an alias, nor read as one."""
    return (
        db.session.get(ShortAlias, code) is None
        and db.session.scalar(select(ShortAlias.alias).where(ShortAlias.skeleton == skeleton(code)))
        is None
    )
