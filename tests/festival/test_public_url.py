"""ESSAIM_PUBLIC_URL: printed material and feeds carry the public address, not the request's."""

from __future__ import annotations

import pytest

from tests.conftest import log_in, make_app
from tests.festival.conftest import PUBLIC, decode_png
from wiki.public import PublicURLError, normalise


def test_short_links_feeds_and_api_use_the_public_address(client, short_page):
    # The test client asks for essaim.test: nothing it builds should say so.
    feed = client.get("/feeds/recent.atom").get_data(as_text=True)
    assert f"{PUBLIC}/r/" in feed and "essaim.test" not in feed
    assert f'<link rel="self" href="{PUBLIC}/feeds/recent.atom"/>' in feed
    api = client.get(f"/api/v1/pages/{short_page.slug}").get_json()
    assert api["short_link"] == f"{PUBLIC}/s/{short_page.short_code}"
    kit = client.get(f"/wiki/{short_page.slug}/festival").get_data(as_text=True)
    assert f"{PUBLIC}/s/{short_page.short_code}" in kit


def test_qr_code_of_a_page_encodes_the_public_short_link(client, short_page):
    response = client.get(f"/wiki/{short_page.slug}/qr.png", base_url="http://127.0.0.1:5000")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decode_png(response.data) == [f"{PUBLIC}/s/{short_page.short_code}"]


def test_without_public_address_links_follow_the_request(tmp_path, migrated_db, make_user):
    import shutil

    from wiki.extensions import db
    from wiki.pages.service import save_page

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, SERVER_NAME=None)
    with app.app_context():
        user = make_user()
        page = save_page(slug=None, title="Four à pain", text="# Four", author=user).page
        client = app.test_client()
        png = client.get(f"/wiki/{page.slug}/qr.png", base_url="http://festival.local").data
        assert decode_png(png) == [f"http://festival.local/s/{page.short_code}"]
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://essaim.example.org/", "https://essaim.example.org"),
        ("  https://Essaim.Example.org/wiki/ ", "https://essaim.example.org/wiki"),
        ("", None),
        (None, None),
    ],
)
def test_public_address_is_normalised(value, expected):
    assert normalise(value) == expected


@pytest.mark.parametrize(
    "value", ["essaim.example.org", "ftp://x.org", "https://x.org/?a=1", "https://x.org/#top"]
)
def test_a_malformed_public_address_stops_the_start(value):
    with pytest.raises(PublicURLError):
        normalise(value)


def test_a_path_prefix_is_kept(tmp_path, migrated_db):
    import shutil

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, PUBLIC_URL="https://asso.example.org/essaim/")
    with app.test_request_context("/"):
        from flask import url_for

        assert url_for("pages.short_link", code="ab12cd", _external=True) == (
            "https://asso.example.org/essaim/s/ab12cd"
        )
        assert url_for("pages.short_link", code="ab12cd") == "/s/ab12cd"  # relative: unchanged


def test_admins_are_warned_loudly_when_production_has_no_public_address(app, client, make_user):
    make_user("admin", role="admin")
    make_user("camille")
    app.config.update(ENV_NAME="production", PUBLIC_URL=None)
    assert "ESSAIM_PUBLIC_URL" not in client.get("/").get_data(as_text=True)
    log_in(client, "camille")
    assert "ESSAIM_PUBLIC_URL" not in client.get("/").get_data(as_text=True)
    admin = app.test_client()
    from flask import g

    g.pop("csrf_token", None)  # the tests' shared app context would hand camille's token over
    log_in(admin, "admin")
    html = admin.get("/admin/search").get_data(as_text=True)
    assert 'role="alert"' in html and "ESSAIM_PUBLIC_URL" in html
    app.config["PUBLIC_URL"] = PUBLIC
    assert "ESSAIM_PUBLIC_URL" not in admin.get("/admin/search").get_data(as_text=True)
    app.config.update(ENV_NAME="development", PUBLIC_URL=None)
    assert "ESSAIM_PUBLIC_URL" not in admin.get("/admin/search").get_data(as_text=True)


def test_each_reader_gets_the_links_of_the_address_they_came_to(tmp_path, migrated_db, make_user):
    """URLs are remembered once built (wiki.public.Essaim.url_for): by host, scheme and the
    prefix a proxy mounts the wiki under, never one reader's address in another's page."""
    import shutil

    from wiki.extensions import db
    from wiki.pages.service import save_page

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, SERVER_NAME=None)
    with app.app_context():
        page = save_page(slug=None, title="Four à pain", text="# Four", author=make_user()).page
        client = app.test_client()
        path = f"/wiki/{page.slug}"

        def read(base_url, prefix=""):
            overrides = {"SCRIPT_NAME": prefix} if prefix else {}
            response = client.get(path, base_url=base_url, environ_overrides=overrides)
            assert response.status_code == 200
            return response.get_data(as_text=True)

        for _ in range(2):  # the second round reads the URLs the first one built
            local = read("http://festival.local")
            public = read("http://essaim.example.org")
            secure = read("https://essaim.example.org")
            proxied = read("http://essaim.example.org", prefix="/e")
            assert f'href="http://festival.local/p/{page.id}"' in local
            assert "essaim.example.org" not in local
            assert f'href="http://essaim.example.org/p/{page.id}"' in public
            assert "festival.local" not in public
            assert f'href="https://essaim.example.org/p/{page.id}"' in secure
            assert f'href="http://essaim.example.org/e/p/{page.id}"' in proxied
            assert f'href="/e/wiki/{page.slug}/history"' in proxied
            assert f'href="/wiki/{page.slug}/history"' in public
            assert 'href="/e/static/css/essaim.css"' in proxied
            assert 'href="/static/css/essaim.css"' in public
        db.session.remove()
        db.engine.dispose()
