"""Page addresses: the slug of a title ("Jardin partagé" -> "jardin-partage")."""

from __future__ import annotations

from slugify import slugify


def slug_for(title: str) -> str:
    return slugify(title, max_length=200, word_boundary=True, save_order=True)
