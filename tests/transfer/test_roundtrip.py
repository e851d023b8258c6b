"""Never locked in: an export read back into an empty wiki exports again to the same files."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from tests.conftest import make_app
from tests.transfer.conftest import MEDIAWIKI
from wiki.extensions import db
from wiki.moderation import service as moderation
from wiki.pages import service


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _fill_first_wiki(app, user):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["import", "mediawiki", str(MEDIAWIKI / "jardins-fr.xml")]).exit_code
        == 0
    )
    first = service.save_page(
        slug=None,
        title="Repair café de Nyons",
        text="---\ntype: experience\nthemes: [déchets]\n---\n# Repair café\n\nLe samedi.\n",
        author=user,
        comment="Première version",
        when=datetime(2024, 3, 2, 9, 30, 15, 123456),
    )
    service.save_page(
        slug=first.page.slug,
        title=None,
        text="# Repair café\n\nLe samedi, à la salle des fêtes ; œuvre d’une asso.\n",
        author=None,
        comment="Lieu",
    )
    page = service.find_page(first.page.slug).page
    service.rename_page(page, "Repair café des Baronnies", user)
    moderation.set_revision_hidden(first, True)  # hidden: not exported, so not imported


def test_export_import_into_an_empty_wiki_then_export_again_gives_identical_files(
    app, user, tmp_path, migrated_db
):
    _fill_first_wiki(app, user)
    first_export = tmp_path / "export-1"
    result = app.test_cli_runner().invoke(args=["export", str(first_export), "--history"])
    assert result.exit_code == 0, result.output

    empty = tmp_path / "empty-wiki"
    empty.mkdir()
    shutil.copy(migrated_db, empty / "essaim.db")
    second_app = make_app(empty)
    second_export = tmp_path / "export-2"
    db.session.remove()
    with second_app.app_context():
        runner = second_app.test_cli_runner()
        imported = runner.invoke(args=["import", "essaim", str(first_export)])
        assert imported.exit_code == 0, imported.output
        assert "pages créées\xa0: 3," in imported.output
        exported = runner.invoke(args=["export", str(second_export), "--history"])
        assert exported.exit_code == 0, exported.output
        # The same source again writes nothing.
        again = runner.invoke(args=["import", "essaim", str(first_export)])
        assert "pages créées\xa0: 0, mises à jour\xa0: 0" in again.output
        client = second_app.test_client()
        history = client.get("/wiki/repair-cafe-des-baronnies/history").get_data(as_text=True)
        assert "camille" in history  # the author's name came along, without an account
        page = service.find_page("repair-cafe-des-baronnies").page
        assert client.get(f"/s/{page.short_code}").status_code == 302  # poster links hold
        assert client.get(f"/p/{page.id}").status_code == 302
        db.session.remove()
        db.engine.dispose()

    first, second = _files(first_export), _files(second_export)
    assert sorted(first) == sorted(second)
    assert "index.json" in first and "repair-cafe-des-baronnies/0003.md" in first
    assert "repair-cafe-des-baronnies/0001.md" not in first  # the hidden revision
    assert first == second
