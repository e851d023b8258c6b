"""Anti-spam without third parties: honeypot, minimum fill time, challenge, blocked terms."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, log_in
from wiki import antispam
from wiki.models import AuditEntry, Revision, User


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    stamp = re.search(r'name="form_started" value="([^"]+)"', html)
    assert stamp, f"no anti-spam fields on {url}"
    return {"csrf_token": csrf_token(client, url), "form_started": stamp.group(1)}


def _register(client, extra=None, form=None, **fields):
    data = {
        **(form or _form(client, "/register")),
        "username": "yanis",
        "password": "une phrase assez longue",
        "confirm": "une phrase assez longue",
        **fields,
    }
    data.update(extra or {})
    return client.post("/register", data=data)


@pytest.fixture
def timed(app):
    app.config["SPAM_MIN_FILL_SECONDS"] = 2
    return app


def test_a_filled_honeypot_is_refused(client, db):
    response = _register(client, website="http://spam.example")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_form_sent_faster_than_a_person_types_is_refused(timed, client, db, monkeypatch):
    response = _register(client)
    assert response.status_code == 400 and "très rapide" in response.get_data(as_text=True)
    form = _form(client, "/register")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3)  # a person took three seconds
    assert _register(client, form=form).status_code == 302


def test_a_form_without_or_with_a_forged_stamp_is_refused(timed, client, db):
    assert _register(client, extra={"form_started": ""}).status_code == 400
    assert _register(client, extra={"form_started": "1700000000.0"}).status_code == 400


def test_edits_carry_the_same_checks(timed, client, user, db, make_page):
    make_page(title="Jardin")
    log_in(client)
    data = {**_form(client, "/wiki/jardin/edit"), "text": "# Jardin\n\nvite", "mode": "raw"}
    assert client.post("/wiki/jardin/edit", data=data).status_code == 400
    data["website"] = "x"
    assert client.post("/wiki/jardin/edit", data=data).status_code == 400
    assert db.session.scalar(select(func.count(Revision.id))) == 1


def test_the_challenge_question_set_by_an_administrator(client, make_user, db):
    make_user("ondine", "un mot de passe d'admin", role="administrator")
    log_in(client, "ondine", "un mot de passe d'admin")
    response = client.post(
        "/admin/spam",
        data={
            "csrf_token": csrf_token(client, "/admin/spam"),
            "question": "Quelle rivière traverse Raismes ?",
            "answers": "Escaut\nl'Escaut",
            "blocked_terms": "casino\npilules.example",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry.action)) == "settings.spam"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "Quelle rivière" in client.get("/register").get_data(as_text=True)
    assert _register(client, challenge="la Seine").status_code == 400
    assert _register(client, challenge="  ESCAUT ").status_code == 302


def test_blocked_words_and_domains_are_refused_in_edits_and_names(logged_in, db, make_page):
    antispam.set_setting("blocked_terms", "Casino\npilules.example")
    db.session.commit()
    make_page(title="Jardin")
    data = {**_form(logged_in, "/wiki/jardin/edit"), "mode": "raw"}
    response = logged_in.post(
        "/wiki/jardin/edit", data={**data, "text": "# Jardin\n\nJouez au CASINO !"}
    )
    assert response.status_code == 422
    assert "casino" in response.get_data(as_text=True) and "Jouez au CASINO" in response.get_data(
        as_text=True
    )
    client = logged_in.application.test_client()
    assert _register(client, display_name="Pilules.example").status_code == 422


def test_rate_limits_are_read_from_the_configuration(tmp_path, migrated_db):
    import shutil

    from tests.conftest import make_app

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, REGISTER_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        codes = [_register(client, username=f"nom{i}").status_code for i in range(3)]
    assert codes[-1] == 429
