"""API fixtures: `api` answers like the test client and checks each answer against openapi.json."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator

from wiki.api.service import openapi_document
from wiki.pages.service import save_page

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_path(rule: str) -> str:
    """/api/v1/pages/<slug> as OpenAPI writes it: /api/v1/pages/{slug}."""
    return _VARIABLE.sub(r"{\1}", rule)


def check_against_description(app, url: str, response, method: str = "get") -> None:
    """The status is one the description lists for this route, and the body fits its schema."""
    document = openapi_document()
    path = urlsplit(url).path
    rule, _args = app.url_map.bind("essaim.test").match(
        path, method=method.upper(), return_rule=True
    )
    operation = document["paths"][openapi_path(rule.rule)][method]
    described = operation["responses"].get(str(response.status_code))
    assert described is not None, f"{response.status_code} of {url} is not in openapi.json"
    if "$ref" in described:
        described = document["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
    if "content" not in described:  # a redirect
        assert not response.is_json
        return
    assert response.mimetype == "application/json"
    schema = described["content"]["application/json"]["schema"]
    # The response's schema, with the components beside it so that its $refs resolve.
    Draft202012Validator({**schema, "components": document["components"]}).validate(
        response.get_json()
    )


@pytest.fixture
def api(app, client):
    """GET an /api/v1 URL; the answer is checked against its description before it is returned."""

    def get(url: str, **kwargs):
        response = client.get(url, **kwargs)
        check_against_description(app, url, response)
        return response

    return get


@pytest.fixture
def save(app, user):
    """Save a page (create, or a new revision of an existing slug) through the page service."""

    def save_(title, text, slug=None, comment=""):
        return save_page(slug=slug, title=title, text=text, author=user, comment=comment)

    return save_
