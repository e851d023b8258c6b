"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that describes every /api/v1 route."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.api.conftest import openapi_path
from wiki.api.service import openapi_document


def test_description_is_a_valid_openapi_3_1_document(api):
    document = api("/api/v1/openapi.json").get_json()

    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document == openapi_document()


def test_every_api_route_is_described_and_every_description_is_a_route(app):
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():  # reads and writes of one path are separate rules
        if rule.rule.startswith("/api/v1"):
            routes.setdefault(openapi_path(rule.rule), set()).update(
                rule.methods - {"HEAD", "OPTIONS"}
            )
    described = openapi_document()["paths"]

    assert set(routes) == set(described)
    for path, methods in routes.items():
        assert {m.lower() for m in methods} == set(described[path]), path


def test_communes_answer_as_described(api):
    communes = api("/api/v1/communes?q=lodeve").get_json()

    assert communes[0]["name"] == "Lodève"
    assert api("/api/v1/communes?q=").get_json() == []
