"""Writing through /api/v1 with personal tokens: made and revoked on the account page, hashed at
rest, scoped; create and update pages from a base revision (409 with both texts), send files."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from tests.api.conftest import check_against_description
from tests.conftest import csrf_token, log_in
from wiki.models import ApiToken
from wiki.pages import service


def _make_token(client, scope: str, name: str = "mon script") -> str:
    response = client.post(
        "/account/tokens",
        data={"csrf_token": csrf_token(client, "/account/tokens"), "name": name, "scope": scope},
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r'<code id="new-token">([^<]+)</code>', response.get_data(as_text=True))[1]


def _call(app, client, method: str, url: str, token: str | None = None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.open(url, method=method, headers=headers, **kwargs)
    check_against_description(app, url, response, method.lower())
    return response


def test_tokens_are_made_shown_once_kept_hashed_and_revoked_on_the_account_page(client, user, db):
    log_in(client)
    secret = _make_token(client, "write")

    assert secret.startswith("essaim_") and len(secret) > 40
    stored = db.session.scalar(select(ApiToken))
    assert stored.digest != secret and secret not in stored.digest and stored.scope == "write"
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "mon script" in page and secret not in page  # shown once, never again

    revoked = client.post(
        f"/account/tokens/{stored.id}/revoke",
        data={"csrf_token": csrf_token(client, "/account/tokens")},
        follow_redirects=True,
    )
    assert "révoqué" in revoked.get_data(as_text=True)
    db.session.refresh(stored)
    assert stored.revoked_at is not None


def test_a_write_token_creates_and_updates_a_page_a_read_token_or_none_cannot(app, client, user):
    log_in(client)
    writer, reader = _make_token(client, "write"), _make_token(client, "read", "lecture")
    body = {"title": "Jardin partagé d’Anzin", "text": "# Jardin\n\nDes bacs.\n"}

    assert _call(app, client, "POST", "/api/v1/pages", json=body).status_code == 401
    assert _call(app, client, "POST", "/api/v1/pages", reader, json=body).status_code == 403
    created = _call(app, client, "POST", "/api/v1/pages", writer, json=body)

    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/v1/pages/jardin-partage-danzin")
    revision = created.get_json()["revision"]
    assert revision["author"] == "camille" and revision["number"] == 1
    again = _call(app, client, "POST", "/api/v1/pages", writer, json=body)
    assert again.status_code == 409

    updated = _call(
        app,
        client,
        "PUT",
        "/api/v1/pages/jardin-partage-danzin",
        writer,
        json={"text": "# Jardin\n\nDes bacs et un composteur.\n", "base_revision": revision["id"]},
    )
    assert updated.status_code == 200 and updated.get_json()["revision"]["number"] == 2
    page = service.find_page("jardin-partage-danzin").page
    assert page.current.text.endswith("un composteur.\n") and page.current.author_label == "camille"


def test_an_update_from_an_old_base_is_merged_or_answered_409_with_both_texts(app, client, user):
    log_in(client)
    writer = _make_token(client, "write")
    base = service.save_page(
        slug=None, title="Repair café", text="un\ndeux\ntrois\nquatre\ncinq\n", author=user
    )
    service.save_page(
        slug=base.page.slug, title=None, text="UN\ndeux\ntrois\nquatre\ncinq\n", author=user
    )
    url = f"/api/v1/pages/{base.page.slug}"

    merged = _call(
        app,
        client,
        "PUT",
        url,
        writer,
        json={"text": "un\ndeux\ntrois\nquatre\nCINQ\n", "base_revision": base.id},
    )
    assert merged.status_code == 200 and merged.get_json()["merged"] is True
    assert service.find_page(base.page.slug).page.current.text == "UN\ndeux\ntrois\nquatre\nCINQ\n"

    conflict = _call(
        app,
        client,
        "PUT",
        url,
        writer,
        json={"text": "Un !\ndeux\ntrois\nquatre\ncinq\n", "base_revision": base.id},
    )
    assert conflict.status_code == 409
    details = conflict.get_json()["error"]["conflict"]
    assert details["your_text"].startswith("Un !") and details["current_text"].startswith("UN")
    assert "<<<<<<<" in details["merged_text"]


def test_bad_bodies_get_json_errors_of_one_shape(app, client, user):
    log_in(client)
    writer = _make_token(client, "write")
    malformed = _call(
        app,
        client,
        "POST",
        "/api/v1/pages",
        writer,
        data="{pas du json",
        content_type="application/json",
    )
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == 400
    invalid = _call(
        app,
        client,
        "POST",
        "/api/v1/pages",
        writer,
        json={"title": "Fusées", "text": "---\nthemes: [astronautique]\n---\n# F\n"},
    )
    assert invalid.status_code == 422
    assert invalid.get_json()["error"]["fields"][0]["field"] == "themes"
    missing_base = _call(app, client, "PUT", "/api/v1/pages/fusees", writer, json={"text": "x"})
    assert missing_base.status_code == 404
    unknown = _call(
        app, client, "PUT", "/api/v1/pages/rien", writer, json={"text": "x", "base_revision": 1}
    )
    assert unknown.status_code == 404


def test_a_token_revoked_in_the_middle_of_a_run_stops_the_writes_after_it(app, client, user, db):
    log_in(client)
    writer = _make_token(client, "write")
    statuses = []
    for n in range(6):
        if n == 3:
            token = db.session.scalar(select(ApiToken))
            client.post(
                f"/account/tokens/{token.id}/revoke",
                data={"csrf_token": csrf_token(client, "/account/tokens")},
            )
        response = _call(
            app,
            client,
            "POST",
            "/api/v1/pages",
            writer,
            json={"title": f"Fiche {n}", "text": f"# Fiche {n}\n"},
        )
        statuses.append(response.status_code)

    assert statuses == [201, 201, 201, 401, 401, 401]
    assert [service.find_page(f"fiche-{n}") is not None for n in range(6)] == [True] * 3 + [
        False
    ] * 3


def test_a_photo_is_sent_with_a_write_token(app, client, user):
    log_in(client)
    writer = _make_token(client, "write")
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 40)).save(buffer, "JPEG")

    no_alt = _call(
        app,
        client,
        "POST",
        "/api/v1/files",
        writer,
        data={"file": (io.BytesIO(buffer.getvalue()), "verger.jpg")},
    )
    assert no_alt.status_code in (400, 422)
    sent = _call(
        app,
        client,
        "POST",
        "/api/v1/files",
        writer,
        data={"file": (io.BytesIO(buffer.getvalue()), "verger.jpg"), "alt": "Le verger"},
    )
    assert sent.status_code == 201
    assert sent.get_json()["name"] == "verger.jpg" and sent.get_json()["alt"] == "Le verger"


def test_the_account_page_needs_a_login_and_nobody_revokes_someone_elses_token(
    client, user, make_user
):
    assert client.get("/account/tokens").status_code == 302
    log_in(client)
    _make_token(client, "write")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/tokens")})
    make_user("alix")
    log_in(client, "alix")
    refused = client.post(
        "/account/tokens/1/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert refused.status_code == 404
