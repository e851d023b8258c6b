"""What goes into a booklet: the researchers' selection, a territory, a tag or the basket.

The selection (search words, facets, hand-picked `slug=` pages) is the one of
wiki.knowledge.selection, read from the same URL arguments as search, compare, the map and the
spreadsheets, so that "Livret" opened from any of them prints exactly the experiences they show.
Beside it the booklet knows three festival criteria: a territory (name or INSEE code), a tag
(`festival-2026`) and the visitor's basket of pages. Everything given narrows the choice.

Counting is done by the database and at most `limit` pages are loaded: a selection of thousands
of pages answers at once with its size and a message, it is never laid out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from slugify import slugify
from sqlalchemy import func, or_, select

from wiki.extensions import db
from wiki.knowledge.experiences import EXPERIENCE, Filters
from wiki.knowledge.selection import Selection, SelectionError
from wiki.models import Page, PageTag, Revision

__all__ = ["Choice", "Criteria", "SelectionError", "choose", "is_public"]

HIDDEN_NAMED = 20  # titles of hidden pages read out at most


def is_public(page: Page) -> bool:
    """False for a page moderators hid or deleted (its current text hidden, or not public)."""
    if not getattr(page, "public", True):
        return False
    return page.current is not None and not page.current.hidden


@dataclass
class Criteria:
    """The booklet's criteria, read from a request's arguments (GET or the build form)."""

    selection: Selection = field(default_factory=lambda: Selection(Filters()))
    territory: str = ""
    tag: str = ""
    basket: bool = False

    @classmethod
    def from_args(cls, args) -> Criteria:
        """Raises SelectionError (with a message for the reader) for an unreadable selection."""

        def text(name: str) -> str:
            return " ".join((args.get(name) or "").split())[:200]

        chosen = Selection.from_args(args)
        if chosen.filters.theme:  # "Alimentation" or "alimentation": the theme's slug
            chosen.filters = replace(chosen.filters, theme=slugify(chosen.filters.theme))
        return cls(
            selection=chosen,
            territory=text("territory"),
            tag=text("tag"),
            basket=args.get("basket") in ("1", "on", "true"),
        )

    # Read by the booklet form, which shows words and theme as fields.
    @property
    def q(self) -> str:
        return self.selection.q

    @property
    def theme(self) -> str:
        return self.selection.filters.theme or ""

    def as_args(self) -> dict[str, str | list[str]]:
        """The URL arguments of these criteria (for url_for and the hidden fields of forms)."""
        values: dict = self.selection.args()
        values.update({k: v for k, v in (("territory", self.territory), ("tag", self.tag)) if v})
        if self.basket:
            values["basket"] = "1"
        return values

    def pairs(self) -> list[tuple[str, str]]:
        """as_args() as (name, value) pairs, a hand-picked page each: for hidden form fields."""
        return [
            (name, each)
            for name, value in self.as_args().items()
            for each in (value if isinstance(value, list) else [value])
        ]

    @property
    def given(self) -> bool:
        return bool(self.as_args())


@dataclass
class Choice:
    """The pages a booklet would print, and what was left out."""

    pages: list[Page] = field(default_factory=list)  # in print order, at most the limit asked
    total: int = 0  # pages that would be printed, all of them
    missing: int = 0  # ids of the basket that lead nowhere any more
    hidden: list[str] = field(default_factory=list)  # titles left out: hidden by moderators
    hidden_count: int = 0
    truncated: bool = False  # the search words matched more pages than a selection holds
    not_experiences: int = 0  # hand-picked pages that are no experience (a theme, a guide…)
    criteria: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.total


def choose(criteria: Criteria, basket_ids: Iterable[int] = (), limit: int = 300) -> Choice:
    """The pages matching every criterion given, at most `limit` of them loaded.

    Order: the basket's when the basket is used, else the reading order of titles (the one of
    compare). Pages of the selection are experiences, as in compare; a basket may hold any page.
    """
    chosen = criteria.selection
    filters = chosen.narrowed() if (chosen.q or chosen.picked) else chosen.filters
    # Filters.where keeps only public pages; the basket may hold pages removed since.
    statement = select(Page.id).where(Page.current_id.is_not(None))
    order: list[int] | None = None
    missing = removed = 0
    if criteria.basket:
        ids = list(dict.fromkeys(int(i) for i in basket_ids))
        found = dict(db.session.execute(select(Page.id, Page.public).where(Page.id.in_(ids))).all())
        missing = len([i for i in ids if i not in found])
        removed = len([i for i in ids if found.get(i) is False])
        statement = statement.where(Page.id.in_(list(found)))
        order = [i for i in ids if i in found]
    else:
        statement = statement.where(Page.type == EXPERIENCE)
    statement = filters.where(statement)
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
    current = statement.join(Revision, Revision.id == Page.current_id)
    shown = current.where(Revision.hidden.is_(False))
    hidden_rows = current.where(Revision.hidden.is_(True))
    total = db.session.scalar(select(func.count()).select_from(shown.subquery()))
    hidden_count = db.session.scalar(select(func.count()).select_from(hidden_rows.subquery()))
    hidden = list(
        db.session.scalars(
            select(Page.title)
            .where(Page.id.in_(hidden_rows))
            .order_by(Page.slug)
            .limit(HIDDEN_NAMED)
        )
    )
    if order is None:
        pages = list(
            db.session.scalars(
                select(Page).where(Page.id.in_(shown)).order_by(Page.slug).limit(limit)
            )
        )
    else:
        kept = set(db.session.scalars(shown))
        first = [i for i in order if i in kept][:limit]
        loaded = {p.id: p for p in db.session.scalars(select(Page).where(Page.id.in_(first)))}
        pages = [loaded[i] for i in first if i in loaded]
    not_experiences = 0
    if chosen.picked and not criteria.basket:
        experiences = select(Page.slug).where(
            Page.slug.in_(chosen.picked), Page.type == EXPERIENCE, Page.public.is_(True)
        )
        not_experiences = len(chosen.picked) - len(set(db.session.scalars(experiences)))
    return Choice(
        pages=pages,
        not_experiences=not_experiences,
        total=total,
        missing=missing,
        hidden=hidden,
        hidden_count=hidden_count + removed,
        truncated=chosen.truncated,
        criteria=criteria.as_args(),
    )
