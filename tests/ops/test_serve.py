"""`essaim serve` as deployed: real gunicorn master and workers on a loopback port."""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time

import pytest

from tests.ops.server import Server


def _count(metrics: str, endpoint: str) -> float:
    prefix = f'essaim_request_duration_seconds_count{{endpoint="{endpoint}",method="GET"}} '
    for line in metrics.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return 0.0


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_db):
    """One server for the module (each start costs seconds); tests leave it serving."""
    data_dir = tmp_path_factory.mktemp("serve")
    shutil.copy(migrated_db, data_dir / "essaim.db")
    server = Server(data_dir).start()
    yield server
    server.stop()


def test_serve_answers_pages_and_probes_with_two_workers(server):
    assert len(server.workers()) == 2
    status, html = server.get("/")
    assert status == 200
    assert "Essaim" in html
    assert server.get("/healthz") == (200, '{"status":"ok"}\n')
    status, body = server.get("/readyz")
    assert status == 200
    assert json.loads(body)["database"] == "ok"
    assert server.get("/wiki/nulle-part")[0] == 404


def test_hup_replaces_every_worker_without_failing_a_request(server):
    before = server.workers()
    failures: list[object] = []
    answered = 0
    stop = threading.Event()

    def visit():
        nonlocal answered
        while not stop.is_set():
            try:
                # Requests wait in the listen queue while the new workers import the app
                # (seconds on a busy machine): slow then, but never refused or failed.
                status, _ = server.get("/healthz")
                if status != 200:
                    failures.append(status)
            except OSError as error:
                failures.append(error)
            answered += 1

    visitors = [threading.Thread(target=visit) for _ in range(3)]
    for visitor in visitors:
        visitor.start()
    time.sleep(0.3)
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = server.workers()
        if len(now) == 2 and not (now & before):
            break
        time.sleep(0.1)
    time.sleep(0.3)
    stop.set()
    for visitor in visitors:
        visitor.join()
    after = server.workers()
    assert len(after) == 2 and not (after & before), server.log()
    assert failures == []
    assert answered > 20


def test_metrics_sum_every_worker_even_those_replaced_by_a_reload(server):
    for _ in range(30):
        assert server.get("/healthz")[0] == 200
    old = server.workers()
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while (server.workers() & old or len(server.workers()) != 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    for _ in range(10):
        assert server.get("/healthz")[0] == 200
    status, metrics = server.get("/metrics")
    assert status == 200
    # 30 answered by the old workers, 10 by the new ones; startup probes of start() add a few.
    assert _count(metrics, "ops.healthz") >= 40
    before_reload = _count(metrics, "ops.healthz") - 10
    assert before_reload >= 30
    assert "essaim_index_lag_changes 0.0" in metrics


def test_json_logs_one_object_per_line_with_each_request(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    server = Server(tmp_path, workers=1, ESSAIM_LOG_FORMAT="json").start()
    try:
        assert server.get("/wiki/nulle-part")[0] == 404
        time.sleep(0.3)
    finally:
        server.stop()
    lines = [line for line in server.log().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON, gunicorn's too
    visit = [r for r in records if r.get("path") == "/wiki/nulle-part"]
    assert visit and visit[0]["status"] == 404 and visit[0]["duration_ms"] >= 0
    assert any("gunicorn" in r.get("logger", "") for r in records)
