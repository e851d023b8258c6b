"""Offline copy: static HTML that works from a folder or a zip, with relative links."""

from __future__ import annotations

import io
import json
import re
import zipfile

from tests.conftest import csrf_token
from tests.festival.conftest import PUBLIC

LINKED = """---
type: experience
territory: Raismes
themes: [alimentation]
---
# Cantine bio

Voir [[Verger partagé de Saint-Julien]] et [[Page absente]].

## Leviers

- La volonté des cuisiniers
"""


def test_cli_writes_a_folder_with_relative_links_search_index_and_qr(
    app, short_page, make_page, tmp_path
):
    cantine = make_page(title="Cantine bio", text=LINKED)
    out = tmp_path / "copie"
    result = app.test_cli_runner().invoke(args=["export", "html", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 pages" in result.output
    index = (out / "index.html").read_text()
    assert f'href="pages/{cantine.slug}.html"' in index
    page = (out / "pages" / f"{cantine.slug}.html").read_text()
    assert f'href="{short_page.slug}.html"' in page  # between exported pages: relative
    assert f'href="{PUBLIC}/wiki/page-absente/edit' in page  # elsewhere: online
    assert "<svg" in page and f"essaim.example.org/s/{cantine.short_code}" in page
    assert 'href="../assets/offline.css"' in page
    assert not re.search(r'(?:href|src)="/(?!/)', page), "no root-relative link survives"
    assert "cdn" not in page.lower() and "https://" not in index.split("<body")[0]
    script = (out / "assets" / "search-index.js").read_text()
    entries = json.loads(script.removeprefix("window.ESSAIM_INDEX = ").rstrip(";\n"))
    assert {e["title"] for e in entries} == {"Cantine bio", "Verger partagé de Saint-Julien"}
    assert "La volonté des cuisiniers" in next(
        e["text"] for e in entries if e["title"] == "Cantine bio"
    )


def test_cli_writes_a_zip_and_refuses_a_non_empty_folder(app, short_page, tmp_path):
    archive = tmp_path / "copie.zip"
    result = app.test_cli_runner().invoke(args=["export", "html", str(archive)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(archive).namelist()
    assert "essaim/index.html" in names and f"essaim/pages/{short_page.slug}.html" in names
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    refused = app.test_cli_runner().invoke(args=["export", "html", str(tmp_path / "full")])
    assert refused.exit_code != 0 and "not empty" in refused.output


def test_markdown_export_still_answers_to_its_old_command(app, short_page, tmp_path):
    out = tmp_path / "md"
    result = app.test_cli_runner().invoke(args=["export", "--history", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "index.json").exists()


def test_web_download_of_a_selection_as_zip(client, short_page, make_page, db):
    other = make_page(title="Cantine bio", text=LINKED)
    hidden = make_page(title="Cachée", text=LINKED.replace("Cantine bio", "Cachée"))
    hidden.current.hidden = True
    db.session.commit()
    token = csrf_token(client, "/booklet?theme=alimentation")
    response = client.post("/booklet/offline", data={"csrf_token": token, "theme": "alimentation"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert f"essaim/pages/{other.slug}.html" in names
    assert f"essaim/pages/{short_page.slug}.html" in names
    assert f"essaim/pages/{hidden.slug}.html" not in names
