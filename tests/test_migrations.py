"""The schema comes from Alembic migrations, never from create_all()."""

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import make_app
from wiki.extensions import db


def test_alembic_upgrade_head_builds_the_schema_on_an_empty_sqlite_file(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "users",
            "pages",
            "revisions",
            "slug_redirects",
            "links",
            "themes",
            "statements",
            "index_queue",
        } <= tables
        assert db.session.execute(text("select count(*) from themes")).scalar() == 12
        assert db.session.execute(text("pragma journal_mode")).scalar() == "wal"
        downgrade(revision="base")
        assert "pages" not in inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("ESSAIM_TEST_POSTGRES_URL"),
    reason="set ESSAIM_TEST_POSTGRES_URL to run against PostgreSQL (CI does)",
)
def test_migrations_and_a_save_work_on_postgresql(tmp_path):
    from wiki.auth.service import create_user
    from wiki.pages import service

    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=os.environ["ESSAIM_TEST_POSTGRES_URL"])
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        try:
            user = create_user("camille", "un mot de passe solide")
            page = service.save_page(
                slug=None, title="Énergie citoyenne", text="# Énergie\n\n- levier", author=user
            ).page
            second = service.save_page(
                slug=page.slug,
                title=None,
                text="# Énergie\n\n- levier\n- autre",
                author=user,
                base_id=page.current_id,
            )
            assert second.number == 2
            service.rename_page(page, "Énergie citoyenne en Gâtine", user)
            assert service.find_page("energie-citoyenne").redirected
        finally:
            db.session.rollback()
            downgrade(revision="base")
            db.engine.dispose()


def test_roles_of_the_first_version_become_contributor_and_administrator(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision="0001")
        db.session.execute(
            text(
                "insert into users (username, password_hash, role, created_at) values "
                "('ancienne', 'x', 'editor', '2026-01-01'), ('cheffe', 'x', 'admin', '2026-01-01')"
            )
        )
        db.session.commit()
        upgrade()
        roles = dict(db.session.execute(text("select username, role from users")).all())
        assert roles == {"ancienne": "contributor", "cheffe": "administrator"}
        tables = set(inspect(db.engine).get_table_names())
        assert {"user_sessions", "audit_log", "pending_edits", "site_settings"} <= tables
        downgrade(revision="0001")
        roles = dict(db.session.execute(text("select username, role from users")).all())
        assert roles == {"ancienne": "editor", "cheffe": "admin"}
        db.engine.dispose()
