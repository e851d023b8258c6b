"""/healthz, /readyz and /metrics through the test client (gunicorn itself: test_serve.py)."""

from __future__ import annotations

from tests.conftest import make_app
from wiki.models import Change, IndexQueue


def test_healthz_answers_without_the_database(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/essaim.db")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["index_lag"] == 0


def test_readyz_refuses_traffic_when_the_database_is_unreachable(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/essaim.db")
    with app.app_context():
        response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_readyz_refuses_traffic_while_the_index_lags_too_far(app, client, db):
    app.config["READY_MAX_INDEX_LAG"] = 2
    app.config["SEARCH_INDEXING"] = "off"  # the queue stays as it is
    db.session.add_all(Change(page_id=i, kind="save") for i in (1, 2, 3))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "behind"
    assert response.json["index_lag"] == 3


def test_metrics_count_requests_per_endpoint_and_show_the_index_queue(client, db, make_page):
    make_page()
    client.get("/wiki/jardin-partage-des-tilleuls")
    client.get("/wiki/jardin-partage-des-tilleuls")
    client.application.config["SEARCH_INDEXING"] = "off"
    db.session.add(IndexQueue(page_id=999, attempts=2))
    db.session.add(Change(page_id=999, kind="save"))  # saved on another host, say
    db.session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'essaim_request_duration_seconds_bucket{endpoint="pages.view"' in text
    assert 'essaim_requests_total{endpoint="pages.view",method="GET",status="200"}' in text
    assert 'essaim_index_queue_pages{state="failing"} 1.0' in text
    assert "essaim_index_lag_changes 1.0" in text


def test_metrics_are_refused_to_addresses_not_allowed(app, client):
    app.config["METRICS_ALLOW"] = "10.1.0.0/16, 192.0.2.7"
    assert client.get("/metrics").status_code == 403  # the test client comes from 127.0.0.1
    allowed = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.4.2"})
    assert allowed.status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 403


def test_metrics_allow_list_applies_to_the_visitor_behind_a_trusted_proxy(tmp_path, migrated_db):
    import shutil

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, PROXIES=1, METRICS_ALLOW="127.0.0.1")
    with app.app_context():
        client = app.test_client()
        forged = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert forged.status_code == 403  # nginx on 127.0.0.1 forwards an outside visitor
        assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
