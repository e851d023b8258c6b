"""Booklets: a selection of experiences as one PDF (cover, contents, sheets, index)."""

from __future__ import annotations

import io
import time

import pytest

from tests.conftest import csrf_token
from tests.festival.conftest import long_text, pdf_pages


def experience(make_page, title, territory="Raismes", themes="[alimentation]", tags="[]"):
    text = (
        f"---\ntype: experience\nterritory: {territory}\nthemes: {themes}\ntags: {tags}\n---\n"
        f"# {title}\n\n## Contexte\n\nUne expérience.\n\n## Leviers\n\n- Les élus\n"
    )
    return make_page(title=title, text=text)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("-\n", "-").split())


def build(client, query="", **form):
    token = csrf_token(client, f"/booklet?{query}")
    data = {"csrf_token": token, **form}
    for pair in query.split("&"):
        if pair:
            key, value = pair.split("=")
            data[key] = value
    return client.post("/booklet", data=data)


def test_booklet_of_a_theme_has_cover_contents_one_page_each_and_index(client, make_page):
    experience(make_page, "Verger de Saint-Julien", "Saint-Julien")
    experience(make_page, "Cantine bio de Raismes", "Raismes")
    experience(make_page, "Centrale solaire", "Parthenay", themes="[energie]")
    experience(make_page, "Long récit", "Raismes").current  # noqa: B018
    long_page = make_page(title="Récit interminable", text=long_text())
    response = build(
        client, "theme=alimentation", festival="Fête des possibles", date="14 juin 2026"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    # cover + contents + 4 experiences (the long one on one page too) + index + back cover:
    # 8 pages, two A4 sheets folded, no page for notes
    assert pdf_pages(response.data) == 1 + 1 + 4 + 1 + 1
    text = pdf_text(response.data)
    assert "Fête des possibles" in text and "14 juin 2026" in text
    assert "Centrale solaire" not in text  # another theme
    assert "Index" in text and "Saint-Julien" in text
    assert long_page.title in text


@pytest.mark.parametrize(("experiences", "notes"), [(1, 3), (3, 1), (4, 0)])
def test_a_booklet_folds_into_a4_sheets_and_ends_on_the_way_back_to_the_wiki(
    client, make_page, experiences, notes
):
    from pypdf import PdfReader

    for n in range(experiences):
        experience(make_page, f"Expérience {n}")
    data = build(client, "theme=alimentation", festival="Fête").data
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) % 4 == 0  # printed two-sided on A4 sheets folded in two
    assert len(pages) == 1 + 1 + experiences + 1 + notes + 1
    assert [p.split()[0] for p in pages[-1 - notes : -1]] == ["Notes"] * notes
    back = " ".join(pages[-1].split())
    assert "essaim.example.org" in back and "autres territoires" in back


def test_a_hand_picked_basket_persists_across_pages_and_makes_the_booklet(client, make_page):
    pages = [experience(make_page, f"Expérience {n}") for n in range(3)]
    for page in pages[:2]:
        token = csrf_token(client, f"/wiki/{page.slug}")
        response = client.post(
            "/basket",
            data={
                "csrf_token": token,
                "action": "add",
                "page_id": page.id,
                "next": f"/wiki/{page.slug}",
            },
        )
        assert response.status_code == 302
    html = client.get(f"/wiki/{pages[2].slug}").get_data(as_text=True)
    assert "(2)" in html  # the basket follows the visitor
    listing = client.get("/booklet?basket=1").get_data(as_text=True)
    assert "Expérience 0" in listing and "Expérience 1" in listing and "Expérience 2" not in listing
    response = build(client, "basket=1", festival="Village des alternatives")
    assert pdf_pages(response.data) == 8  # 2 sheets + 4 other pages, and 2 for notes


def test_a_vanished_page_in_a_saved_basket_is_left_out_and_said(client, make_page):
    kept = experience(make_page, "Reste là")
    # Pages put in the basket that no longer exist (the wiki was restored from an older backup).
    with client.session_transaction() as session:
        session["basket"] = [kept.id, 99999, 123456]
    html = client.get("/booklet?basket=1").get_data(as_text=True)
    assert "2 pages de votre panier n’existent plus" in html
    response = build(client, "basket=1")
    assert response.mimetype == "application/pdf" and pdf_pages(response.data) == 8


def test_a_hidden_page_is_left_out_of_a_selection(client, make_page, db):
    visible = experience(make_page, "Visible")
    hidden = experience(make_page, "Cachée par la modération")
    hidden.current.hidden = True  # what moderation does to a page's text
    db.session.commit()
    html = client.get("/booklet?theme=alimentation").get_data(as_text=True)
    assert "cachée par les modérateurs" in html
    text = pdf_text(build(client, "theme=alimentation").data)
    assert visible.title in text and hidden.title not in text


def test_an_empty_selection_gives_a_clear_message_and_no_pdf(client, make_page):
    experience(make_page, "Verger")
    response = build(client, "theme=sante")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "Aucune page à imprimer" in response.get_data(as_text=True)


def test_a_selection_above_the_limit_is_refused(app, client, make_page):
    app.config["BOOKLET_MAX_PAGES"] = 3
    for n in range(4):
        experience(make_page, f"Expérience {n}")
    response = build(client, "theme=alimentation")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "4 pages, c’est trop pour un seul livret (au plus 3)" in response.get_data(as_text=True)


def test_two_thousand_pages_are_refused_at_once_without_laying_anything_out(app, client, db, user):
    from wiki.models import Page, PageTheme, Revision

    # 2,000 experiences inserted directly: what a big wiki holds, without 2,000 saves.
    for n in range(2000):
        page = Page(
            slug=f"experience-{n}",
            title=f"Expérience {n}",
            short_code=f"z{n:05d}",
            type="experience",
        )
        db.session.add(page)
        db.session.flush()
        revision = Revision(
            page_id=page.id, number=1, title=page.title, text="# x", author_id=user.id
        )
        db.session.add(revision)
        db.session.flush()
        page.current_id = revision.id
        db.session.add(PageTheme(page_id=page.id, theme="alimentation"))
    db.session.commit()
    response = build(client, "theme=alimentation")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "2000 pages, c’est trop pour un seul livret" in response.get_data(as_text=True)


def test_a_large_booklet_is_made_in_the_background_with_progress(app, client, make_page):
    app.config["BOOKLET_BACKGROUND_ABOVE"] = 2
    for n in range(3):
        experience(make_page, f"Expérience {n}")
    response = build(client, "theme=alimentation", festival="Festival")
    assert response.status_code == 303
    job_url = response.headers["Location"]
    page = client.get(job_url)
    assert page.status_code == 200 and "<progress" in page.get_data(as_text=True)
    deadline = time.monotonic() + 120
    while True:
        state = client.get(job_url + ".json").get_json()
        assert state["status"] in ("queued", "running", "done"), state
        assert 0 <= state["done"] <= state["total"] == 7
        if state["status"] == "done":
            break
        assert time.monotonic() < deadline, state
        time.sleep(0.3)
    pdf = client.get(state["download"])
    assert pdf.mimetype == "application/pdf" and pdf_pages(pdf.data) == 8
    assert client.get("/booklet/jobs/" + "0" * 32).status_code == 404
    assert client.get("/booklet/jobs/../../etc").status_code == 404


def test_a_background_booklet_is_in_the_language_of_who_asked_for_it(app, client, make_page):
    app.config["BOOKLET_BACKGROUND_ABOVE"] = 1
    for n in range(2):
        experience(make_page, f"Expérience {n}")
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = build(client, "theme=alimentation", festival="Festival")
    assert response.status_code == 303
    job_url = response.headers["Location"]
    deadline = time.monotonic() + 120
    while (state := client.get(job_url + ".json").get_json())["status"] != "done":
        assert state["status"] in ("queued", "running"), state
        assert time.monotonic() < deadline, state
        time.sleep(0.3)
    text = pdf_text(client.get(state["download"]).data)
    assert "Contents" in text and "Sommaire" not in text


@pytest.mark.parametrize("source", ["q=verger", "tag=festival-2026", "territory=59491"])
def test_selections_from_a_search_a_tag_or_a_territory(client, make_page, source):
    make_page(
        title="Verger de la fête",
        text="---\ntype: experience\nterritory: Raismes\ninsee: '59491'\ntags: [festival-2026]\n---\n# Verger de la fête\n\nUn verger.",
    )
    make_page(
        title="Autre chose", text="---\ntype: experience\nterritory: Angers\n---\n# Autre\n\nRien."
    )
    html = client.get(f"/booklet?{source}").get_data(as_text=True)
    assert "Verger de la fête" in html and "Autre chose" not in html
