"""Password reset and e-mail confirmation, read from a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token, log_in
from tests.ops.server import free_port
from wiki.auth import service, tokens
from wiki.models import User


@pytest.fixture
def with_email(make_user, db):
    user = make_user()
    user.email = "camille@example.org"
    db.session.commit()
    return user


def _ask_reset(client, email):
    token = csrf_token(client, "/password/forgot")
    return client.post("/password/forgot", data={"csrf_token": token, "email": email})


def _reset(client, path, password):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, "password": password, "confirm": password})


def test_password_reset_by_mail_works_once(client, inbox, with_email, db):
    response = _ask_reset(client, "camille@example.org")
    assert response.status_code == 200
    assert "Si un compte a cette adresse" in response.get_data(as_text=True)
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "camille@example.org" and "mot de passe" in mail["Subject"].lower()
    path = inbox.last_link("/password/reset/")
    assert _reset(client, path, "une toute nouvelle phrase").status_code == 302
    assert service.authenticate("camille", "une toute nouvelle phrase") is not None
    # The same link a second time: refused, nothing changed.
    assert client.get(path).status_code == 400
    assert _reset(client, path, "encore une autre phrase").status_code == 400
    assert service.authenticate("camille", "une toute nouvelle phrase") is not None


def test_unknown_address_gets_the_same_answer_and_no_mail(client, inbox, with_email):
    known = _ask_reset(client, "camille@example.org").get_data(as_text=True)
    unknown = _ask_reset(client, "personne@example.org").get_data(as_text=True)

    def strip(html):
        return re.sub(r'value="[^"]{30,}"', "", html)

    assert strip(known) == strip(unknown)
    assert len(inbox.messages) == 1


def test_reset_cuts_the_sessions_of_the_account(app, client, inbox, with_email):
    phone = app.test_client()
    log_in(phone)
    _ask_reset(client, "camille@example.org")
    _reset(client, inbox.last_link("/password/reset/"), "une toute nouvelle phrase")
    assert phone.get("/wiki/jardin/edit").status_code == 302


@pytest.mark.parametrize(
    "token",
    ["forged", "eyJ1IjoxLCJwIjoiYWJjIn0.forged.signature", "x" * 2000, "%00", "..%2F..%2Fetc"],
)
def test_forged_tokens_are_refused_cleanly(client, with_email, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code in (400, 404)
    assert "n’est pas valide" in response.get_data(as_text=True) or response.status_code == 404


def test_an_expired_reset_link_says_so(app, client, with_email, monkeypatch):
    link = tokens.reset_token(with_email)
    import time

    later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(f"/password/reset/{link}")
    assert response.status_code == 400
    assert "expiré" in response.get_data(as_text=True)


def test_a_token_signed_with_another_key_is_refused(app, client, with_email):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("another key", salt=tokens.RESET).dumps(
        {"u": with_email.id, "p": "whatever"}
    )
    assert client.get(f"/password/reset/{forged}").status_code == 400


def test_email_confirmation_is_required_when_configured(app, client, inbox, db):
    app.config["REQUIRE_EMAIL_CONFIRMATION"] = True
    token = csrf_token(client, "/register")
    form = {
        "csrf_token": token,
        "username": "nouvelle",
        "password": "une phrase assez longue",
        "confirm": "une phrase assez longue",
    }
    assert client.post("/register", data=form).status_code == 400  # an address is needed
    response = client.post("/register", data={**form, "email": "nouvelle@example.org"})
    assert response.status_code == 302
    assert client.get("/wiki/jardin/edit").status_code == 403
    path = inbox.last_link("/account/confirm/")
    assert client.get(path).status_code == 200  # a button, not a change on GET
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    assert db.session.query(User).filter_by(username="nouvelle").one().email_confirmed_at
    assert client.get("/wiki/jardin/edit").status_code == 200
    assert client.get(path).status_code == 400  # single use


def test_smtp_settings_come_from_the_environment(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("ESSAIM_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("ESSAIM_MAIL_PORT", "587")
    monkeypatch.setenv("ESSAIM_MAIL_SECURITY", "starttls")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.MAIL_SERVER == "smtp.example.org"
        assert reloaded.Config.MAIL_PORT == 587
        assert reloaded.Config.MAIL_SECURITY == "starttls"
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_mail_server_down_still_answers_the_same(app, client, with_email):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    response = _ask_reset(client, "camille@example.org")
    assert response.status_code == 200
    assert "Si un compte a cette adresse" in response.get_data(as_text=True)
