"""Imports on PostgreSQL, the production database: kept ids move the sequences past them."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from tests.conftest import make_app
from tests.postgres import fresh_database, needs_postgres
from tests.transfer.conftest import MEDIAWIKI
from wiki.extensions import db

pytestmark = [pytest.mark.postgres, needs_postgres]


def test_an_export_imported_on_postgresql_keeps_its_ids_and_later_saves_still_work(tmp_path):
    from wiki.pages import service

    source = tmp_path / "source"
    source.mkdir()
    export = tmp_path / "export"
    with fresh_database() as url:
        app = make_app(source, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            try:
                runner = app.test_cli_runner()
                result = runner.invoke(
                    args=["import", "mediawiki", str(MEDIAWIKI / "jardins-fr.xml")]
                )
                assert result.exit_code == 0, result.output
                assert runner.invoke(args=["import", "undo", "1"]).exit_code == 0
                assert (
                    runner.invoke(
                        args=["import", "mediawiki", str(MEDIAWIKI / "jardins-fr.xml")]
                    ).exit_code
                    == 0
                )
                assert runner.invoke(args=["export", str(export), "--history"]).exit_code == 0
            finally:
                db.session.remove()
                db.engine.dispose()

    target = tmp_path / "target"
    target.mkdir()
    with fresh_database() as url:
        app = make_app(target, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            try:
                result = app.test_cli_runner().invoke(args=["import", "essaim", str(export)])
                assert result.exit_code == 0, result.output
                page = service.find_page("jardin-partage-des-tilleuls").page
                # Imported, undone, imported again: numbers 1-3 hidden there, 4-6 exported.
                assert [r.number for r in service.history(page)] == [6, 5, 4]
                # Ids were kept from the export: the next ones must not collide with them.
                new = service.save_page(slug=None, title="Nouvelle page", text="x", author=None)
                assert new.page.id > page.id and new.id > page.current_id
                edited = service.save_page(slug=page.slug, title=None, text="y", author=None)
                assert edited.number == 7
            finally:
                db.session.remove()
                db.engine.dispose()
