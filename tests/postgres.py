"""A throwaway PostgreSQL database per test, so that tests running in parallel never share one."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("ESSAIM_TEST_POSTGRES_URL")

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set ESSAIM_TEST_POSTGRES_URL to run against PostgreSQL (CI does)"
)


@contextmanager
def fresh_database():
    """The URL of a new, empty database on the test server, dropped afterwards."""
    server = make_url(POSTGRES_URL)
    name = f"essaim_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
