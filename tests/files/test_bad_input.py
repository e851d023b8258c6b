"""Every bad upload of issue 11 gets a clear message, stores nothing, and nothing can run."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from tests.conftest import csrf_token
from tests.files.conftest import photo, stored_blobs
from wiki.extensions import db
from wiki.files.models import File, FileVersion


def nothing_stored(app):
    assert stored_blobs(app) == []
    assert db.session.query(File).count() == 0
    assert db.session.query(FileVersion).count() == 0


def refused(response, status, words):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    message = response.get_json()["error"]
    assert words in message, message
    return message


def png_bomb(width=20000, height=20000) -> bytes:
    """A PNG of 400 million pixels that weighs a few hundred kilobytes."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\x00" + b"\x00" * (width // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_sixty_megabytes_are_refused_before_being_read(app, logged_in, upload):
    response = upload(b"\xff\xd8\xff" + b"\x00" * (60 * 1000 * 1000), filename="enorme.jpg")
    refused(response, 413, "25 Mo au plus")
    nothing_stored(app)


def test_uploads_may_be_larger_than_other_requests(app, logged_in, upload):
    big = photo(1200, 900)
    app.config["MAX_CONTENT_LENGTH"] = len(big) // 2  # the limit of every other request
    assert upload(big, filename="grande.jpg").status_code == 201


def test_decompression_bomb_png_is_refused(app, logged_in, upload):
    bomb = png_bomb()
    assert len(bomb) < 1_000_000
    refused(upload(bomb, filename="bombe.png"), 422, "millions de pixels")
    nothing_stored(app)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "page web (HTML)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    ],
)
def test_html_or_svg_renamed_jpg_is_refused(app, logged_in, upload, content, words):
    refused(upload(content, filename="photo.jpg"), 422, words)
    nothing_stored(app)


def test_svg_with_script_is_refused_under_its_own_name(app, logged_in, upload):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    )
    refused(upload(svg, filename="logo.svg"), 422, "SVG")
    nothing_stored(app)


def test_polyglot_jpeg_html_is_served_as_a_clean_jpeg(app, logged_in, upload):
    payload = b"<html><script>alert(document.cookie)</script></html>"
    polyglot = photo(400, 300)
    # HTML in a JPEG comment segment and after the end of the image: both are valid JPEG.
    polyglot = (
        polyglot[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + polyglot[2:]
    )
    polyglot += payload
    answer = upload(polyglot, filename="polyglotte.jpg").get_json()
    served = logged_in.get(answer["url"])
    assert served.mimetype == "image/jpeg"
    assert b"<script" not in served.data and b"<html" not in served.data
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_empty_file_is_refused(app, logged_in, upload):
    refused(upload(b"", filename="vide.jpg"), 422, "vide")
    nothing_stored(app)


@pytest.mark.parametrize(
    "name, words",
    [
        ("../../etc/passwd.jpg", "ne peut pas contenir"),
        ("..\\..\\verger.jpg", "ne peut pas contenir"),
        ("verger\x00.html.jpg", "ne peut pas contenir"),
        ("v" * 300 + ".jpg", "trop long"),
    ],
)
def test_dangerous_or_long_names_are_refused(app, logged_in, upload, name, words):
    refused(upload(photo(200, 150), filename="ok.jpg", name=name), 422, words)
    nothing_stored(app)


def test_dangerous_name_sent_by_the_browser_is_refused_too(app, logged_in, upload):
    refused(upload(photo(200, 150), filename="../verger.jpg"), 422, "ne peut pas contenir")
    nothing_stored(app)


def test_duplicate_name_is_refused_with_a_free_name_suggested(app, logged_in, upload):
    assert upload(photo(200, 150), filename="verger.jpg").status_code == 201
    response = upload(photo(200, 150, color=(1, 2, 3)), filename="verger.jpg")
    refused(response, 409, "existe déjà")
    assert response.get_json()["suggestion"] == "verger-2.jpg"
    assert db.session.query(FileVersion).count() == 1


def test_two_uploads_racing_for_one_name_give_one_file_and_a_clear_message(
    app, logged_in, upload, monkeypatch
):
    from wiki.files import service

    assert upload(photo(200, 150), filename="verger.jpg").status_code == 201
    blobs = stored_blobs(app)
    # The second upload checked the name before the first one committed.
    monkeypatch.setattr(service, "find", lambda name: None)
    response = upload(photo(200, 150, color=(9, 9, 9)), filename="verger.jpg")
    refused(response, 409, "existe déjà")
    assert db.session.query(FileVersion).count() == 1
    assert stored_blobs(app) == blobs  # the loser's blobs were removed


def test_interrupted_upload_stores_nothing(app, logged_in):
    token = csrf_token(logged_in, "/files/new")
    boundary = "essaimboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nUn verger\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + photo(800, 600)[:5000]
    response = logged_in.post(
        "/files/new",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        # The browser announced the whole photo; the connection dropped after 5 kB.
        environ_overrides={"CONTENT_LENGTH": str(len(body) + 100_000)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "interrompu" in response.get_json()["error"]
    nothing_stored(app)


def test_truncated_photo_is_refused_as_incomplete(app, logged_in, upload):
    refused(upload(photo(800, 600)[:6000], filename="coupee.jpg"), 422, "incomplète")
    nothing_stored(app)


def test_photo_without_description_is_refused(app, logged_in, upload):
    refused(upload(photo(200, 150), filename="verger.jpg", alt="  "), 422, "texte alternatif")
    nothing_stored(app)


def test_daily_limit_per_account(app, logged_in, upload):
    app.config["FILES_PER_DAY"] = 2
    assert upload(photo(200, 150), filename="a.jpg").status_code == 201
    assert upload(photo(200, 150), filename="b.jpg").status_code == 201
    refused(upload(photo(200, 150), filename="c.jpg"), 429, "limite de fichiers du jour")


def test_messages_are_in_english_for_english_visitors(app, logged_in, upload):
    logged_in.get("/?lang=en")
    with logged_in.session_transaction() as session:
        session["lang"] = "en"
    refused(upload(b"", filename="vide.jpg"), 422, "The file is empty (0 bytes)")
    refused(upload(b"<html><body>x</body></html>", filename="a.jpg"), 422, "web page (HTML)")
