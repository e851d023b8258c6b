"""Sessions the server can revoke: logout, password change and block cut old cookies."""

from sqlalchemy import func, select

from tests.conftest import csrf_token, log_in
from wiki.auth import service
from wiki.models import UserSession


def _cookies(client) -> dict:
    return {c.key: c.value for c in client._cookies.values()}


def _replay(app, cookies: dict):
    """A second browser holding a copy of the cookies (as an attacker who stole them)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="essaim.test")
    return other


def test_an_old_session_cookie_replayed_after_logout_is_refused(app, client, user):
    log_in(client)
    stolen = _cookies(client)
    assert _replay(app, stolen).get("/wiki/jardin/edit").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    response = _replay(app, stolen).get("/wiki/jardin/edit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_remember_me_cookie_alone_is_refused_after_logout(app, client, user):
    token = csrf_token(client, "/login")
    client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "camille",
            "password": "un mot de passe solide",
            "remember": "y",
        },
    )
    remember = {k: v for k, v in _cookies(client).items() if k == "remember_token"}
    assert remember
    assert _replay(app, remember).get("/wiki/jardin/edit").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _replay(app, remember).get("/wiki/jardin/edit").status_code == 302


def test_login_starts_a_new_session_and_stores_only_a_hash(app, client, user, db):
    client.get("/login")
    before = _cookies(client).get("session")
    log_in(client)
    assert _cookies(client)["session"] != before
    row = db.session.scalar(select(UserSession))
    cookie_id = f"{user.id}:"
    assert row.token_hash and cookie_id not in row.token_hash and len(row.token_hash) == 64


def test_password_change_logs_out_the_other_devices_but_not_this_one(app, client, user):
    log_in(client)
    laptop = app.test_client()
    log_in(laptop)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "current": "un mot de passe solide",
            "password": "une nouvelle phrase de passe",
            "confirm": "une nouvelle phrase de passe",
        },
    )
    assert response.status_code == 302
    assert client.get("/wiki/jardin/edit").status_code == 200
    assert laptop.get("/wiki/jardin/edit").status_code == 302
    assert service.authenticate("camille", "une nouvelle phrase de passe") is not None


def test_a_remembered_device_is_revoked_from_the_account_page(app, client, user, db):
    log_in(client)
    phone = app.test_client()
    log_in(phone)
    page = client.get("/account").get_data(as_text=True)
    assert page.count("log out this device") == 2 or page.count("déconnecter cet appareil") == 2
    phone_row = db.session.scalars(select(UserSession).order_by(UserSession.id.desc())).first()
    response = client.post(
        f"/account/sessions/{phone_row.id}/revoke",
        data={"csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 302
    assert phone.get("/wiki/jardin/edit").status_code == 302
    assert client.get("/wiki/jardin/edit").status_code == 200


def test_someone_else_s_session_cannot_be_revoked(app, client, user, make_user, db):
    make_user("dominique", "un autre mot de passe")
    other = app.test_client()
    log_in(other, "dominique", "un autre mot de passe")
    log_in(client)
    theirs = db.session.scalar(
        select(UserSession).where(UserSession.user_id != user.id).order_by(UserSession.id)
    )
    response = client.post(
        f"/account/sessions/{theirs.id}/revoke",
        data={"csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 404
    assert other.get("/wiki/jardin/edit").status_code == 200


def test_a_blocked_account_s_open_session_stops_at_its_next_request(
    app, client, user, make_user, db
):
    moderator = make_user("modeste", "un mot de passe de modo", role="moderator")
    log_in(client)
    assert client.get("/wiki/jardin/edit").status_code == 200
    service.block(moderator, user, "Pages publicitaires", None)
    assert client.get("/wiki/jardin/edit").status_code == 302
    assert (
        db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))
        == 0
    )
    # Logging in again says why, and does not open a session.
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "camille", "password": "un mot de passe solide"},
    )
    assert response.status_code == 403
    assert "Pages publicitaires" in response.get_data(as_text=True)


def test_a_block_that_ended_lets_the_person_back_in(app, client, user, make_user, db):
    from datetime import timedelta

    from wiki.models import utcnow

    moderator = make_user("modeste", "un mot de passe de modo", role="moderator")
    service.block(moderator, user, "Une semaine pour se calmer", utcnow() + timedelta(days=7))
    user.blocked_until = utcnow() - timedelta(minutes=1)  # a week later
    db.session.commit()
    log_in(client)
