"""/admin/users: search, roles, block and unblock with a reason and an end date, contributions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, log_in
from wiki.auth import service
from wiki.models import AuditEntry, User, utcnow


@pytest.fixture
def admin(make_user):
    return make_user("ondine", "un mot de passe d'admin", role="administrator")


@pytest.fixture
def moderator(make_user):
    return make_user("modeste", "un mot de passe de modo", role="moderator")


def as_user(client, name, password):
    log_in(client, name, password)
    return client


def test_old_role_names_become_the_new_ones(app, make_user):
    assert make_user("ancien", "un mot de passe solide", role="editor").role == "contributor"
    assert make_user("chef", "un mot de passe solide", role="admin").role == "administrator"


def test_search_finds_accounts_by_login_or_display_name(client, admin, make_user):
    service.create_user("helene-b", "une phrase assez longue", display_name="Hélène Bœuf")
    as_user(client, "ondine", "un mot de passe d'admin")
    html = client.get("/admin/users?q=bœuf").get_data(as_text=True)
    assert "helene-b" in html and "modeste" not in html
    assert "helene-b" in client.get("/admin/users?q=HELENE").get_data(as_text=True)
    assert client.get("/admin/users?q=%25_").status_code == 200


def test_contributors_cannot_open_the_accounts_page(client, user):
    as_user(client, "camille", "un mot de passe solide")
    assert client.get("/admin/users").status_code == 403


def test_admin_changes_a_role_and_the_audit_log_says_so(client, admin, user, db):
    as_user(client, "ondine", "un mot de passe d'admin")
    response = client.post(
        f"/admin/users/{user.id}/role",
        data={
            "csrf_token": csrf_token(client, "/admin/users"),
            "role": "moderator",
            "reason": "Relectrice",
        },
    )
    assert response.status_code == 302
    assert db.session.get(User, user.id).role == "moderator"
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.reason) == ("user.role", admin.id, "Relectrice")
    assert "Relectrice" in client.get("/admin/log").get_data(as_text=True)


def test_a_moderator_cannot_change_roles_nor_act_on_an_administrator(
    client, moderator, admin, user, db
):
    as_user(client, "modeste", "un mot de passe de modo")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        f"/admin/users/{user.id}/role", data={"csrf_token": token, "role": "administrator"}
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/users/{admin.id}/block", data={"csrf_token": token, "reason": "coup d'État"}
    )
    assert response.status_code == 403
    assert "administrat" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).blocked_at is None
    assert db.session.get(User, user.id).role == "contributor"
    assert db.session.scalar(select(AuditEntry)) is None


def test_a_block_needs_a_reason_and_a_future_end(client, moderator, user, db):
    as_user(client, "modeste", "un mot de passe de modo")
    token = csrf_token(client, "/admin/users")
    blank = client.post(f"/admin/users/{user.id}/block", data={"csrf_token": token, "reason": "  "})
    assert blank.status_code == 400
    assert "Dites pourquoi" in blank.get_data(as_text=True) or "Say why" in blank.get_data(
        as_text=True
    )
    past = client.post(
        f"/admin/users/{user.id}/block",
        data={"csrf_token": token, "reason": "spam", "until": "2001-01-01T10:00"},
    )
    assert past.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).blocked_at is None
    assert db.session.scalar(select(AuditEntry)) is None


def test_block_until_a_date_then_unblock(client, moderator, user, db):
    as_user(client, "modeste", "un mot de passe de modo")
    token = csrf_token(client, "/admin/users")
    until = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/admin/users/{user.id}/block",
        data={"csrf_token": token, "reason": "Liens publicitaires", "until": until},
    )
    assert response.status_code == 302
    db.session.expire_all()
    blocked = db.session.get(User, user.id)
    assert blocked.is_blocked and blocked.blocked_until.strftime("%Y-%m-%dT%H:%M") == until
    again = client.post(f"/admin/users/{user.id}/unblock", data={"csrf_token": token})
    assert again.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_blocked
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.block", "user.unblock"]
    twice = client.post(f"/admin/users/{user.id}/unblock", data={"csrf_token": token})
    assert twice.status_code == 409


def test_nobody_blocks_themselves(client, moderator):
    as_user(client, "modeste", "un mot de passe de modo")
    response = client.post(
        f"/admin/users/{moderator.id}/block",
        data={"csrf_token": csrf_token(client, "/admin/users"), "reason": "test"},
    )
    assert response.status_code == 403


def test_the_account_page_lists_contributions(client, admin, user, make_page):
    make_page(title="Potager de la gare", author=user)
    as_user(client, "ondine", "un mot de passe d'admin")
    assert "Potager de la gare" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert client.get("/admin/users/999999").status_code == 404


def test_the_audit_log_cannot_be_changed_nor_deleted(app, db, admin, user):
    from wiki.models import AuditLogIsAppendOnly

    service.set_role(admin, user, "moderator", "essai")
    entry = db.session.scalar(select(AuditEntry))
    entry.reason = "effacé"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(db.session.scalar(select(AuditEntry)))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry)).reason == "essai"
