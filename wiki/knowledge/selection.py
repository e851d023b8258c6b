"""A selection of experiences, defined once: search words, facets and hand-picked pages.

The same URL arguments (`q`, `theme`, `scale`, `setting`, `status`, `region`, `department`,
`started`, `slug`…) mean the same thing in search, compare, its CSV and .xlsx, and the recurring
levers, so that a researcher carries one selection from tool to tool by its URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import islice

from flask_babel import lazy_gettext as _l

from wiki.knowledge.experiences import Filters
from wiki.limits import search_words
from wiki.search import query

MAX_PICKED = 500  # hand-picked pages in one URL
MAX_SEARCHED = 2000  # pages a search may bring into a selection


def unknown_arguments(args, *understood: str) -> list[str]:
    """The argument names of a selection URL that mean nothing here (a misspelt filter such as
    `departement=59` would otherwise silently select everything)."""
    known = {"q", "themes", "slug", "lang", *Filters.names(), *understood}
    return sorted(name[:50] for name in args if name not in known)


class SelectionError(ValueError):
    """A selection that cannot be read; the message says why, for the reader."""


@dataclass
class Selection:
    filters: Filters
    q: str = ""
    picked: list[str] = field(default_factory=list)
    truncated: bool = False  # the search matched more than MAX_SEARCHED pages

    @classmethod
    def from_args(cls, args) -> Selection:
        """From a request's arguments; unknown arguments are ignored."""
        values: Mapping = {name: args.get(name) for name in Filters.names()}
        if not values["theme"]:
            values = {**values, "theme": args.get("themes")}  # as /search writes it
        picked = list(dict.fromkeys(s.strip()[:255] for s in args.getlist("slug") if s.strip()))
        if len(picked) > MAX_PICKED:
            raise SelectionError(
                _l(
                    "A selection holds at most %(max)s hand-picked pages, not %(num)s.",
                    max=MAX_PICKED,
                    num=len(picked),
                )
            )
        return cls(Filters.from_mapping(values), search_words(args.get("q")).strip(), picked)

    @property
    def empty(self) -> bool:
        return not (self.q or self.picked or self.filters.as_dict())

    def args(self, **changes) -> dict:
        """The URL arguments of this selection (for url_for), with a few changed."""
        found: dict = dict(self.filters.as_dict())
        if self.q:
            found["q"] = self.q
        if self.picked:
            found["slug"] = list(self.picked)
        found.update(changes)
        return {k: v for k, v in found.items() if v not in (None, "", [])}

    def narrowed(self) -> Filters:
        """The filters, narrowed to the hand-picked pages and to those the search words find."""
        slugs = set(self.picked) if self.picked else None
        if self.q:
            hits = islice(query.export(self.q, None), MAX_SEARCHED + 1)
            found = {hit.slug for hit in hits}
            self.truncated = len(found) > MAX_SEARCHED
            slugs = found if slugs is None else slugs & found
        return replace(self.filters, slugs=frozenset(slugs) if slugs is not None else None)
