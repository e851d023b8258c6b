"""Process-level behaviour of the web app: start-up work, security headers."""

import shutil

from tests.conftest import make_app
from wiki.extensions import db


def test_pages_left_queued_by_a_stopped_worker_are_indexed_after_a_restart(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    stopped = make_app(tmp_path, SEARCH_INDEXING="off")  # as if the worker died before indexing
    with stopped.app_context():
        from wiki.auth.service import create_user
        from wiki.pages.service import save_page

        save_page(
            slug=None,
            title="Frigo solidaire de Nyons",
            text="Un frigo partagé.",
            author=create_user("lou", "un mot de passe solide"),
        )
        db.engine.dispose()

    restarted = make_app(tmp_path)
    with restarted.app_context():
        from wiki.search.query import search

        assert search("frigo").total == 0
        restarted.test_client().get("/")  # the first request starts the indexing
        assert search("frigo").total == 1
        db.engine.dispose()


def test_responses_carry_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    import pytest

    from wiki import create_app

    with pytest.raises(RuntimeError, match="ESSAIM_SECRET_KEY"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": None,
                "DATA_DIR": tmp_path,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )


def test_template_translations_escape_their_variables_and_follow_the_language(app):
    """The templates' gettext is bound to the request's catalogue once per render: French by
    default, English on request, placeholders escaped, plurals by number."""
    from flask import render_template_string

    source = (
        "{{ _('Revision %(n)s', n=title) }}|"
        "{{ ngettext('My booklet (%(num)s)', 'My booklet (%(num)s)', 2) }}|"
        "{{ _('Read') }}"
    )
    # Each in its own app context: Flask-Babel keeps the chosen locale on `g`.
    with app.app_context(), app.test_request_context("/"):
        french = render_template_string(source, title="<script>x</script>")
    with app.app_context(), app.test_request_context("/?lang=en"):
        english = render_template_string(source, title="<b>")
    assert french == "Version &lt;script&gt;x&lt;/script&gt;|Mon livret (2)|Lire"
    assert english == "Revision &lt;b&gt;|My booklet (2)|Read"
