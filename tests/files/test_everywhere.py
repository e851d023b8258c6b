"""Files where pages go: the search page, the print view, the files list's own search."""

from __future__ import annotations

import pytest

from tests.files.conftest import photo
from wiki.files import service
from wiki.files.storage import storage


@pytest.fixture
def orchard(user):
    service.upload(
        storage(),
        photo(640, 480),
        filename="verger-des-tilleuls.jpg",
        uploader=user,
        alt="Des bénévoles plantent des pommiers",
        credit="Association Croqueurs de pommes",
    )
    service.upload(storage(), b"%PDF-1.4\n%%EOF\n", filename="budget-2024.pdf", uploader=user)


@pytest.mark.parametrize(
    "words, expected",
    [
        ("tilleuls", "verger-des-tilleuls.jpg"),  # the name
        ("pommiers bénévoles", "verger-des-tilleuls.jpg"),  # the description
        ("croqueurs", "verger-des-tilleuls.jpg"),  # the credit
        ("budget", "budget-2024.pdf"),
    ],
)
def test_search_finds_a_file_by_name_description_or_credit(client, orchard, words, expected):
    html = client.get("/search", query_string={"q": words}).get_data(as_text=True)
    section = html.split('id="file-hits-title"')[1].split("</section>")[0]
    assert f">{expected}</a>" in section
    assert html.count('class="file-card"') == 1


def test_search_without_a_matching_file_shows_no_files_section(client, orchard):
    html = client.get("/search", query_string={"q": "compost"}).get_data(as_text=True)
    assert "file-hits-title" not in html


def test_files_list_searches_too(client, orchard):
    html = client.get("/files", query_string={"q": "croqueurs"}).get_data(as_text=True)
    assert ">verger-des-tilleuls.jpg</a>" in html and "budget-2024.pdf" not in html


def test_print_view_shows_the_images(client, orchard, make_page):
    page = make_page(text="# Verger\n\n![Le verger](fichier:verger-des-tilleuls.jpg)\n")
    html = client.get(f"/wiki/{page.slug}/print").get_data(as_text=True)
    assert 'class="file-image"' in html and "/media/" in html
    assert 'loading="lazy"' not in html  # a lazy image below the fold would print empty


def test_a_page_s_files_tab_lists_its_files_and_uploads_without_javascript(
    app, logged_in, orchard, make_page
):
    import io
    import re

    page = make_page(text="# Verger\n\n[Le budget](fichier:budget-2024.pdf)\n")
    html = logged_in.get(f"/wiki/{page.slug}/files").get_data(as_text=True)
    assert ">budget-2024.pdf</a>" in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = logged_in.post(
        f"/wiki/{page.slug}/files",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(photo(500, 400)), "Récolte 2024.jpg"),
            "alt": "La récolte de pommes",
            "licence": "CC-BY-SA-4.0",
            "add_to_page": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    shown = logged_in.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert 'alt="La récolte de pommes"' in shown
    assert "![La récolte de pommes](fichier:recolte-2024.jpg)" in page.current.text
    # A refused upload shows the message in the form, in French.
    response = logged_in.post(
        f"/wiki/{page.slug}/files",
        data={"csrf_token": token, "file": (io.BytesIO(b""), "vide.jpg"), "alt": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Le fichier est vide" in response.get_data(as_text=True)
