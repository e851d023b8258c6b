"""The booklet reads the researchers' selection: the pages compare shows are the pages printed."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.conftest import csrf_token, log_in
from tests.festival.conftest import pdf_pages
from tests.festival.test_booklet import pdf_text


def experience(make_page, title, themes="[alimentation]", scale="commune", words=""):
    text = (
        f"---\ntype: experience\nterritory: Raismes\nscale: {scale}\nthemes: {themes}\n---\n"
        f"# {title}\n\n## Contexte\n\nUne expérience {words}.\n\n## Leviers\n\n- Les élus\n"
    )
    return make_page(title=title, text=text)


@pytest.fixture
def corpus(make_page):
    return {
        "verger": experience(make_page, "Verger d’Élise", words="arbres fruitiers"),
        "cantine": experience(make_page, "Cantine de l’école", words="repas bio"),
        "quartier": experience(make_page, "Compost du quartier", scale="quartier"),
        "solaire": experience(make_page, "Centrale solaire", themes="[energie]"),
        "guide": make_page(title="Guide du verger", text="# Guide du verger\n\nArbres fruitiers."),
    }


def listed(html: str) -> list[str]:
    """Titles listed under the booklet's selection, in order."""
    part = html.split('class="booklet-list"')[1].split("</ol>")[0]
    return [html_lib.unescape(t) for t in re.findall(r'<a href="/wiki/[^"]+">([^<]+)</a>', part)]


def compared(client, query: str) -> set[str]:
    html = client.get(f"/compare?{query}").get_data(as_text=True)
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    return {html_lib.unescape(t) for t in re.findall(r'<a href="/wiki/[^"]+">([^<]+)</a>', table)}


def build(client, query: str, **form):
    token = csrf_token(client, f"/booklet?{query}")
    html = client.get(f"/booklet?{query}").get_data(as_text=True)
    form_html = html.split('class="booklet-form"')[1].split("</form>")[0]
    hidden = re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form_html)
    data: dict = {"csrf_token": token, **form}
    for name, value in hidden:
        data.setdefault(name, [])
        if isinstance(data[name], list):
            data[name].append(html_lib.unescape(value))
    return client.post("/booklet", data=data)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("theme=alimentation&scale=commune", {"Verger d’Élise", "Cantine de l’école"}),
        (
            "slug=compost-du-quartier&slug=centrale-solaire",
            {"Compost du quartier", "Centrale solaire"},
        ),
        ("q=arbres+fruitiers", {"Verger d’Élise"}),  # the guide matches too but is no experience
        (
            "q=repas&theme=alimentation&slug=cantine-de-lecole&slug=verger-delise",
            {"Cantine de l’école"},
        ),
    ],
)
def test_the_booklet_of_a_selection_prints_exactly_the_experiences_compare_shows(
    client, corpus, query, expected
):
    assert compared(client, query) == expected
    page = client.get(f"/booklet?{query}").get_data(as_text=True)
    assert set(listed(page)) == expected
    response = build(client, query, festival="Fête des possibles")
    assert response.mimetype == "application/pdf", response.get_data(as_text=True)[:500]
    # cover, contents, sheets, index, back cover: pages for notes up to a multiple of 4
    pages = pdf_pages(response.data)
    assert pages % 4 == 0 and 4 + len(expected) <= pages < 8 + len(expected)
    text = pdf_text(response.data)
    for page in corpus.values():
        assert (page.title in text) == (page.title in expected), page.title


def test_every_tool_that_opens_a_selection_links_to_its_booklet(client, corpus):
    html = client.get("/compare?theme=alimentation&scale=commune").get_data(as_text=True)
    link = re.search(r'<a href="(/booklet\?[^"]+)">Livret de festival</a>', html).group(1)
    booklet = client.get(html_lib.unescape(link)).get_data(as_text=True)
    assert set(listed(booklet)) == {"Verger d’Élise", "Cantine de l’école"}
    # Search results: a link for the search, and a button for the ticked pages.
    results = client.get("/search?q=verger&themes=alimentation").get_data(as_text=True)
    assert re.search(
        r'href="/booklet\?q=verger&amp;theme=alimentation">Livret de festival', results
    )
    ticked = client.get("/search?q=expérience").get_data(as_text=True)
    assert 'formaction="/booklet">En faire un livret' in ticked and 'name="slug"' in ticked
    for tool in ("/map?theme=energie", "/invariants?slug=centrale-solaire"):
        assert "/booklet?" in client.get(tool).get_data(as_text=True), tool


def test_a_saved_selection_reopens_as_a_booklet(client, corpus, make_user):
    make_user("dominique")
    log_in(client, "dominique")
    token = csrf_token(client, "/compare?theme=alimentation")
    client.post(
        "/selections",
        data={
            "csrf_token": token,
            "name": "Pour le festival",
            "slug": ["verger-delise", "centrale-solaire"],
        },
    )
    html = client.get("/selections").get_data(as_text=True)
    link = re.search(r'<a href="(/booklet\?[^"]+)">Livret de festival</a>', html).group(1)
    booklet = client.get(html_lib.unescape(link)).get_data(as_text=True)
    assert listed(booklet) == ["Centrale solaire", "Verger d’Élise"]  # reading order
    assert "Sélection\u00a0: 2 pages choisies" in booklet


def test_an_unreadable_selection_is_a_clear_400_not_a_crash(client, corpus):
    query = "&".join(f"slug=page-{n}" for n in range(501))
    response = client.get(f"/booklet?{query}")
    assert response.status_code == 400
    assert "Une sélection compte au plus 500 pages choisies, et non 501." in response.get_data(
        as_text=True
    )


def test_thousands_of_pages_answer_at_once_with_the_count_and_the_limit(app, client, db, user):
    from wiki.models import Page, PageTheme, Revision

    app.config["BOOKLET_MAX_PAGES"] = 40
    for n in range(3000):
        page = Page(
            slug=f"experience-{n:04d}",
            title=f"Expérience {n:04d}",
            short_code=f"y{n:05d}",
            type="experience",
            scale="commune",
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
    html = client.get("/booklet?theme=alimentation&scale=commune").get_data(as_text=True)
    assert "3000 pages choisies" in html
    assert "Un livret contient au plus 40 pages" in html
    assert len(listed(html)) == 40 and listed(html)[0] == "Expérience 0000"
    assert re.search(r'<button type="submit" class="primary" disabled>', html)
    response = build(client, "theme=alimentation&scale=commune")
    assert response.status_code == 422
    assert "3000 pages, c’est trop pour un seul livret (au plus 40)" in response.get_data(
        as_text=True
    )


def test_a_ticked_page_that_is_no_experience_is_left_out_and_said(client, corpus):
    html = client.get("/booklet?slug=verger-delise&slug=guide-du-verger&slug=disparue").get_data(
        as_text=True
    )
    assert listed(html) == ["Verger d’Élise"]
    assert "2 pages choisies ne sont pas des expériences" in html
