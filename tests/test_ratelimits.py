"""Rate-limit counters live in the database, so every worker and host counts together."""

from __future__ import annotations

import time

from limits.storage import storage_from_string

from wiki.ratelimits import DatabaseStorage


def test_the_default_storage_is_the_database(app):
    assert isinstance(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]), DatabaseStorage)


def test_a_counter_adds_up_across_storages_and_starts_again_when_its_window_ends(app):
    one, other = DatabaseStorage(), DatabaseStorage()  # as two workers would hold
    assert one.incr("login/10.0.0.1", 60) == 1
    assert other.incr("login/10.0.0.1", 60) == 2
    assert one.get("login/10.0.0.1") == 2 and one.get("login/10.0.0.2") == 0
    assert one.get_expiry("login/10.0.0.1") > time.time() + 50

    assert one.incr("short", 1) == 1
    time.sleep(1.1)
    assert one.get("short") == 0
    assert other.incr("short", 1) == 1

    one.clear("login/10.0.0.1")
    assert other.get("login/10.0.0.1") == 0
    assert one.check()
