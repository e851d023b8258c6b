"""The theme vocabulary: themes with their counts, found by any of their names, and its upkeep."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import func, select

from wiki.content.slugs import slug_for
from wiki.content.text import fold
from wiki.extensions import db
from wiki.knowledge.experiences import EXPERIENCE, sort_key
from wiki.models import Page, PageTheme, Theme


@dataclass
class ThemeCount:
    theme: Theme
    experiences: int


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.slug)))


def themes_with_counts() -> list[ThemeCount]:
    """Every theme of the vocabulary, in the admins' order, with its number of experiences."""
    counts = dict(
        db.session.execute(
            select(PageTheme.theme, func.count(PageTheme.page_id))
            .join(Page, Page.id == PageTheme.page_id)
            .where(Page.type == EXPERIENCE)
            .group_by(PageTheme.theme)
        ).all()
    )
    return [ThemeCount(theme, counts.get(theme.slug, 0)) for theme in all_themes()]


def find_theme(name: str) -> Theme | None:
    """The theme with this slug, or whose slug or label reads the same once folded."""
    theme = db.session.get(Theme, name)
    if theme is not None:
        return theme
    wanted = fold(name)
    for theme in all_themes():
        if wanted in (fold(theme.slug), fold(theme.label_fr), fold(theme.label_en)):
            return theme
    return None


# -- upkeep by the administrators ---------------------------------------------------------------


class ThemeError(Exception):
    """A change to the vocabulary refused for a reason shown to the admin as is."""

    def __init__(self, message, pages: list[Page] | None = None):
        super().__init__(str(message))
        self.message = message
        self.pages = pages or []


def _clean_label(label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ThemeError(_l("Give the theme a label in French and in English."))
    return label[:128]


def _check_names_free(names: Iterable[str], but: str | None = None) -> None:
    """Labels and slugs are matched folded when reading front matter: they must not clash."""
    taken = {}
    for theme in all_themes():
        if theme.slug == but:
            continue
        for name in (theme.slug, theme.label_fr, theme.label_en):
            taken[fold(name)] = theme
    for name in names:
        other = taken.get(fold(name))
        if other is not None:
            raise ThemeError(
                _l(
                    "“%(name)s” is already used by the theme “%(theme)s”.",
                    name=name,
                    theme=other.label_fr,
                )
            )


def add_theme(label_fr: str, label_en: str, slug: str | None = None) -> Theme:
    label_fr, label_en = _clean_label(label_fr), _clean_label(label_en)
    slug = slug_for(slug or label_fr)[:64]
    if not slug:
        raise ThemeError(_l("The theme needs at least one letter or digit in its name."))
    _check_names_free([slug, label_fr, label_en])
    position = db.session.scalar(select(func.max(Theme.position)))
    theme = Theme(slug=slug, label_fr=label_fr, label_en=label_en, position=(position or 0) + 1)
    db.session.add(theme)
    db.session.commit()
    return theme


def update_theme(theme: Theme, label_fr: str, label_en: str) -> Theme:
    label_fr, label_en = _clean_label(label_fr), _clean_label(label_en)
    _check_names_free([label_fr, label_en], but=theme.slug)
    theme.label_fr, theme.label_en = label_fr, label_en
    db.session.commit()
    return theme


def move_theme(theme: Theme, offset: int) -> None:
    """Move a theme up (-1) or down (+1) in the list; positions are renumbered 0..n-1."""
    themes = all_themes()
    index = themes.index(theme)
    target = max(0, min(len(themes) - 1, index + offset))
    themes.insert(target, themes.pop(index))
    for position, each in enumerate(themes):
        each.position = position
    db.session.commit()


def pages_using_theme(theme: Theme) -> list[Page]:
    pages = db.session.scalars(
        select(Page)
        .join(PageTheme, PageTheme.page_id == Page.id)
        .where(PageTheme.theme == theme.slug)
    )
    return sorted(pages, key=lambda page: sort_key(page.title))


def remove_theme(theme: Theme) -> None:
    """Delete a theme no page uses; a theme in use is refused (pages would fail to save)."""
    used_by = pages_using_theme(theme)
    if used_by:
        raise ThemeError(
            _ln(
                "The theme “%(theme)s” is used by %(num)s page: remove it from its metadata first.",
                "The theme “%(theme)s” is used by %(num)s pages: remove it from their "
                "metadata first.",
                len(used_by),
                theme=theme.label_fr,
            ),
            pages=used_by,
        )
    db.session.delete(theme)
    db.session.commit()
