"""Citing a page: the "Citer" box, its downloads, Zotero's meta tags and the text licence."""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture
def cited(make_page, make_user):
    from wiki.pages.service import save_page

    page = make_page(title="Jardin partagé des Tilleuls", text="# Jardin\n\nUn jardin {partagé}.")
    yanis = make_user("yanis")
    save_page(
        slug=page.slug, title=page.title, text="# Jardin\n\nUn jardin 100 % partagé.", author=yanis
    )
    return page


def test_a_page_offers_a_citation_of_its_current_revision(client, cited):
    html = client.get(f"/wiki/{cited.slug}").get_data(as_text=True)

    rev = cited.current
    assert "<summary>Citer cette page</summary>" in html
    assert f"http://essaim.test/r/{rev.id}" in html
    apa = re.search(r'<p class="apa">([^<]+)</p>', html).group(1)
    assert apa.startswith(f"camille &amp; yanis. ({rev.created_at.year}, ")
    assert f"Jardin partagé des Tilleuls (version 2). Essaim. http://essaim.test/r/{rev.id}" in apa
    assert '<meta name="citation_title" content="Jardin partagé des Tilleuls">' in html
    assert html.count('<meta name="citation_author"') == 2
    assert '<meta name="citation_publication_date" content="' in html
    assert 'rel="license">CC BY-SA 4.0</a>' in html


def test_an_old_revision_is_cited_as_itself(client, cited):
    first = client.get(f"/wiki/{cited.slug}/history").get_data(as_text=True)
    rev1 = int(re.findall(r"/wiki/[^/]+/revisions/(\d+)", first)[-1])
    html = client.get(f"/wiki/{cited.slug}/revisions/{rev1}").get_data(as_text=True)

    assert f"http://essaim.test/r/{rev1}" in html and "(version 1)" in html
    assert html.count('<meta name="citation_author"') == 1  # yanis came later


def test_citation_downloads_open_in_reference_managers(client, cited):
    rev = cited.current.id

    bib = client.get(f"/wiki/{cited.slug}/revisions/{rev}/cite.bib")
    assert bib.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib.headers["Content-Disposition"] == (
        f'attachment; filename="essaim-{cited.slug}-r2.bib"'
    )
    text = bib.get_data(as_text=True)
    assert text.startswith(f"@misc{{essaim-{cited.slug}-r2,")
    assert "author = {{camille} and {yanis}}" in text
    assert f"url = {{http://essaim.test/r/{rev}}}" in text
    assert text.count("{") == text.count("}")

    csl = json.loads(client.get(f"/wiki/{cited.slug}/revisions/{rev}/cite.json").data)
    assert csl[0]["type"] == "webpage" and csl[0]["title"] == "Jardin partagé des Tilleuls"
    assert [a["literal"] for a in csl[0]["author"]] == ["camille", "yanis"]
    assert csl[0]["license"] == "CC BY-SA 4.0" and csl[0]["version"] == "2"

    ris = client.get(f"/wiki/{cited.slug}/revisions/{rev}/cite.ris")
    lines = ris.get_data(as_text=True).split("\r\n")
    assert lines[0] == "TY  - ELEC" and "AU  - yanis" in lines and lines[-2] == "ER  - "
    assert ris.headers["Content-Disposition"].endswith('-r2.ris"')


def test_an_unknown_citation_format_is_a_clear_404(client, cited):
    response = client.get(f"/wiki/{cited.slug}/revisions/{cited.current.id}/cite.docx")

    assert response.status_code == 404
    assert ".bib" in response.get_data(as_text=True)


def test_the_text_licence_is_configurable(tmp_path, migrated_db):
    import shutil

    from tests.conftest import make_app
    from wiki.auth.service import create_user
    from wiki.extensions import db
    from wiki.pages.service import save_page

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(
        tmp_path,
        TEXT_LICENCE="CC BY 4.0",
        TEXT_LICENCE_URL="https://creativecommons.org/licenses/by/4.0/",
        SITE_NAME="Wiki des Hauts-de-France",
    )
    with app.app_context():
        author = create_user("camille", "un mot de passe solide")
        page = save_page(slug=None, title="Compost", text="# Compost", author=author).page
        html = app.test_client().get(f"/wiki/{page.slug}").get_data(as_text=True)
        ris = app.test_client().get(f"/wiki/{page.slug}/revisions/{page.current_id}/cite.ris")
        db.session.remove()
        db.engine.dispose()

    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    assert '<meta name="citation_publisher" content="Wiki des Hauts-de-France">' in html
    assert "N1  - CC BY 4.0" in ris.get_data(as_text=True)
    assert "wikideshautsdefrance-compost-r1.ris" in ris.headers["Content-Disposition"]
