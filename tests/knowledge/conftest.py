"""Fixtures for the knowledge views: experience pages written the way volunteers write them."""

from __future__ import annotations

import pytest


def experience_text(
    title: str,
    *,
    territory: str | None = None,
    insee: str | None = None,
    scale: str | None = None,
    setting: str | None = None,
    themes: tuple[str, ...] = (),
    status: str | None = None,
    started: int | None = None,
    geo: tuple[float, float] | None = None,
    levers: tuple[str, ...] = (),
    obstacles: tuple[str, ...] = (),
    replicate: tuple[str, ...] = (),
    body: str = "",
) -> str:
    meta = ["type: experience"]
    if territory:
        meta.append(f"territory: {territory}")
    if insee:
        meta.append(f'insee: "{insee}"')
    if scale:
        meta.append(f"scale: {scale}")
    if setting:
        meta.append(f"setting: {setting}")
    if themes:
        meta.append(f"themes: [{', '.join(themes)}]")
    if status:
        meta.append(f"status: {status}")
    if started:
        meta.append(f"started: {started}")
    if geo:
        meta.append(f"geo: [{geo[0]}, {geo[1]}]")
    parts = [
        "---",
        *meta,
        "---",
        f"# {title}",
        "",
        "## Contexte",
        "",
        body or "Un projet local.",
        "",
    ]
    for heading, items in (
        ("Leviers", levers),
        ("Verrous", obstacles),
        ("Pour essaimer", replicate),
    ):
        if items:
            parts += [f"## {heading}", "", *(f"- {item}" for item in items), ""]
    return "\n".join(parts)


@pytest.fixture
def make_experience(make_page):
    def make(title: str, **fields):
        return make_page(title=title, text=experience_text(title, **fields))

    return make
