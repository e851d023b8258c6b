"""`essaim serve`'s search indexer: one process beside the workers, started again if it dies."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import pytest

from tests.ops.server import Server, Visitor, found, wait_for

PASSWORD = "un mot de passe solide"


@pytest.fixture(scope="module")
def served(tmp_path_factory, migrated_db):
    data_dir = tmp_path_factory.mktemp("indexer")
    shutil.copy(migrated_db, data_dir / "essaim.db")
    server = Server(data_dir, ESSAIM_RATELIMIT_ENABLED="0")
    server.essaim("users", "create", "camille", "--password", PASSWORD, "--role", "administrator")
    server.start()
    wait_for(lambda: server.indexer() is not None, timeout=30)
    camille = Visitor(server)
    camille.log_in("camille", PASSWORD)
    yield server, camille
    server.stop()


def test_the_indexer_not_the_workers_indexes_a_save(served):
    server, camille = served
    indexer = server.indexer()
    assert len(server.workers()) == 2 and indexer not in server.workers()
    camille.save("grainotheque-de-douai", "Grainothèque de Douai", "Semences paysannes.")
    wait_for(lambda: found(server, "grainotheque") == 1, timeout=10)

    # While the indexer is paused the workers index nothing: the save waits in the queue…
    os.kill(indexer, signal.SIGSTOP)
    try:
        camille.save("repair-cafe-de-lens", "Repair café de Lens", "Réparer ensemble.")
        time.sleep(1.5)
        assert found(server, "repair") == 0
        assert server.get("/wiki/repair-cafe-de-lens")[0] == 200  # the page itself is saved
    finally:
        os.kill(indexer, signal.SIGCONT)
    # …and its datagram woke the indexer as soon as it could run again.
    wait_for(lambda: found(server, "repair") == 1, timeout=10)


def test_a_killed_indexer_is_started_again_and_indexes_what_was_saved_meanwhile(served):
    server, camille = served
    first = server.indexer()
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: server.indexer() != first, timeout=10)  # gone (it may not be back yet)
    camille.save("jardin-partage-arras", "Jardin partagé d'Arras", "Des parcelles en commun.")
    wait_for(lambda: server.indexer() not in (None, first), timeout=30)
    wait_for(lambda: found(server, "parcelles") == 1, timeout=30)
    assert server.get("/healthz")[0] == 200  # the server went on serving throughout


def test_an_administrators_rebuild_runs_in_the_indexer_not_in_the_worker(served):
    server, camille = served
    # Its own page: under pytest-xdist the tests of this module may run in other processes,
    # each with its own server (the module's fixture), so none can count on another's saves.
    camille.save("bourse-aux-semis-cambrai", "Bourse aux semis de Cambrai", "Des graines.")
    _, html = camille.open("/admin/search")
    token = camille._field(html, "csrf_token")
    assert camille.open("/admin/search/rebuild", {"csrf_token": token})[0] == 302

    def progress():
        return json.loads(camille.open("/admin/search/progress.json")[1])

    wait_for(lambda: progress()["state"] == "done", timeout=60)
    assert progress()["done"] >= 1
    assert "Rebuilding the search index, as an administrator asked" in server.log()
    assert found(server, "cambrai") == 1  # the rebuilt index answers


def test_a_reload_starts_a_new_indexer_and_stopping_the_server_stops_it(served):
    server, camille = served
    before = server.indexer()
    server.process.send_signal(signal.SIGHUP)
    wait_for(lambda: server.indexer() not in (None, before), timeout=30)
    camille.save("covoiturage-bethune", "Covoiturage de Béthune", "Une ligne de covoiturage.")
    wait_for(lambda: found(server, "covoiturage") == 1, timeout=30)

    indexer = server.indexer()
    server.stop()
    wait_for(lambda: not os.path.exists(f"/proc/{indexer}"), timeout=10)
    assert "exited with code" not in server.log()  # stopped cleanly, not killed
