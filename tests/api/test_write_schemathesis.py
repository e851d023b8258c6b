"""Schemathesis on the write operations of /api/v1, with a token that may write: generated
bodies (valid and hostile) never get a server error, and every answer is one the description
lists. Bounded and derandomized, like tests/api/test_schemathesis.py (which runs the reads)."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.conftest import make_app
from wiki.extensions import db as _db

EXAMPLES = 40
WRITES = {("POST", "/api/v1/pages"), ("PUT", "/api/v1/pages/{slug}"), ("POST", "/api/v1/files")}


@pytest.fixture
def write_schema(tmp_path, migrated_db):
    from wiki.auth.api_tokens import create
    from wiki.auth.service import create_user
    from wiki.pages.service import save_page

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, SERVER_NAME=None, SEARCH_INDEXING="off")
    with app.app_context():
        author = create_user("camille", "un mot de passe solide")
        save_page(
            slug=None,
            title="Jardin partagé d’Anzin",
            text="# Jardin partagé d’Anzin\n\n## Leviers\n- les élus\n",
            author=author,
        )
        _token, secret = create(author, "schemathesis", "write")
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), secret
        _db.session.remove()
        _db.engine.dispose()


def test_generated_writes_never_get_a_server_error(write_schema):
    schema, secret = write_schema
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if (result.ok().method.upper(), result.ok().path) in WRITES
    ]
    assert len(operations) == len(WRITES)
    server_errors, undescribed = [], []
    statuses: dict[int, int] = {}
    for operation in operations:
        described = set(operation.definition.raw["responses"])

        @given(
            case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call(headers={"Authorization": f"Bearer {secret}"})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                server_errors.append(f"{response.status_code} {case.as_curl_command()}")
            elif str(response.status_code) not in described:  # noqa: B023 (called right here)
                undescribed.append(f"{response.status_code} {case.method} {case.path}")

        call()
    print(f"schemathesis (writes): {sum(statuses.values())} requests, {sorted(statuses.items())}")
    assert server_errors == [], "\n".join(server_errors)
    assert undescribed == [], "\n".join(sorted(set(undescribed)))
