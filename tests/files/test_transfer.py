"""`essaim export` then `essaim import` carries a page's photos and documents along."""

from __future__ import annotations

import io
import json
import shutil

from PIL import Image

from tests.conftest import make_app
from tests.files.conftest import photo
from wiki.extensions import db as _db
from wiki.files import service
from wiki.files.storage import storage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_export_then_import_gives_the_page_with_its_files(
    app, tmp_path, user, make_page, migrated_db
):
    first = service.upload(
        storage(),
        photo(800, 600, color=(10, 120, 10)),
        filename="verger.jpg",
        uploader=user,
        alt="Le verger au printemps",
        credit="Camille Martin",
        licence="CC-BY-4.0",
    )
    service.upload(
        storage(),
        photo(800, 600, color=(200, 160, 10)),
        filename="verger.jpg",
        uploader=user,
        alt="Le verger en automne",
        credit="Camille Martin",
        replace=first.file,
        comment="les pommes",
    )
    service.upload(storage(), PDF, filename="budget.pdf", uploader=user, credit="Mairie")
    make_page(
        title="Verger partagé",
        text="# Verger partagé\n\n![Le verger](fichier:verger.jpg)\n\n[Budget](fichier:budget.pdf)\n",
    )
    folder = tmp_path / "export"
    result = app.test_cli_runner().invoke(args=["export", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 files" in result.output
    index = json.loads((folder / "files" / "files.json").read_text("utf-8"))
    assert [f["name"] for f in index] == ["budget.pdf", "verger.jpg"]
    assert [v["alt"] for v in index[1]["versions"]] == [
        "Le verger au printemps",
        "Le verger en automne",
    ]

    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(migrated_db, other / "essaim.db")
    second = make_app(other)
    with second.app_context():
        try:
            result = second.test_cli_runner().invoke(args=["import", str(folder)])
            assert result.exit_code == 0, result.output
            assert "2 files created" in result.output
            verger = service.find("verger.jpg")
            versions = service.versions(verger)
            assert [v.number for v in versions] == [2, 1]
            assert versions[0].alt == "Le verger en automne" and versions[0].comment == "les pommes"
            assert versions[1].licence == "CC-BY-4.0" and versions[1].credit == "Camille Martin"
            client = second.test_client()
            html = client.get("/wiki/verger-partage").get_data(as_text=True)
            assert 'class="file-image"' in html and 'type="application/pdf"' in html
            served = client.get(f"/media/{versions[0].id}/verger.jpg")
            assert Image.open(io.BytesIO(served.data)).getpixel((700, 500))[0] > 150  # autumn
            assert (
                client.get(f"/media/{service.find('budget.pdf').current_id}/budget.pdf").data == PDF
            )
            # Importing again changes nothing.
            again = second.test_cli_runner().invoke(args=["import", str(folder)])
            assert "0 files created, 2 unchanged" in again.output
        finally:
            _db.session.remove()
            _db.engine.dispose()


def test_an_import_refuses_a_file_that_is_not_what_it_claims(app, tmp_path):
    folder = tmp_path / "import"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "evil.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    (folder / "files" / "files.json").write_text(
        json.dumps(
            [
                {"name": "evil.jpg", "versions": [{"number": 1, "blob": "evil.jpg", "alt": "x"}]},
                {"name": "escape.jpg", "versions": [{"number": 1, "blob": "../../etc/passwd"}]},
            ]
        ),
        "utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import", str(folder)])
    assert result.exit_code == 1
    assert "refused evil.jpg" in result.output and "refused escape.jpg" in result.output
    assert service.find("evil.jpg") is None and service.find("escape.jpg") is None
