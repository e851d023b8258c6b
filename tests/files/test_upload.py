"""A volunteer adds a photo of the orchard: stored cleaned, shown in the page with thumbnails."""

from __future__ import annotations

import io

from PIL import Image

from tests.files.conftest import GPS_IFD, MAKE, photo, stored_blobs
from wiki.files import service
from wiki.files.models import File, FileVersion
from wiki.files.storage import storage


def test_uploaded_photo_gets_a_file_page_and_its_markdown_line(logged_in, upload):
    response = upload(photo(), filename="Verger à Raismes.JPG")
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["name"] == "verger-a-raismes.jpg"
    assert answer["markdown"] == "![Le verger partagé au printemps](fichier:verger-a-raismes.jpg)"
    page = logged_in.get("/files/verger-a-raismes.jpg").get_data(as_text=True)
    assert "Le verger partagé au printemps" in page
    assert "Camille Martin" in page
    assert "CC BY-SA 4.0" in page


def test_served_photo_has_no_position_nor_camera_and_is_turned_upright(logged_in, upload):
    answer = upload(photo(1600, 1200, orientation=6), filename="pommiers.jpg").get_json()
    served = logged_in.get(answer["url"])
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    exif = image.getexif()
    assert GPS_IFD not in exif and MAKE not in exif and not exif.get_ifd(GPS_IFD)
    assert b"Pixel 7" not in served.data and b"Google" not in served.data
    # Orientation 6 (turned 90° clockwise to view): the stored picture is upright, 1200×1600.
    assert image.size == (1200, 1600)
    red = image.convert("RGB").getpixel((1200 - 30, 30))
    assert red[0] > 180 and red[1] < 80, red
    for url, _width in [(answer["thumbnail"], 320)]:
        thumb = logged_in.get(url)
        assert thumb.mimetype == "image/webp"
        assert b"Pixel 7" not in thumb.data
        assert Image.open(io.BytesIO(thumb.data)).size[0] == 320


def test_versions_are_served_forever_and_cached_long(logged_in, upload):
    answer = upload(photo(color=(10, 120, 10)), filename="verger.jpg").get_json()
    first = answer["url"]
    response = logged_in.get(first)
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert (
        logged_in.get(first, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    )


def test_new_version_keeps_the_old_one_and_revert_brings_it_back(app, logged_in, upload, user):
    first = upload(photo(color=(10, 120, 10)), filename="verger.jpg").get_json()
    file = service.find("verger.jpg")
    second = service.upload(
        storage(),
        photo(color=(200, 200, 10)),
        filename="autre.jpg",
        uploader=user,
        alt="Le verger en automne",
        replace=file,
    )
    assert second.number == 2 and file.current_id == second.id
    assert logged_in.get(first["url"]).status_code == 200  # the old version's URL still works
    page = logged_in.get("/files/verger.jpg").get_data(as_text=True)
    assert "Le verger en automne" in page
    first_version = service.versions(file)[-1]
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = logged_in.post(
        f"/files/verger.jpg/revert/{first_version.id}", data={"csrf_token": token}
    )
    assert response.status_code == 302
    file = service.find("verger.jpg")
    assert file.current.number == 3
    assert file.current.sha256 == first_version.sha256
    assert file.current.alt == "Le verger partagé au printemps"


def test_page_shows_the_photo_with_thumbnails_and_lazy_loading(logged_in, upload, make_page):
    upload(photo(4000, 3000), filename="verger.jpg")
    page = make_page(text="# Verger\n\n![Le verger au printemps](fichier:verger.jpg)\n")
    html = logged_in.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert 'loading="lazy"' in html
    assert "320w" in html and "640w" in html and "1280w" in html
    assert 'alt="Le verger au printemps"' in html
    assert 'width="4000" height="3000"' in html


def test_unknown_file_name_renders_as_a_link_to_add_it(logged_in, make_page):
    page = make_page(text="# Verger\n\n![Photo à venir](fichier:absent.jpg)\n")
    html = logged_in.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert 'class="file-missing" href="/files/absent.jpg"' in html


def test_files_list_marks_unused_files(logged_in, upload, make_page):
    upload(photo(), filename="utilisee.jpg")
    upload(photo(), filename="oubliee.jpg")
    make_page(text="# Verger\n\n![Une photo](fichier:utilisee.jpg)\n")
    html = logged_in.get("/files").get_data(as_text=True)
    rows = html.split("<tr")
    used_row = next(r for r in rows if ">utilisee.jpg</a>" in r)
    unused_row = next(r for r in rows if ">oubliee.jpg</a>" in r)
    assert "1 page" in used_row and "unused" not in used_row
    assert 'class="unused"' in unused_row


def test_document_is_offered_as_a_download(logged_in, upload, make_page):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    answer = upload(pdf, filename="Budget 2024.pdf", alt="").get_json()
    assert answer["name"] == "budget-2024.pdf"
    response = logged_in.get(answer["url"])
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    page = make_page(text="# Budget\n\n[Le budget](fichier:budget-2024.pdf)\n")
    html = logged_in.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert 'type="application/pdf"' in html and "PDF, " in html


def test_nothing_is_stored_when_the_database_refuses(app, user, monkeypatch):
    from wiki.extensions import db

    def fail():
        raise RuntimeError("disk full")

    monkeypatch.setattr(db.session, "commit", fail)
    try:
        service.upload(storage(), photo(), filename="v.jpg", uploader=user, alt="x")
    except RuntimeError:
        pass
    monkeypatch.undo()
    assert stored_blobs(app) == []
    assert db.session.query(File).count() == 0 and db.session.query(FileVersion).count() == 0
