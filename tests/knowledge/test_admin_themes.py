"""Managing the theme vocabulary: admins only, CSRF-protected forms, themes in use are kept."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token, log_in
from wiki.extensions import db
from wiki.models import Theme


@pytest.fixture
def admin(client, make_user):
    make_user("dominique", "un mot de passe solide", role="admin")
    log_in(client, "dominique")
    return client


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/admin/themes"), **data})


def test_editors_are_refused_with_a_403(logged_in):
    assert logged_in.get("/admin/themes").status_code == 403
    assert logged_in.post("/admin/themes/eau/delete", data={}).status_code in (400, 403)


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/themes")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_sees_every_theme_with_its_labels(admin):
    html = admin.get("/admin/themes").get_data(as_text=True)

    assert 'value="Alimentation"' in html and 'value="Food"' in html
    assert html.count('name="label_fr"') == 13  # 12 themes + the new theme form


def test_admin_adds_a_theme_that_pages_can_then_use(admin, make_page):
    response = post(admin, "/admin/themes", label_fr="Numérique responsable", label_en="digital")

    assert response.status_code == 302
    theme = db.session.get(Theme, "numerique-responsable")
    assert theme.label_en == "digital"
    assert theme.position > db.session.get(Theme, "sante").position
    page = make_page(
        "Fablab", "---\ntype: experience\nthemes: [numérique responsable]\n---\n# Fablab"
    )
    assert [t.theme for t in page.themes] == ["numerique-responsable"]
    html = admin.get("/themes/numerique-responsable").get_data(as_text=True)
    assert "Fablab" in html


def test_adding_a_theme_that_clashes_with_an_existing_label_is_refused(admin):
    response = post(admin, "/admin/themes", label_fr="Énergie", label_en="power")

    assert response.status_code == 400
    assert "est déjà utilisé par le thème" in response.get_data(as_text=True)


def test_admin_edits_the_labels_of_a_theme(admin):
    response = post(
        admin, "/admin/themes/eau", label_fr="Eau et rivières", label_en="water & rivers"
    )

    assert response.status_code == 302
    assert db.session.get(Theme, "eau").label_fr == "Eau et rivières"
    assert "Eau et rivières" in admin.get("/themes").get_data(as_text=True)


def test_admin_moves_a_theme_up(admin):
    response = post(admin, "/admin/themes/energie/move", direction="up")

    assert response.status_code == 302
    order = list(db.session.scalars(db.select(Theme.slug).order_by(Theme.position)))
    assert order[:2] == ["energie", "alimentation"]


def test_removing_an_unused_theme_works(admin):
    response = post(admin, "/admin/themes/sante/delete")

    assert response.status_code == 302
    assert db.session.get(Theme, "sante") is None


def test_removing_a_theme_used_by_pages_is_refused_with_the_pages(admin, make_page):
    make_page("Rivière vivante", "---\ntype: experience\nthemes: [eau]\n---\n# Rivière vivante")

    response = post(admin, "/admin/themes/eau/delete")

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "est utilisé par 1 page" in html and "Rivière vivante" in html
    assert db.session.get(Theme, "eau") is not None


def test_forms_without_csrf_token_are_refused(admin):
    response = admin.post("/admin/themes/sante/delete", data={})

    assert response.status_code == 400
    assert db.session.get(Theme, "sante") is not None
