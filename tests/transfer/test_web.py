"""/admin/transfer: an administrator previews, runs, reads the report of, and undoes an import;
and downloads the whole wiki (Markdown zip with history, JSON)."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile

from sqlalchemy import func, select

from tests.conftest import csrf_token, log_in
from tests.transfer.conftest import DATA, MEDIAWIKI
from wiki.models import Page
from wiki.pages import service


def _admin(client, make_user):
    make_user("alix", role="admin")
    log_in(client, "alix")


def _upload(client, kind: str, path, mapping=None):
    data = {
        "csrf_token": csrf_token(client, "/admin/transfer"),
        "kind": kind,
        "source": (io.BytesIO(path.read_bytes()), path.name),
    }
    if mapping is not None:
        data["mapping"] = (io.BytesIO(mapping.read_bytes()), mapping.name)
    return client.post("/admin/transfer/preview", data=data, content_type="multipart/form-data")


def _finish(client, html: str) -> dict:
    """Start the previewed import and wait for its background thread (bounded)."""
    action = html.split('action="/admin/transfer/jobs/')[1].split('"')[0]
    job_id = action.split("/")[0]
    response = client.post(
        f"/admin/transfer/jobs/{job_id}/run",
        data={"csrf_token": csrf_token(client, "/admin/transfer")},
    )
    assert response.status_code == 302
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = client.get(f"/admin/transfer/jobs/{job_id}/progress.json").get_json()
        if progress["state"] != "running":
            break
        time.sleep(0.1)
    progress["page"] = client.get(f"/admin/transfer/jobs/{job_id}").get_data(as_text=True)
    return progress


def test_only_administrators_reach_the_transfer_page(client, make_user):
    assert client.get("/admin/transfer").status_code == 302  # to the login page
    make_user("camille")
    log_in(client, "camille")
    assert client.get("/admin/transfer").status_code == 403
    assert client.get("/admin/transfer/export.json").status_code == 403


def test_a_spreadsheet_is_previewed_then_run_in_the_background_with_its_report(
    app, client, make_user, db
):
    _admin(client, make_user)
    assert "Importer et exporter" in client.get("/admin/transfer").get_data(as_text=True)

    preview = _upload(client, "spreadsheet", DATA / "spreadsheet" / "experiences-latin1.csv")

    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Épicerie solidaire de Crest" in html and "à créer" in html
    assert "fini depuis" in html  # the reason a row would be skipped
    assert db.session.scalar(select(func.count(Page.id))) == 0  # nothing written yet

    progress = _finish(client, html)

    assert progress["state"] == "done" and progress["done"] == progress["total"] == 4
    assert "pages créées" in progress["page"] and "Cantine bio à Saillans" in progress["page"]
    db.session.expire_all()
    assert service.find_page("epicerie-solidaire-de-crest") is not None
    report = client.get(f"/admin/transfer/batches/{progress['batch']}/report.csv")
    assert report.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["Épicerie solidaire de Crest", "créée", ""] in rows
    assert any(r[0].startswith("ligne 5") and r[1] == "laissée de côté" for r in rows)

    listing = client.get("/admin/transfer").get_data(as_text=True)
    assert "experiences-latin1.csv" in listing
    undone = client.post(
        f"/admin/transfer/batches/{progress['batch']}/undo",
        data={"csrf_token": csrf_token(client, "/admin/transfer")},
        follow_redirects=True,
    )
    assert "pages supprimées" in undone.get_data(as_text=True).replace("\xa0", " ")
    # Gone for readers (administrators and moderators still see removed pages).
    assert app.test_client().get("/wiki/epicerie-solidaire-de-crest").status_code == 410


def test_a_mediawiki_dump_with_a_mapping_goes_through_the_web_too(client, make_user):
    _admin(client, make_user)
    preview = _upload(
        client, "mediawiki", MEDIAWIKI / "jardins-fr.xml", MEDIAWIKI / "categories.yaml"
    )
    html = preview.get_data(as_text=True)
    assert "Jardin partagé des Tilleuls" in html and "Tilleuls" in html

    progress = _finish(client, html)

    assert progress["state"] == "done", progress
    page = service.find_page("jardin-partage-des-tilleuls").page
    assert [t.theme for t in page.themes] == ["alimentation"]


def test_a_file_of_the_wrong_kind_or_a_bad_mapping_is_refused_with_a_message(client, make_user):
    _admin(client, make_user)
    wrong = _upload(client, "mediawiki", DATA / "spreadsheet" / "experiences-latin1.csv")
    assert wrong.status_code == 400
    assert ".xml" in wrong.get_data(as_text=True)

    bad = DATA / "mediawiki" / "LICENSE.md"
    refused = _upload(client, "mediawiki", MEDIAWIKI / "jardins-fr.xml", bad)
    assert refused.status_code == 400
    assert "correspondance" in refused.get_data(as_text=True)


def test_the_whole_wiki_downloads_as_markdown_with_history_and_as_json(client, make_user, db):
    service.save_page(slug=None, title="Verger de Crest", text="# Verger\n\nUn.", author=None)
    service.save_page(slug="verger-de-crest", title=None, text="# Verger\n\nDeux.", author=None)
    _admin(client, make_user)

    archive = client.get("/admin/transfer/export.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert {
        "essaim/index.json",
        "essaim/verger-de-crest/0001.md",
        "essaim/verger-de-crest/0002.md",
    } <= set(names)

    dump = json.loads(client.get("/admin/transfer/export.json").get_data(as_text=True))
    [page] = dump["pages"]
    assert [r["text"] for r in page["revisions"]] == ["# Verger\n\nUn.", "# Verger\n\nDeux."]


def test_the_report_never_carries_a_formula_into_a_spreadsheet(client, make_user, tmp_path):
    _admin(client, make_user)
    table = tmp_path / "formules.csv"
    table.write_text('Titre;Commune\n"=HYPERLINK(""http://x"")";Die\n', "utf-8")
    progress = _finish(client, _upload(client, "spreadsheet", table).get_data(as_text=True))

    report = client.get(f"/admin/transfer/batches/{progress['batch']}/report.csv?sep=semicolon")

    rows = list(
        csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
