"""Every demo page re-saved unchanged through the form editor is accepted, on SQLite and
PostgreSQL (a fresh PostgreSQL database once answered 422 "le territoire ne correspond pas…")."""

from __future__ import annotations

import contextlib

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import log_in, make_app
from tests.pages.test_editor import form_data
from tests.postgres import fresh_database, needs_postgres
from wiki.extensions import db
from wiki.models import Page, Revision


@contextlib.contextmanager
def demo_app(tmp_path, backend: str):
    from wiki.auth.service import create_user
    from wiki.demo import load_demo

    with contextlib.ExitStack() as stack:
        overrides = {}
        if backend == "postgresql":
            overrides["SQLALCHEMY_DATABASE_URI"] = stack.enter_context(fresh_database())
        app = make_app(tmp_path, **overrides)
        with app.app_context():
            try:
                upgrade()
                assert load_demo() > 10
                create_user("relectrice", "un mot de passe solide", role="editor")
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def test_every_demo_page_resaved_unchanged_through_the_form_is_accepted(tmp_path, backend):
    with demo_app(tmp_path, backend) as app:
        client = app.test_client()
        log_in(client, "relectrice")
        pages = db.session.execute(select(Page.slug, Page.territory_code)).all()
        assert any(code == "243500741" for _slug, code in pages)  # Redon Agglomération's SIREN
        for slug, code in pages:
            before = db.session.scalar(select(func.count(Revision.id)))
            text = db.session.scalar(select(Page).where(Page.slug == slug)).current.text
            url = f"/wiki/{slug}/edit"
            response = client.post(url, data=form_data(client, url, comment="Relu"))
            assert response.status_code in (302, 303), (
                slug,
                response.status_code,
                response.get_data(as_text=True)[:1500],
            )
            db.session.expire_all()
            page = db.session.scalar(select(Page).where(Page.slug == slug))
            # Nothing rewritten (the form may add one blank line after the front matter).
            assert page.current.text.replace("---\n\n", "---\n") == text.replace(
                "---\n\n", "---\n"
            ), slug
            assert page.territory_code == code, slug
            assert db.session.scalar(select(func.count(Revision.id))) in (before, before + 1)
