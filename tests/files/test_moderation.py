"""Moderators hide a file version: kept, 404 for the public, logged; limits are configurable."""

from __future__ import annotations

import logging
import re

from tests.conftest import csrf_token, log_in
from tests.files.conftest import photo
from wiki.files import service
from wiki.files.storage import storage


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_an_administrator_hides_a_version_the_public_gets_404(
    app, client, user, make_user, make_page, caplog
):
    author = user
    make_user("alix", role="admin")
    first = service.upload(
        storage(),
        photo(400, 300, color=(10, 120, 10)),
        filename="verger.jpg",
        uploader=author,
        alt="Le verger",
    )
    second = service.upload(
        storage(),
        photo(400, 300, color=(200, 10, 10)),
        filename="verger.jpg",
        uploader=author,
        alt="Une photo de trop",
        replace=first.file,
    )
    page = make_page(text="# Verger\n\n![Le verger](fichier:verger.jpg)\n", author=author)
    second_url = f"/media/{second.id}/verger.jpg"
    assert client.get(second_url).status_code == 200

    log_in(client, "alix")
    html = client.get("/files/verger.jpg").get_data(as_text=True)
    # Alembic's logging set-up (the migrated_db fixture) disables loggers that existed then.
    logging.getLogger("wiki.files.service").disabled = False
    with caplog.at_level(logging.WARNING, logger="wiki.files.service"):
        response = client.post(
            f"/files/verger.jpg/versions/{second.id}/hide",
            data={"csrf_token": token_of(html), "reason": "visage d’un enfant"},
        )
    assert response.status_code == 302
    assert "version 2 hidden by alix (visage d’un enfant)" in caplog.text
    assert client.get(second_url).status_code == 200  # moderators still see it
    assert "no-store" in client.get(second_url).headers["Cache-Control"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    assert client.get(second_url).status_code == 404
    for width in second.widths:
        assert client.get(f"/media/{second.id}/{width}/verger.webp").status_code == 404
    # The page falls back to the newest visible version; the file page does not list it.
    view = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert f"/media/{first.id}/verger.jpg" in view and f"/media/{second.id}/" not in view
    assert "Une photo de trop" not in client.get("/files/verger.jpg").get_data(as_text=True)
    hidden = service.versions(service.find("verger.jpg"))[0]
    assert hidden.hidden and hidden.hidden_by.username == "alix"
    assert hidden.hidden_reason == "visage d’un enfant"


def test_an_editor_cannot_hide_a_version(app, logged_in, user):
    version = service.upload(storage(), photo(300, 200), filename="v.jpg", uploader=user, alt="v")
    html = logged_in.get("/files/v.jpg").get_data(as_text=True)
    assert "/hide" not in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = logged_in.post(
        f"/files/v.jpg/versions/{version.id}/hide", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert logged_in.get(f"/media/{version.id}/v.jpg").status_code == 200


def test_the_upload_size_limit_is_configurable(app, logged_in, upload):
    app.config["FILES_MAX_BYTES"] = 50_000
    response = upload(photo(1600, 1200), filename="grande.jpg")
    assert response.status_code == 413
    assert "0 Mo au plus" in response.get_json()["error"] or "Mo" in response.get_json()["error"]


def test_bytes_per_day_are_limited_too(app, logged_in, upload):
    picture = photo(800, 600)
    app.config["FILES_BYTES_PER_DAY"] = len(picture) + 10
    assert upload(picture, filename="a.jpg").status_code == 201
    assert upload(picture, filename="b.jpg").status_code == 429


def test_administrators_are_not_held_by_the_daily_limits(app, client, make_user, upload):
    make_user("alix", role="admin")
    log_in(client, "alix")
    app.config["FILES_PER_DAY"] = 1
    assert upload(photo(200, 150), filename="a.jpg").status_code == 201
    assert upload(photo(200, 150), filename="b.jpg").status_code == 201
