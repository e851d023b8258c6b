"""Two accounts, a page about "alimentation" in Raismes, and a real local SMTP server."""

from __future__ import annotations

import pytest

from wiki.models import utcnow

RAISMES = """---
type: experience
territory: Raismes
insee: "59491"
themes: [alimentation]
status: en cours
---
# Jardin partagé des Tilleuls

## Ce qui a été fait
Des bacs, un compost, l’école du quartier.
"""


@pytest.fixture
def people(db, make_user):
    """Camille (follows things) and Dominique (edits), both with confirmed addresses."""
    camille = make_user("camille")
    dominique = make_user("dominique")
    for person in (camille, dominique):
        person.email = f"{person.username}@example.org"
        person.email_confirmed_at = utcnow()
    db.session.commit()
    return camille, dominique


@pytest.fixture
def jardin(people):
    from wiki.pages.service import save_page

    return save_page(slug=None, title="Jardin partagé des Tilleuls", text=RAISMES, author=None).page


def edit(page, author, extra="Un nouveau paragraphe, avec des œufs et l’été.") -> None:
    from wiki.pages.service import save_page

    current = page.current.text
    save_page(slug=page.slug, title=None, text=current + "\n" + extra + "\n", author=author)
