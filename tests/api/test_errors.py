"""Every answer under /api/v1 is JSON, errors included, and none needs or sets a cookie."""

from __future__ import annotations

import shutil

import pytest


@pytest.mark.parametrize(
    "argument", ["page=0", "page=abc", "per_page=1000", "per_page=-1", "page=1e3"]
)
def test_bad_slice_arguments_are_a_400_saying_which(api, argument):
    response = api(f"/api/v1/pages?{argument}")

    assert response.status_code == 400
    name = argument.split("=")[0]
    assert f"“{name}”" in response.get_json()["error"]["message"]


def test_bad_slice_argument_of_search_is_a_400_too(api):
    assert api("/api/v1/search?q=jardin&per_page=0").status_code == 400


def test_unknown_api_url_is_a_404_in_json(client):
    response = client.get("/api/v1/nothing/here")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404
    assert "openapi.json" in response.get_json()["error"]["message"]


def test_other_methods_than_get_are_a_405_in_json(client, make_page):
    make_page(title="Jardin")

    response = client.post("/api/v1/pages/jardin", data={"text": "vandalisme"})

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405
    assert "GET" in response.headers["Allow"]
    assert "Set-Cookie" not in response.headers


def test_site_pages_still_answer_errors_in_html(client):
    response = client.get("/wiki/page-qui-n-existe-pas/history")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_no_cookie_is_needed_nor_set(api, make_page):
    make_page(title="Jardin")

    for url in (
        "/api/v1/pages",
        "/api/v1/pages/jardin",
        "/api/v1/search?q=jardin",
        "/api/v1/themes",
        "/api/v1/openapi.json",
    ):
        response = api(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url


def test_unexpected_failure_is_a_500_in_json(client, monkeypatch):
    from wiki.api import service

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "pages", broken)

    response = client.get("/api/v1/pages")

    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == 500
    assert "disk on fire" not in response.get_data(as_text=True)


def test_api_is_rate_limited_with_a_json_429(tmp_path, migrated_db):
    from tests.api.conftest import check_against_description
    from tests.conftest import make_app

    data_dir = tmp_path / "limited"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "essaim.db")
    app = make_app(data_dir, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        responses = [client.get("/api/v1/themes") for _ in range(4)]
        check_against_description(app, "/api/v1/themes", responses[-1])

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[-1].get_json()["error"]["code"] == 429


def test_the_communes_autocomplete_is_under_the_api_rate_limit(tmp_path, migrated_db):
    from tests.conftest import make_app

    data_dir = tmp_path / "limited"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "essaim.db")
    app = make_app(data_dir, RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    responses = [client.get("/api/v1/communes?q=lod") for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 429, 429]
    assert responses[0].get_json()[0]["name"] == "Lodève"
    assert responses[-1].get_json()["error"]["code"] == 429
