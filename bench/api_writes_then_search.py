"""Hostile run: generated API writes (with a write token) interleaved with generated searches.

Usage: python bench/api_writes_then_search.py [--examples 40]
Runs schemathesis over every /api/v1 operation in one process with sync indexing, writes
included, and prints the statuses and every server error. Found on 2026-12-01 (branch interop):
after a few generated pages, some searches answered 500 (Whoosh reading past the end of a
segment's file). Cause: Hypothesis seeds the `random` module before each example, and Whoosh
named new segments with random.choice(), so a new segment took an existing one's name and
truncated its files. Fixed in wiki/search/engine/whoosh_fixes.py (names from `secrets`); this
run now prints "server errors: 0".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=40)
    args = parser.parse_args()
    import schemathesis
    from flask_migrate import upgrade
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    from tests.conftest import make_app
    from wiki.auth.api_tokens import create
    from wiki.auth.service import create_user
    from wiki.pages.service import save_page

    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-api-"))
    app = make_app(data_dir, SERVER_NAME=None)
    statuses: dict[int, int] = {}
    failures: list[str] = []
    with app.app_context():
        upgrade()
        author = create_user("camille", "un mot de passe solide")
        save_page(slug=None, title="Jardin partagé", text="# Jardin\n\n- les élus\n", author=author)
        _token, secret = create(author, "bench", "write")
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()

            @given(
                case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
                | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
            )
            @settings(
                max_examples=args.examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case):
                response = case.call(headers={"Authorization": f"Bearer {secret}"})
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.path} {case.query!r}"[:300])

            call()
    print(f"{sum(statuses.values())} requests, statuses {sorted(statuses.items())}")
    print(f"server errors: {len(failures)}")
    for failure in failures:
        print("  " + failure)


if __name__ == "__main__":
    main()
