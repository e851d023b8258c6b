"""Accounts: registration, login, logout, remember me, safe redirects, roles."""

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, log_in
from wiki.auth import service
from wiki.auth.views import safe_next
from wiki.models import User


def register(client, name="Yanis", password="mon jardin est en fleurs", confirm=None, next_url=""):
    token = csrf_token(client, "/register")
    return client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": name,
            "password": password,
            "confirm": confirm or password,
            "next": next_url,
        },
    )


def test_register_logs_in_and_stores_a_hashed_password(client, db):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "yanis"))
    assert user.display_name == "Yanis"
    assert user.password_hash.startswith("scrypt:") and "mon jardin" not in user.password_hash
    assert "Yanis" in client.get("/").get_data(as_text=True)


def test_register_refuses_short_password_and_taken_name(client, user):
    assert register(client, name="autre", password="court").status_code == 400
    response = register(client, name="CAMILLE")
    assert response.status_code == 409


def test_register_refuses_mismatched_confirmation(client, db):
    assert register(client, confirm="autre chose encore").status_code == 400
    assert db.session.scalar(select(User)) is None


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, user):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "camille", "password": "mauvais mot de passe"},
    )
    assert response.status_code == 401
    unknown = client.post(
        "/login",
        data={"csrf_token": token, "username": "personne", "password": "mauvais mot de passe"},
    )
    assert unknown.status_code == 401


def test_login_without_csrf_token_is_refused(client, user):
    response = client.post(
        "/login", data={"username": "camille", "password": "un mot de passe solide"}
    )
    assert response.status_code == 400


def test_remember_me_sets_a_long_lived_cookie(client, user):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "camille",
            "password": "un mot de passe solide",
            "remember": "y",
        },
    )
    assert response.status_code == 302
    assert any("remember_token" in h for h in response.headers.getlist("Set-Cookie"))


def test_logout_needs_a_post_with_token(logged_in):
    assert logged_in.get("/logout").status_code == 405
    token = csrf_token(logged_in, "/")
    assert logged_in.post("/logout", data={"csrf_token": token}).status_code == 302
    assert logged_in.get("/wiki/x/edit").status_code == 302


def test_login_redirects_only_to_same_site_paths(client, user):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "camille",
            "password": "un mot de passe solide",
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_safe_next_refuses_other_hosts(target):
    assert safe_next(target) == "/"


def test_safe_next_keeps_local_paths():
    assert safe_next("/wiki/jardin/edit?x=1") == "/wiki/jardin/edit?x=1"


def test_login_is_rate_limited(tmp_path, migrated_db):
    import shutil

    from tests.conftest import make_app

    data_dir = tmp_path / "limited"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "essaim.db")
    app = make_app(data_dir, RATELIMIT_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        token = csrf_token(client, "/login")
        codes = [
            client.post(
                "/login",
                data={"csrf_token": token, "username": "camille", "password": "faux faux faux"},
            ).status_code
            for _ in range(12)
        ]
    assert codes[0] == 401
    assert codes[-1] == 429


def test_cli_creates_an_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "admin-essaim",
            "--role",
            "admin",
            "--password",
            "un long mot de passe",
        ]
    )
    assert result.exit_code == 0, result.output
    assert service.find_user("admin-essaim").is_admin
    again = runner.invoke(
        args=["users", "create", "admin-essaim", "--password", "un long mot de passe"]
    )
    assert again.exit_code != 0


def test_admin_can_log_in_after_cli_creation(app, client):
    service.create_user("gestionnaire", "un long mot de passe", role="admin")
    log_in(client, "gestionnaire", "un long mot de passe")
    assert "gestionnaire" in client.get("/").get_data(as_text=True)
