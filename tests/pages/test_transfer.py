"""Import and export of pages as Markdown files, through the `essaim` commands."""

import json

from sqlalchemy import select

from wiki.models import Page
from wiki.pages import service

EXPERIENCE = """---
type: experience
territory: Nyons
insee: "26220"
themes: [eau]
status: idée
---
# Récupération des eaux de pluie à Nyons

## Leviers
- Des toitures publiques nombreuses
"""


def test_import_creates_pages_updates_existing_ones_and_reports_bad_files(app, tmp_path, make_page):
    make_page(title="Frigo solidaire", text="# Frigo solidaire\n\nAncienne version.")
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "eau.md").write_text(EXPERIENCE, "utf-8")
    (folder / "frigo.md").write_text("# Frigo solidaire\n\nNouvelle version.", "utf-8")
    (folder / "latin1.md").write_bytes("# Café\n\ncaf\xe9".encode("latin-1"))
    (folder / "mauvais-theme.md").write_text(
        "---\nthemes: [astronautique]\n---\n# Fusées\n", "utf-8"
    )

    result = app.test_cli_runner().invoke(args=["import", str(folder)])

    assert result.exit_code == 1
    assert "1 created, 1 updated, 0 unchanged, 2 refused" in result.output
    assert "latin1.md" in result.output and "mauvais-theme.md" in result.output
    page = service.find_page("recuperation-des-eaux-de-pluie-a-nyons").page
    assert page.territory == "Nyons" and page.status == "idée"
    frigo = service.find_page("frigo-solidaire").page
    assert "Nouvelle version." in frigo.current.text and frigo.current.number == 2
    assert service.find_page("fusees") is None

    from wiki.search.query import search

    assert search("toitures").total == 1  # the imported page is in the search index


def test_export_then_import_into_an_empty_wiki_gives_the_same_pages(
    app, tmp_path, make_page, db, migrated_db
):
    import shutil

    from tests.conftest import make_app

    make_page(title="Jardin partagé", text="# Jardin partagé\n\n- Le soutien des élus")
    make_page(
        title="Repair café",
        text=EXPERIENCE.replace("Récupération des eaux de pluie à Nyons", "Repair café"),
    )
    out = tmp_path / "export"
    result = app.test_cli_runner().invoke(args=["export", str(out), "--history"])
    assert result.exit_code == 0, result.output
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert {e["slug"] for e in index} == {"jardin-partage", "repair-cafe"}
    assert (out / "jardin-partage" / "0001.md").exists()
    texts = {p.slug: p.current.text for p in db.session.scalars(select(Page))}

    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    shutil.copy(migrated_db, fresh_dir / "essaim.db")
    fresh = make_app(fresh_dir)
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["import", str(out)])
        assert "2 created, 0 updated, 0 unchanged, 0 refused" in result.output, result.output
        for slug, text in texts.items():
            assert service.find_page(slug).page.current.text == text
        db.session.remove()
        db.engine.dispose()


def test_import_refuses_symbolic_links_and_says_so(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "passwd.md").symlink_to(secret)
    (folder / "ailleurs.md").symlink_to(tmp_path / "absent.md")  # a dangling link too
    (folder / "eau.md").write_text(EXPERIENCE, "utf-8")

    result = app.test_cli_runner().invoke(args=["import", str(folder)])

    assert result.exit_code == 1
    assert "1 created, 0 updated, 0 unchanged, 2 refused" in result.output
    assert "refused passwd.md: symbolic link, not followed" in result.output
    assert "refused ailleurs.md: symbolic link" in result.output
    assert service.find_page("passwd") is None
    texts = [p.current.text for p in app.extensions["sqlalchemy"].session.scalars(select(Page))]
    assert not any("root:x:0:0" in t for t in texts)
