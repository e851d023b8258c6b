"""QR codes in SVG, PNG and PDF, at a chosen size and error-correction level."""

from __future__ import annotations

import io
import re

import pytest

from tests.festival.conftest import PUBLIC, decode_png, pdf_pages


@pytest.mark.parametrize("level", ["l", "m", "q", "h"])
def test_png_decodes_to_the_short_link_at_every_level(client, short_page, level):
    response = client.get(f"/wiki/{short_page.slug}/qr.png?size=25&ec={level}")
    assert response.status_code == 200
    assert decode_png(response.data) == [f"{PUBLIC}/s/{short_page.short_code}"]


def test_png_has_the_size_asked_for_at_its_resolution(client, short_page):
    from PIL import Image

    small = Image.open(io.BytesIO(client.get(f"/wiki/{short_page.slug}/qr.png?size=20").data))
    large = Image.open(io.BytesIO(client.get(f"/wiki/{short_page.slug}/qr.png?size=80").data))
    # 80 mm at 300 dpi is about 945 px wide; the code is drawn on whole pixels per module.
    assert 800 <= large.width <= 945 and large.width > 3 * small.width
    assert round(large.info["dpi"][0]) == 300


def test_higher_error_correction_makes_a_denser_code(client, short_page):
    low = client.get(f"/wiki/{short_page.slug}/qr.svg?ec=l").get_data(as_text=True)
    high = client.get(f"/wiki/{short_page.slug}/qr.svg?ec=h").get_data(as_text=True)
    side = lambda svg: int(re.search(r'viewBox="0 0 (\d+) \d+"', svg.split("<svg", 2)[2]).group(1))  # noqa: E731
    assert side(high) > side(low)


def test_svg_prints_the_short_link_under_the_code_at_the_size_asked(client, short_page):
    response = client.get(f"/wiki/{short_page.slug}/qr.svg?size=60")
    svg = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml" and svg.startswith("<?xml")
    assert 'width="60mm"' in svg
    assert f">essaim.example.org/s/{short_page.short_code}</text>" in svg


def test_pdf_is_one_page_of_the_size_asked(client, short_page):
    from pypdf import PdfReader

    response = client.get(f"/wiki/{short_page.slug}/qr.pdf?size=50&ec=q")
    assert response.mimetype == "application/pdf" and pdf_pages(response.data) == 1
    box = PdfReader(io.BytesIO(response.data)).pages[0].mediabox
    assert abs(float(box.width) - 50 / 25.4 * 72) < 1


@pytest.mark.parametrize(
    "query", ["size=2", "size=5000", "size=abc", "ec=z", "dpi=10000", "size=-3"]
)
def test_nonsense_sizes_and_levels_get_a_clear_400(client, short_page, query):
    response = client.get(f"/wiki/{short_page.slug}/qr.png?{query}")
    assert response.status_code == 400
    assert "<!doctype html>" in response.get_data(as_text=True).lower()


def test_qr_of_a_missing_page_is_404(client):
    assert client.get("/wiki/nulle-part/qr.png").status_code == 404
