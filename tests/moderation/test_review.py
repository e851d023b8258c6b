"""The review queue: new accounts' linked edits and flagged accounts' edits wait for a moderator."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, log_in
from wiki.auth import service as accounts
from wiki.models import AuditEntry, PendingEdit, Revision
from wiki.moderation import review
from wiki.pages import service


@pytest.fixture(autouse=True)
def new_accounts(app):
    """Accounts are new for their first ten edits (the tests' default turns it off)."""
    app.config["NEW_ACCOUNT_EDITS"] = 10


@pytest.fixture
def moderator(make_user):
    return make_user("modeste", "un mot de passe de modo", role="moderator")


def edit(client, slug, text, title=None, comment=""):
    url = f"/wiki/{slug}/edit"
    data = {"csrf_token": csrf_token(client, url), "text": text, "mode": "raw", "comment": comment}
    if title:
        data["title"] = title
    return client.post(url, data=data)


def test_a_new_account_s_edit_with_links_waits_and_its_author_is_told(logged_in, make_page, db):
    make_page(title="Jardin", text="# Jardin\n\nUn jardin.")
    response = edit(logged_in, "jardin", "# Jardin\n\nVoir https://pilules.example")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Revision.id))) == 1  # nothing published
    page = logged_in.get("/wiki/jardin").get_data(as_text=True)
    assert "en attente de relecture" in page and "pilules.example" not in page
    anonymous = logged_in.application.test_client()
    assert "en attente" not in anonymous.get("/wiki/jardin").get_data(as_text=True)


def test_a_new_account_s_edit_without_links_goes_live(logged_in, make_page, db):
    make_page(title="Jardin", text="# Jardin\n\nUn jardin.")
    edit(logged_in, "jardin", "# Jardin\n\nUn jardin partagé.")
    assert db.session.scalar(select(func.count(Revision.id))) == 2


def test_a_new_page_with_links_waits_too(logged_in, db):
    response = edit(logged_in, "potager", "# Potager\n\nhttps://spam.example", title="Potager")
    assert response.status_code == 302
    html = logged_in.get("/wiki/potager").get_data(as_text=True)
    assert "en attente de relecture" in html


def test_too_many_links_from_a_new_account_are_refused_with_the_text_kept(logged_in, make_page, db):
    make_page(title="Jardin")
    links = " ".join(f"https://site{i}.example" for i in range(5))
    response = edit(logged_in, "jardin", f"# Jardin\n\n{links}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "site4.example" in html and "au plus 3 liens" in html
    assert db.session.scalar(select(func.count(PendingEdit.id))) == 0


def test_every_edit_of_a_flagged_account_waits(logged_in, user, moderator, make_page, db):
    make_page(title="Jardin")
    accounts.set_flagged(moderator, user, True, "à surveiller")
    edit(logged_in, "jardin", "# Jardin\n\nsans lien")
    assert db.session.scalar(select(func.count(PendingEdit.id))) == 1


def test_moderator_approves_and_the_edit_is_published_as_its_author_s(
    client, make_page, user, moderator, db
):
    page = make_page(title="Jardin")
    pending = review.submit(
        user, page, page.title, "# Jardin\n\nhttps://ok.example", "lien", None, "x"
    )
    log_in(client, "modeste", "un mot de passe de modo")
    token = csrf_token(client, "/admin/review")
    assert "ok.example" in client.get("/admin/review").get_data(as_text=True)
    response = client.post(
        f"/admin/review/{pending.id}", data={"csrf_token": token, "decision": "approve"}
    )
    assert response.status_code == 302
    current = db.session.get(type(page), page.id).current
    assert "ok.example" in current.text and current.author_id == user.id
    assert current.patrolled_by_id == moderator.id
    # Approving again, or rejecting what was approved: refused, nothing changes.
    again = client.post(
        f"/admin/review/{pending.id}", data={"csrf_token": token, "decision": "approve"}
    )
    assert again.status_code == 409
    assert db.session.scalar(select(func.count(Revision.id))) == 2


def test_reject_needs_a_reason_and_an_approve_after_a_reject_is_refused(
    client, make_page, user, moderator, db
):
    page = make_page(title="Jardin")
    pending = review.submit(user, page, page.title, "# spam https://x.example", "", None, "x")
    log_in(client, "modeste", "un mot de passe de modo")
    token = csrf_token(client, "/admin/review")
    blank = client.post(
        f"/admin/review/{pending.id}", data={"csrf_token": token, "decision": "reject"}
    )
    assert blank.status_code == 400
    assert db.session.get(PendingEdit, pending.id).state == "pending"
    response = client.post(
        f"/admin/review/{pending.id}",
        data={"csrf_token": token, "decision": "reject", "reason": "publicité"},
    )
    assert response.status_code == 302
    late = client.post(
        f"/admin/review/{pending.id}", data={"csrf_token": token, "decision": "approve"}
    )
    assert late.status_code == 409
    assert "refusée" in late.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Revision.id))) == 1
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["edit.reject"]


def test_contributors_cannot_decide(logged_in, make_page, user, db):
    page = make_page(title="Jardin")
    pending = review.submit(user, page, page.title, "# x https://x.example", "", None, "x")
    response = logged_in.post(
        f"/admin/review/{pending.id}",
        data={"csrf_token": csrf_token(logged_in, "/"), "decision": "approve"},
    )
    assert response.status_code == 403


def test_an_approve_whose_changes_overlap_a_newer_save_is_refused_cleanly(
    client, make_page, user, moderator, db
):
    page = make_page(title="Jardin", text="# Jardin\n\nligne")
    base = page.current_id
    pending = review.submit(
        user, page, page.title, "# Jardin\n\nligne https://a.example", "", base, "x"
    )
    service.save_page(slug=page.slug, title=None, text="# Jardin\n\nautre ligne", author=moderator)
    with pytest.raises(review.ReviewError):
        review.approve(moderator, pending, "")
    assert db.session.get(PendingEdit, pending.id).state == "pending"
