"""Reads behind the researchers' API routes: statements and recurring groups, a slice at a time."""

from __future__ import annotations

from sqlalchemy import func, select

from wiki.content.sections import normalise_item
from wiki.extensions import db
from wiki.knowledge import recurrences
from wiki.knowledge.experiences import EXPERIENCE, LEVER, OBSTACLE, REPLICATE, Filters
from wiki.models import Page, PageTheme, Statement

STATEMENT_KINDS = (LEVER, OBSTACLE, REPLICATE)
RECURRING_KINDS = (LEVER, OBSTACLE)
MAX_WORDS = 10


def words_of(text: str | None) -> list[str]:
    """The folded content words of `q` ("Délais administratifs" -> ["delais", "administratifs"])."""
    return normalise_item((text or "")[:500]).split()[:MAX_WORDS]


MAX_SLUGS = 200


def statements(
    filters: Filters,
    kind: str | None,
    words: list[str],
    number: int,
    per_page: int,
    slugs: list[str] | None = None,
) -> tuple[list[tuple[Statement, Page]], int]:
    """Statements of the experiences the filters let through (and among `slugs`, hand-picked
    pages, when given), holding every word of `words`, in page order then as written."""
    pages = filters.where(select(Page.id).where(Page.type == EXPERIENCE))
    if slugs:
        pages = pages.where(Page.slug.in_(slugs))
    query = select(Statement, Page).join(Page, Page.id == Statement.page_id)
    query = query.where(Statement.page_id.in_(pages))
    if kind:
        query = query.where(Statement.kind == kind)
    for word in words:
        query = query.where(Statement.key.contains(word, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Page.slug, Statement.kind, Statement.position, Statement.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return [(row.Statement, row.Page) for row in rows], total


def themes_of(page_ids: set[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {page_id: [] for page_id in page_ids}
    rows = db.session.execute(
        select(PageTheme.page_id, PageTheme.theme)
        .where(PageTheme.page_id.in_(page_ids))
        .order_by(PageTheme.theme)
    )
    for page_id, theme in rows:
        found[page_id].append(theme)
    return found


def recurring(
    kind: str, filters: Filters, minimum: int, number: int, per_page: int
) -> tuple[list[recurrences.Recurrence], int]:
    """One slice of the recurring groups of `kind`, most widespread first."""
    found = recurrences.recurrences(kind, filters=filters, minimum=minimum)
    start = (number - 1) * per_page
    return found[start : start + per_page], len(found)
