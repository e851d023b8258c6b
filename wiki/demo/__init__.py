"""Demo content: realistic French experience pages with their history, loaded once."""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from wiki.extensions import db
from wiki.models import Page, User, utcnow
from wiki.pages import service

CONTENT_DIR = Path(__file__).parent / "content"


def _author(name: str) -> User:
    user = db.session.scalar(select(User).where(User.username == name))
    if user is None:
        # Demo authors cannot log in: their password is random and never shown.
        user = User(username=name, password_hash=generate_password_hash(secrets.token_hex(16)))
        db.session.add(user)
        db.session.commit()
    return user


def demo_pages() -> list[Path]:
    return sorted(p for p in CONTENT_DIR.iterdir() if (p / "page.toml").is_file())


def load_demo(force: bool = False, echo: Callable[[str], None] = lambda _m: None) -> int:
    if not force and db.session.scalar(select(func.count(Page.id))):
        return 0
    now = utcnow()
    loaded = 0
    for folder in demo_pages():
        spec = tomllib.loads((folder / "page.toml").read_text("utf-8"))
        if service.find_page(service.slug_for(spec["title"])) is not None:
            continue
        slug = None
        for entry in spec["revisions"]:
            revision = service.save_page(
                slug=slug,
                title=spec["title"],
                text=(folder / entry["file"]).read_text("utf-8"),
                author=_author(entry.get("author", "admin")),
                comment=entry.get("comment", ""),
                max_bytes=10 * 1024 * 1024,
                when=now - timedelta(days=entry.get("days_ago", 0)),
            )
            slug = revision.page.slug
        loaded += 1
        echo(f"  {spec['title']}")
    return loaded
