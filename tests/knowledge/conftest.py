"""Fixtures for the knowledge views: experience pages written the way volunteers write them."""

from __future__ import annotations

import shutil

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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, migrated_db):
    """The demo content loaded once (it takes a while: every revision is indexed)."""
    from tests.conftest import make_app
    from wiki.demo import load_demo
    from wiki.extensions import db

    data_dir = tmp_path_factory.mktemp("demo")
    shutil.copy(migrated_db, data_dir / "essaim.db")
    app = make_app(data_dir)
    with app.app_context():
        assert load_demo() > 10
        db.session.remove()
        db.engine.dispose()
    return data_dir / "essaim.db"


@pytest.fixture
def demo_client(tmp_path, demo_db):
    """A client on a fresh copy of the demo wiki."""
    from tests.conftest import make_app
    from wiki.extensions import db

    data_dir = tmp_path / "demo"
    data_dir.mkdir()
    shutil.copy(demo_db, data_dir / "essaim.db")
    app = make_app(data_dir)
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()
