"""Schemathesis against /api/v1/openapi.json: generated requests never get a server error.

A bounded run (a fixed number of examples per operation, derandomized so that CI runs the same
requests every time) through the WSGI app, on a wiki holding a few pages with revisions.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.conftest import make_app
from wiki.extensions import db as _db


@pytest.fixture
def api_schema(tmp_path, migrated_db):
    import shutil

    from wiki.auth.service import create_user
    from wiki.pages.service import save_page

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, SERVER_NAME=None)  # schemathesis calls http://localhost
    with app.app_context():
        author = create_user("camille", "un mot de passe solide")
        first = save_page(
            slug=None,
            title="Jardin partagé d’Anzin",
            text="---\ntype: experience\nthemes: [alimentation]\nstatus: en cours\n---\n"
            "# Jardin partagé d’Anzin\n\n## Leviers\n- les élus\n",
            author=author,
            comment="création",
        )
        save_page(
            slug=first.page.slug,
            title=None,
            text=first.text + "\n## Verrous\n- le foncier\n",
            author=author,
            comment="verrous",
        )
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        _db.session.remove()
        _db.engine.dispose()


# Examples per operation, and which generation modes: valid requests (what the description
# allows) and invalid ones (what a careless or hostile client sends).
EXAMPLES = 40


def test_generated_api_requests_never_get_a_server_error(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10  # the described /api/v1 routes (writes answer 401 here)
    server_errors = []
    statuses: dict[int, int] = {}
    for operation in operations:

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
            response = case.call()
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                server_errors.append(f"{response.status_code} {case.as_curl_command()}")

        call()
    print(f"schemathesis: {sum(statuses.values())} requests, statuses {sorted(statuses.items())}")
    assert server_errors == []
