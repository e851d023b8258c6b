"""`essaim import mediawiki`: a MediaWiki export becomes pages with their whole history."""

from __future__ import annotations

import bz2
import gzip
import io
from datetime import datetime

from PIL import Image
from sqlalchemy import func, select

from tests.transfer.conftest import MEDIAWIKI
from wiki.files import service as file_service
from wiki.models import Link, Page, Revision
from wiki.pages import service
from wiki.search.query import search

JARDINS = MEDIAWIKI / "jardins-fr.xml"
FANDOM = MEDIAWIKI / "testwiki-fandom.xml"
MAPPING = MEDIAWIKI / "categories.yaml"


def _page(slug: str) -> Page:
    resolved = service.find_page(slug)
    assert resolved is not None, slug
    return resolved.page


def _revisions(page: Page) -> list[Revision]:
    return sorted(service.history(page), key=lambda r: r.number)


def test_the_shipped_fandom_export_gives_its_articles_with_authors_dates_and_redirect(run, client):
    result = run("import", "mediawiki", FANDOM, "--namespace", "4")

    assert result.exit_code == 0, result.output
    assert "pages créées : 7," in result.output
    # Articles (namespace 0) and project pages (4, asked for); the rest is counted, not imported.
    assert service.find_page("comment-test") and service.find_page("test-wiki-policy")
    assert service.find_page("user-apexagunomu19") is None
    assert "3 pages de cet espace de noms" in result.output  # MediaWiki: interface messages
    rollback = _revisions(_page("rollback-test"))
    assert [(r.author_label, r.created_at.isoformat()) for r in rollback] == [
        ("AlDPa", "2022-07-19T14:23:43")
    ]
    page = client.get("/wiki/comment-test").get_data(as_text=True)
    assert "ApexAgunomu19" in page and "You can add comment the page." in page
    assert "[[User" not in page  # a link to a user page keeps its words, not its brackets
    # The MediaWiki redirect "Policy" is an old address of the policy page.
    redirect = client.get("/wiki/policy")
    assert redirect.status_code == 301
    assert redirect.headers["Location"].endswith("/wiki/test-wiki-policy")
    assert _page("rollback-test").tags[0].tag == "List of test pages"


def test_every_revision_is_kept_with_its_author_name_date_and_comment(run, client):
    assert run("import", "mediawiki", JARDINS, "--mapping", MAPPING).exit_code == 0

    page = _page("jardin-partage-des-tilleuls")
    revisions = _revisions(page)
    assert [(r.number, r.author_label, r.comment) for r in revisions] == [
        (1, "Camille Dupré", "Création de la page"),
        (2, None, "Ajout des leviers"),  # made from an IP address: shown as anonymous
        (3, "Léa Martin", "Photo, tableau, liens"),
    ]
    assert revisions[0].created_at.isoformat() == "2019-03-04T08:15:00"
    assert page.created_at == revisions[0].created_at
    assert page.current_id == revisions[-1].id
    history = client.get("/wiki/jardin-partage-des-tilleuls/history").get_data(as_text=True)
    assert "Camille Dupré" in history and "Léa Martin" in history
    assert "192.0.2.44" not in history  # an address is personal data: not published
    old = client.get(f"/r/{revisions[0].id}", follow_redirects=True).get_data(as_text=True)
    assert "Une friche de 800 m² près de l’école." in old and "Récoltes" not in old


def test_categories_links_tables_and_templates_arrive_in_a_readable_page(run, client):
    run("import", "mediawiki", JARDINS, "--mapping", MAPPING)

    page = _page("jardin-partage-des-tilleuls")
    assert page.type == "experience"
    assert [t.theme for t in page.themes] == ["alimentation"]
    assert [t.tag for t in page.tags] == ["jardin partagé"]
    assert [s.text for s in page.statements if s.kind == "lever"] == [
        "le soutien de la mairie",
        "des bénévoles motivés",
    ]
    links = set(service_db_scalars(select(Link.target_slug).where(Link.source_id == page.id)))
    assert links == {"grainotheque-de-raismes", "compost-collectif"}
    html = client.get("/wiki/jardin-partage-des-tilleuls").get_data(as_text=True)
    assert 'href="/wiki/grainotheque-de-raismes"' in html
    assert "<table" in html and "<td>310</td>" in html
    assert "Infobox expérience" in html and "Note de l’import" in html  # visible, not lost
    # "Brouillons" is ignored by the mapping; "Biodiversité" is one of the wiki's themes.
    grainotheque = _page("grainotheque-de-raismes")
    assert [t.theme for t in grainotheque.themes] == ["biodiversite"]
    assert grainotheque.tags == []
    backlinks = client.get("/wiki/grainotheque-de-raismes").get_data(as_text=True)
    assert "Jardin partagé des Tilleuls" in backlinks
    assert search("grainothèque").total >= 1  # indexed before the command ended


def service_db_scalars(statement):
    from wiki.extensions import db

    return db.session.scalars(statement)


def test_a_file_absent_from_the_export_is_noted_and_one_in_the_files_folder_is_uploaded(
    run, client, tmp_path
):
    run("import", "mediawiki", JARDINS)
    html = client.get("/wiki/jardin-partage-des-tilleuls").get_data(as_text=True)
    assert "jardin-tilleuls.jpg" in html and "absent" in html

    images = tmp_path / "images" / "a" / "ab"
    images.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 140, 60)).save(buffer, "JPEG")
    (images / "Jardin_Tilleuls.jpg").write_bytes(buffer.getvalue())
    result = run(
        "import", "mediawiki", MEDIAWIKI / "jardins-fr.xml", "--files", tmp_path / "images"
    )

    assert result.exit_code == 0, result.output
    file = file_service.find("jardin-tilleuls.jpg")
    assert file is not None and file.current.alt == "Jardin Tilleuls"


def test_importing_the_same_dump_twice_creates_nothing_new(run, db):
    first = run("import", "mediawiki", JARDINS)
    second = run("import", "mediawiki", JARDINS)

    assert first.exit_code == second.exit_code == 0
    assert "pages créées : 0, mises à jour : 0" in second.output
    assert db.session.scalar(select(func.count(Revision.id))) == 5
    assert db.session.scalar(select(func.count(Page.id))) == 2


def test_compressed_dumps_are_read_as_they_come(run, tmp_path):
    data = JARDINS.read_bytes()
    (tmp_path / "a.xml.bz2").write_bytes(bz2.compress(data))
    (tmp_path / "b.xml.gz").write_bytes(gzip.compress(data))

    assert run("import", "mediawiki", tmp_path / "a.xml.bz2").exit_code == 0
    assert len(_revisions(_page("jardin-partage-des-tilleuls"))) == 3
    result = run("import", "mediawiki", tmp_path / "b.xml.gz")
    assert "pages créées : 0," in result.output  # the same revisions: nothing new


def test_undo_hides_the_revisions_and_deletes_the_pages_the_import_created(run, client, db):
    kept = service.save_page(
        slug=None, title="Compost collectif", text="# Compost\n\nÀ nous.", author=None
    )
    run("import", "mediawiki", JARDINS)
    listing = run("import", "list").output
    assert "jardins-fr.xml" in listing and "pages créées : 2" in listing

    result = run("import", "undo", "1")

    assert result.exit_code == 0, result.output
    assert "révisions masquées : 5, pages supprimées : 2" in result.output
    assert client.get("/wiki/jardin-partage-des-tilleuls").status_code == 410
    assert client.get("/wiki/tilleuls").status_code == 404  # its redirect is gone too
    assert search("friche").total == 0
    assert "The index is in step with the database." in run("search", "check").output
    assert "Jardin partagé des Tilleuls" not in client.get("/recent").get_data(as_text=True)
    assert client.get("/wiki/compost-collectif").status_code == 200  # not the import's
    assert kept.page.current.text == "# Compost\n\nÀ nous."
    assert "annulé" in run("import", "list").output
    assert run("import", "undo", "1").exit_code == 1  # once is enough

    # The source imported again after the undo comes back (a new batch).
    again = run("import", "mediawiki", JARDINS)
    assert "pages créées : 2," in again.output
    assert client.get("/wiki/jardin-partage-des-tilleuls").status_code == 200


def test_undo_of_an_import_into_an_existing_page_brings_back_its_own_text(run, client):
    service.save_page(
        slug=None,
        title="Grainothèque de Raismes",
        text="Écrit ici d’abord.",
        author=None,
        when=datetime(2018, 5, 1),  # before the source's revisions
    )
    run("import", "mediawiki", JARDINS)
    page = _page("grainotheque-de-raismes")
    assert "40 variétés" in page.current.text and len(_revisions(page)) == 3

    run("import", "undo", "1")

    page = _page("grainotheque-de-raismes")
    assert page.deleted_at is None and page.current.text == "Écrit ici d’abord."
    assert [r.hidden for r in _revisions(page)] == [False, True, True]
    html = client.get("/wiki/grainotheque-de-raismes").get_data(as_text=True)
    assert "Écrit ici d’abord." in html


def test_messages_are_in_english_when_the_site_is(app, run, monkeypatch):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    from flask_babel import refresh

    refresh()
    result = run("import", "mediawiki", JARDINS)
    assert "pages created: 2, updated: 0" in result.output
    assert "To undo it: essaim import undo 1" in result.output


def test_a_source_older_than_the_text_written_here_does_not_replace_it(run):
    service.save_page(slug=None, title="Grainothèque de Raismes", text="Écrit ici.", author=None)

    result = run("import", "mediawiki", JARDINS)

    page = _page("grainotheque-de-raismes")
    assert page.current.text == "Écrit ici." and len(_revisions(page)) == 3
    assert "le texte écrit ici reste le texte courant" in result.output
