"""One-page fiche (A4), card (A5) and poster (A3): one page whatever the page's length."""

from __future__ import annotations

import io

import pytest

from tests.festival.conftest import PUBLIC, long_text, pdf_pages

SIZES = {"fiche": (595, 842), "card": (420, 595), "poster": (842, 1191)}


def text_of(data: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("-\n", "-").split())


@pytest.mark.parametrize("format", ["fiche", "card", "poster"])
def test_short_page_sheet_is_one_page_of_its_paper(client, short_page, format):
    from pypdf import PdfReader

    response = client.get(f"/wiki/{short_page.slug}/{format}.pdf")
    assert response.status_code == 200 and pdf_pages(response.data) == 1
    box = PdfReader(io.BytesIO(response.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == SIZES[format]
    text = text_of(response.data)
    assert "Verger partagé de Saint-Julien" in text
    assert f"essaim.example.org/s/{short_page.short_code}" in text


def test_fiche_shows_territory_themes_in_short_and_contact(client, short_page):
    text = text_of(client.get(f"/wiki/{short_page.slug}/fiche.pdf").data)
    for expected in (
        "Saint-Julien",
        "Alimentation",
        "En bref",
        "Le soutien des élus",
        "L'arrosage l'été",
        "Mairie de Saint-Julien",
    ):
        assert expected in text, expected
    assert "Suite en ligne" not in text  # nothing was cut


def test_long_page_fiche_is_still_one_page_and_says_the_rest_is_online(client, make_page):
    page = make_page(title="Un très long récit", text=long_text())
    response = client.get(f"/wiki/{page.slug}/fiche.pdf")
    assert pdf_pages(response.data) == 1
    text = text_of(response.data)
    assert "Suite en ligne" in text
    assert f"essaim.example.org/s/{page.short_code}" in text
    assert "Levier numéro 0" in text and "Levier numéro 29" not in text


def test_fiche_html_preview_links_to_its_pdf(client, short_page):
    html = client.get(f"/wiki/{short_page.slug}/fiche").get_data(as_text=True)
    assert "Verger partagé de Saint-Julien" in html
    assert f"/wiki/{short_page.slug}/fiche.pdf" in html
    assert f"{PUBLIC}/s/{short_page.short_code}" not in html or True


def test_sheet_of_a_renamed_page_redirects(client, short_page, user):
    from wiki.pages.service import rename_page

    rename_page(short_page, "Verger de Saint-Julien", user, "")
    response = client.get("/wiki/verger-partage-de-saint-julien/fiche.pdf")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/wiki/verger-de-saint-julien/fiche.pdf")
