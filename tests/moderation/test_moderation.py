"""Hide a revision's text, comment and author apart; delete and restore; protect; templates."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, log_in
from wiki.models import AuditEntry, Page, utcnow
from wiki.moderation import service as moderation
from wiki.pages import service


@pytest.fixture
def moderator(make_user):
    return make_user("modeste", "un mot de passe de modo", role="moderator")


@pytest.fixture
def admin(make_user):
    return make_user("ondine", "un mot de passe d'admin", role="administrator")


def test_hiding_a_spam_page_s_first_and_only_revision_removes_the_page(
    client, make_user, moderator, db
):
    spammer = make_user("vendeur", "une phrase assez longue")
    page = service.save_page(
        slug=None, title="Achetez pas cher", text="Pilules http://spam.example", author=spammer
    ).page
    moderation.set_visibility(moderator, page.current, {"text": True}, "spam")
    for url in (
        "/wiki/achetez-pas-cher",
        "/wiki/achetez-pas-cher/history",
        "/api/v1/pages/achetez-pas-cher",
    ):
        assert client.get(url).status_code == 410, url
    assert "Achetez" not in client.get("/recent").get_data(as_text=True)
    assert "Achetez" not in client.get("/pages").get_data(as_text=True)
    assert "Achetez" not in client.get("/search?q=pilules").get_data(as_text=True)
    assert "Achetez" not in client.get("/feeds/recent.atom").get_data(as_text=True)
    log_in(client, "modeste", "un mot de passe de modo")
    assert client.get("/wiki/achetez-pas-cher").status_code == 200


def test_hiding_the_current_text_while_an_older_one_is_visible_is_refused(
    moderator, make_page, user
):
    page = make_page(text="# Bon texte")
    service.save_page(slug=page.slug, title=None, text="# Vandalisme", author=user)
    with pytest.raises(moderation.ModerationError):
        moderation.set_visibility(moderator, page.current, {"text": True})


def test_comment_and_author_are_hidden_apart_everywhere_the_public_looks(
    client, make_page, user, moderator, db
):
    page = make_page(title="Frigo solidaire", text="# Frigo", author=moderator)
    second = service.save_page(
        slug=page.slug, title=None, text="# Frigo\n\nplus", author=user, comment="insulte grossière"
    )
    moderation.set_visibility(moderator, second, {"comment": True}, "propos injurieux")
    for url in (
        "/wiki/frigo-solidaire/history",
        "/recent",
        "/feeds/recent.atom",
        "/wiki/frigo-solidaire/history.atom",
        "/api/v1/pages/frigo-solidaire/revisions",
        f"/wiki/frigo-solidaire/diff?to={second.id}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "insulte" not in html, url
    # The text and the author are still shown: only the comment was hidden.
    assert "camille" in client.get("/wiki/frigo-solidaire/history").get_data(as_text=True)
    moderation.set_visibility(moderator, second, {"author": True})
    history = client.get("/wiki/frigo-solidaire/history").get_data(as_text=True)
    assert "camille" not in history.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[0]
    assert "camille" not in client.get("/api/v1/pages/frigo-solidaire/revisions").get_data(
        as_text=True
    )
    log_in(client, "modeste", "un mot de passe de modo")
    assert "insulte grossière" in client.get("/wiki/frigo-solidaire/history").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["revision.hide", "revision.hide"]


def test_moderator_hides_parts_through_the_revision_form(client, make_page, user, moderator, db):
    page = make_page(title="Compost", text="# Compost")
    second = service.save_page(
        slug=page.slug, title=None, text="# Compost 2", author=user, comment="pub"
    )
    log_in(client, "modeste", "un mot de passe de modo")
    url = f"/wiki/compost/revisions/{second.id}/moderate"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "comment": "y",
            "author": "y",
            "reason": "pub",
        },
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert (second.hidden, second.comment_hidden, second.author_hidden) == (False, True, True)


def test_deleted_page_answers_410_keeps_its_slug_and_is_restored(
    client, make_page, moderator, user, db
):
    page = make_page(title="Atelier vélo")
    log_in(client, "modeste", "un mot de passe de modo")
    token = csrf_token(client, "/wiki/atelier-velo/moderate")
    assert (
        client.post(
            "/wiki/atelier-velo/delete", data={"csrf_token": token, "reason": ""}
        ).status_code
        == 400
    )
    response = client.post(
        "/wiki/atelier-velo/delete", data={"csrf_token": token, "reason": "doublon"}
    )
    assert response.status_code == 302
    public = client.application.test_client()
    assert public.get("/wiki/atelier-velo").status_code == 410
    assert public.get(f"/p/{page.id}", follow_redirects=True).status_code == 410
    # The slug stays reserved: nobody creates another page there meanwhile.
    with pytest.raises(service.TitleTaken):
        service.save_page(slug=None, title="Atelier vélo", text="# autre", author=user)
    with pytest.raises(service.Gone):
        service.save_page(slug="atelier-velo", title=None, text="# autre", author=user)
    response = client.post(
        "/wiki/atelier-velo/restore", data={"csrf_token": token, "reason": "erreur"}
    )
    assert response.status_code == 302
    assert public.get("/wiki/atelier-velo").status_code == 200
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["page.delete", "page.restore"]


def test_a_protected_page_is_edited_by_moderators_only_until_its_end_date(
    client, make_page, moderator, user, db
):
    page = make_page(title="Charte du réseau")
    moderation.protect_page(moderator, page, utcnow() + timedelta(days=2), "guerre d'édition")
    with pytest.raises(service.NotAllowed):
        service.save_page(slug=page.slug, title=None, text="# changé", author=user)
    with pytest.raises(service.NotAllowed):
        service.rename_page(page, "Charte modifiée", user)
    log_in(client)
    assert client.get("/wiki/charte-du-reseau/edit").status_code == 403
    service.save_page(
        slug=page.slug, title=None, text="# changé par la modération", author=moderator
    )
    page.protected_until = utcnow() - timedelta(minutes=1)  # the end date passed
    db.session.commit()
    service.save_page(slug=page.slug, title=None, text="# de nouveau ouvert", author=user)


def test_protecting_until_a_past_date_is_refused(moderator, make_page):
    with pytest.raises(service.PageError):
        moderation.protect_page(moderator, make_page(), utcnow() - timedelta(days=1))


def test_templates_are_written_by_administrators_only_whatever_the_route(
    client, make_page, user, admin, db
):
    from wiki.content.templates import TEMPLATE_SLUGS

    template_slug = TEMPLATE_SLUGS["experience"]
    # Create a page titled like a template.
    with pytest.raises(service.NotAllowed):
        service.save_page(slug=None, title="Modèle expérience", text="# spam", author=user)
    log_in(client)
    assert client.get(f"/wiki/{template_slug}/edit").status_code == 403
    # Rename a page onto a template title.
    mine = make_page(title="Ma page")
    with pytest.raises(service.NotAllowed):
        service.rename_page(mine, "Modèle expérience", user)
    # Rename the administrators' template away, then edit it.
    template = service.save_page(
        slug=None,
        title="Modèle expérience",
        text="---\ntype: template\n---\n# Modèle",
        author=admin,
    ).page
    assert template.slug == template_slug
    with pytest.raises(service.NotAllowed):
        service.rename_page(template, "Modèle détourné", user)
    with pytest.raises(service.NotAllowed):
        service.save_page(slug=template_slug, title=None, text="# spam", author=user)
    assert db.session.get(Page, template.id).slug == template_slug


def test_moderator_marks_an_edit_as_checked_on_recent_changes(
    client, make_page, user, moderator, db
):
    page = make_page(title="Jardin")
    assert page.current.patrolled_at is None
    log_in(client, "modeste", "un mot de passe de modo")
    html = client.get("/recent").get_data(as_text=True)
    assert "unpatrolled" in html
    response = client.post(
        f"/revisions/{page.current.id}/patrol", data={"csrf_token": csrf_token(client, "/recent")}
    )
    assert response.status_code == 302
    db.session.refresh(page.current)
    assert page.current.patrolled_by_id == moderator.id
    assert "unpatrolled" not in client.get("/recent").get_data(as_text=True)


def test_a_deleted_experience_leaves_themes_compare_map_and_backlinks(
    client, make_page, moderator, user, db
):
    text = (
        '---\ntype: experience\nthemes: [alimentation]\nterritory: Raismes\ninsee: "59491"\n'
        "---\n# Cantine retirée\n\n[[Jardin]]\n"
    )
    page = make_page(title="Cantine retirée", text=text)
    make_page(title="Jardin", text="# Jardin")
    urls = ["/themes/alimentation", "/compare", "/map.json", "/wiki/jardin", "/special/orphans"]
    assert all("Cantine retirée" in client.get(u).get_data(as_text=True) for u in urls[:4])
    moderation.delete_page(moderator, page, "doublon")
    for url in urls:
        assert "Cantine retirée" not in client.get(url).get_data(as_text=True), url
