"""Files on PostgreSQL, the production database: upload, new version, revert, list, hide."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from tests.conftest import make_app
from tests.files.conftest import photo
from tests.postgres import fresh_database, needs_postgres
from wiki.extensions import db

pytestmark = [pytest.mark.postgres, needs_postgres]


def test_files_work_on_postgresql(tmp_path):
    from wiki.auth.service import create_user
    from wiki.files import service
    from wiki.files.storage import storage
    from wiki.pages.service import save_page

    with fresh_database() as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            try:
                user = create_user("camille", "un mot de passe solide")
                admin = create_user("alix", "un mot de passe solide", role="admin")
                first = service.upload(
                    storage(),
                    photo(300, 200),
                    filename="verger.jpg",
                    uploader=user,
                    alt="Le verger",
                )
                second = service.upload(
                    storage(),
                    photo(300, 200, color=(1, 2, 3)),
                    filename="x.jpg",
                    uploader=user,
                    alt="Autre",
                    replace=first.file,
                )
                with pytest.raises(service.NameTaken):
                    service.upload(
                        storage(),
                        photo(300, 200),
                        filename="verger.jpg",
                        uploader=user,
                        alt="Doublon",
                    )
                save_page(
                    slug=None,
                    title="Verger",
                    text="# Verger\n\n![x](fichier:verger.jpg)\n",
                    author=user,
                )
                [(file, uses)] = service.all_files()
                assert file.name == "verger.jpg" and uses == 1
                reverted = service.revert(file, first, user)
                assert reverted.number == 3 and reverted.sha256 == first.sha256
                service.set_hidden(second, True, admin, "erreur")
                assert [v.number for v in service.versions(file) if not v.hidden] == [3, 1]
                assert service.search("verger")[0].name == "verger.jpg"
            finally:
                db.session.rollback()
                db.session.remove()
                db.engine.dispose()
