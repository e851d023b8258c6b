"""What a printed sheet looks like: its QR footer at the bottom, its footnotes as real notes."""

from __future__ import annotations

import io
import re

import pytest

from tests.festival.conftest import pdf_pages
from tests.festival.test_booklet import build

FOOTNOTED = """---
type: experience
territory: Loos-en-Gohelle
themes: [énergie]
status: en cours
---
# Loos-en-Gohelle, ville pilote

## Contexte

Ancienne cité minière, la ville a fait de la transition son projet[^ademe]. Les habitants
décident avec la mairie[^50].

## Leviers

- Le principe du fifty-fifty[^50]
- Un maire présent sur la durée

## Verrous

- Le coût des rénovations[^cout]

## Contacts et ressources

- Mairie de Loos-en-Gohelle

[^ademe]: Voir le rapport de l’ADEME, 2016.
[^50]: La mairie apporte le matériel, les habitants le travail.
[^cout]: Environ 30 000 € par logement.
"""


def lines_with_height(data: bytes, page_number: int = 0) -> tuple[list[tuple[float, str]], float]:
    """(y from the top of the page, text) for each piece of text, and the page height."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[page_number]
    height = float(page.mediabox.height)
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((height - (tm[5] * cm[3] + cm[5]), text.strip()))

    page.extract_text(visitor_text=visit)
    return found, height


def y_of(data: bytes, needle: str, page_number: int = 0) -> float:
    """How far down the page (0 top, 1 bottom) the text containing `needle` is printed."""
    found, height = lines_with_height(data, page_number)
    ys = [y for y, text in found if needle in text]
    assert ys, (needle, [t for _y, t in found])
    return max(ys) / height


@pytest.mark.parametrize("format", ["fiche", "card", "poster"])
def test_the_qr_footer_of_a_short_page_sits_at_the_bottom_of_the_sheet(client, short_page, format):
    data = client.get(f"/wiki/{short_page.slug}/{format}.pdf").data
    assert pdf_pages(data) == 1
    link = f"essaim.example.org/s/{short_page.short_code}"
    # The short link under the QR code: in the last tenth of the paper, not under the text.
    assert y_of(data, link) > 0.88
    assert y_of(data, "ESSAIM") < 0.1


def test_booklet_sheets_keep_their_footer_at_the_bottom_and_number_in_the_margin(
    client, short_page
):
    data = build(client, "theme=alimentation", festival="Fête").data
    assert pdf_pages(data) == 8  # cover, contents, the sheet, index, 3 for notes, back cover
    sheet = 2
    assert y_of(data, f"essaim.example.org/s/{short_page.short_code}", sheet) > 0.85
    found, height = lines_with_height(data, sheet)
    bottom = max(found)
    assert bottom[1] == "3" and bottom[0] / height > 0.95  # its page number, in the margin


@pytest.mark.parametrize("format", ["fiche", "card", "poster"])
def test_footnotes_are_printed_as_numbered_notes_not_raw_markers(client, make_page, format):
    page = make_page(title="Loos-en-Gohelle, ville pilote", text=FOOTNOTED)
    from tests.festival.test_sheets import text_of

    text = text_of(client.get(f"/wiki/{page.slug}/{format}.pdf").data)
    assert "[^" not in text and "^50" not in text
    # Numbered in the order the sheet cites them: the lead cites ademe (1) then 50 (2).
    assert re.search(r"projet ?1\. Les habitants", text), text
    assert "Voir le rapport de l’ADEME, 2016." in text  # the notes, listed as 1. 2. 3.
    assert "La mairie apporte le matériel" in text
    assert re.search(r"fifty-fifty ?2", text), text
    assert re.search(r"rénovations ?3", text) and "Environ 30 000 € par logement." in text


def test_the_page_and_its_print_view_link_the_in_short_calls_to_the_notes(client, make_page):
    page = make_page(title="Loos-en-Gohelle, ville pilote", text=FOOTNOTED)
    for url in (f"/wiki/{page.slug}", f"/wiki/{page.slug}/print"):
        html = client.get(url).get_data(as_text=True)
        box = html.split('class="summary-box"')[1].split("</aside>")[0]
        assert "[^" not in box
        # The same numbers as the notes at the end of the body (mistune numbers by first call).
        assert 'fifty-fifty<sup class="footnote-ref"><a href="#fn-2">2</a></sup>' in box
        assert 'rénovations<sup class="footnote-ref"><a href="#fn-3">3</a></sup>' in box
        assert '<li id="fn-2"><p>La mairie apporte le matériel' in html


def test_a_call_to_no_note_and_hostile_text_stay_plain(client, make_page):
    text = FOOTNOTED.replace("- Un maire présent sur la durée", "- <b>Gras</b>[^absente] & co")
    page = make_page(title="Loos-en-Gohelle, ville pilote", text=text)
    html = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    box = html.split('class="summary-box"')[1].split("</aside>")[0]
    assert "<b>" not in box and "[^absente]" not in box
    assert client.get(f"/wiki/{page.slug}/fiche.pdf").status_code == 200


@pytest.mark.parametrize("start", [1.0, 0.575, 0.2])
def test_a_sheet_keeps_the_most_text_that_fits_whatever_budget_the_search_starts_from(app, start):
    from wiki.festival.pdf import BUDGETS, document, fit_on_one_page

    def render(budget: float) -> str:  # 40 lines of text at budget 1.0
        lines = "".join(f"<p>Ligne {n}</p>" for n in range(round(40 * budget)))
        return f"<style>p {{ margin: 0; font-size: 10pt }}</style>{lines}"

    css = "@page { size: 60mm 120mm; margin: 5mm }"
    fitting = [b for b in BUDGETS if len(document(render(b), page_css=css).pages) == 1]
    laid_out, budget = fit_on_one_page(render, page_css=css, start=start)
    assert len(laid_out.pages) == 1
    assert budget == max(fitting) and 0.2 < budget < 1.0  # neither all the text nor the least
