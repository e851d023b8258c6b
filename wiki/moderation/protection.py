"""Who may write a page: templates are administrators', protected pages moderators'."""

from __future__ import annotations

from wiki.content import templates
from wiki.models import Page, utcnow


def level(page: Page | None, slug: str | None = None) -> str | None:
    """Who may write a page: "administrator" (templates), "moderator" (protected), or None."""
    if templates.is_template_slug(page.slug if page else slug or ""):
        return "administrator"
    if page is None:
        return None
    if page.type == "template":
        return "administrator"
    if page.protected_until is not None and page.protected_until > utcnow():
        return "moderator"
    return None
