"""Selection URLs a person might mistype or overfill, and downloads read a chunk at a time."""

from __future__ import annotations

import csv
import io

from tests.knowledge.conftest import experience_text
from tests.pages.test_editor import unescape
from wiki.knowledge.experiences import Filters, experiences_streamed


def test_a_misspelt_filter_is_refused_by_the_download_and_pointed_out_on_the_page(
    client, make_page
):
    make_page(title="Jardin de Raismes", text=experience_text("Jardin de Raismes", insee="59491"))
    download = client.get("/compare.csv?departement=35")
    assert download.status_code == 400
    assert "departement" in unescape(download.get_data(as_text=True))
    page = unescape(client.get("/compare?departement=35").get_data(as_text=True))
    assert "Ignoré" in page and "departement" in page
    assert "Jardin de Raismes" in page  # nothing was filtered, as the notice says


def test_ten_thousand_hand_picked_pages_get_a_clear_400(client):
    many = "&".join(f"slug=experience-{n}" for n in range(10_000))
    for url in (f"/compare?{many}", f"/compare.csv?{many}", f"/compare.xlsx?{many}"):
        response = client.get(url)
        assert response.status_code == 400, url[:20]
        assert "500" in unescape(response.get_data(as_text=True))  # the most it holds


def test_downloads_read_every_experience_once_a_chunk_at_a_time(client, make_page):
    titles = [f"Expérience {letter}" for letter in "ABCDE"]
    for title in reversed(titles):
        make_page(title=title, text=experience_text(title, insee="59491"))
    streamed = [page.title for page in experiences_streamed(Filters(), chunk=2)]
    assert streamed == titles
    rows = list(csv.reader(io.StringIO(client.get("/compare.csv").get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == titles


def test_an_xlsx_over_the_cap_points_to_the_csv_of_the_same_selection(app, client, make_page):
    for title in ("Jardin A", "Jardin B", "Jardin C"):
        make_page(title=title, text=experience_text(title, insee="59491", status="en cours"))
    app.config["XLSX_MAX_ROWS"] = 2
    response = client.get("/compare.xlsx?status=en+cours")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "3 expériences" in html and "au plus 2" in html
    assert 'href="/compare.csv?status=en+cours"' in html
    app.config["XLSX_MAX_ROWS"] = 3
    assert client.get("/compare.xlsx?status=en+cours").mimetype.endswith("sheet")
