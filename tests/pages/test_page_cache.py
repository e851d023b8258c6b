"""Anonymous readers' page cache (wiki.pages.page_cache): kept pages never show a reader
something that is not theirs, an edit of the page shows at once, and the rest within seconds."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import log_in, make_app
from wiki.extensions import db

TOKEN = re.compile(
    r'name="csrf_token" value="([^"]+)"|name="csrf_token" type="hidden" value="([^"]+)"'
)


@pytest.fixture
def app(tmp_path, migrated_db):
    import shutil

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, PAGE_CACHE_SECONDS=0.5)  # kept in tmp_path/cache/pages
    with app.app_context():
        yield app
        db.session.remove()


def tokens(html: str) -> set[str]:
    return {a or b for a, b in TOKEN.findall(html)}


def test_two_anonymous_readers_each_get_their_own_form_token(app, make_page):
    make_page(title="Ressourcerie de Brioude", text="# Ressourcerie\n\nDes objets.")
    first, second = app.test_client(), app.test_client()
    page_one = first.get("/wiki/ressourcerie-de-brioude").get_data(as_text=True)
    page_two = second.get("/wiki/ressourcerie-de-brioude").get_data(as_text=True)
    assert len(tokens(page_one)) == 1 and len(tokens(page_two)) == 1
    assert tokens(page_one) != tokens(page_two)
    assert "essaim-csrf" not in page_two
    # The second reader's token works: the booklet basket takes the page.
    page_id = re.search(r'name="page_id" value="(\d+)"', page_two).group(1)
    response = second.post(
        "/basket",
        data={"csrf_token": tokens(page_two).pop(), "page_id": page_id, "action": "add"},
    )
    assert response.status_code == 302
    # With a basket, the page says so: it is rendered for this reader, not taken from the cache.
    with_basket = second.get("/wiki/ressourcerie-de-brioude").get_data(as_text=True)
    assert 'name="action" value="remove"' in with_basket
    assert 'name="action" value="add"' in first.get("/wiki/ressourcerie-de-brioude").get_data(
        as_text=True
    )


def test_an_edit_shows_at_once_and_other_pages_changes_within_seconds(app, make_page, user):
    from wiki.pages.service import save_page

    page = make_page(title="Cantine bio de Raismes", text="# Cantine\n\nPremière version.")
    reader = app.test_client()
    assert "Première version" in reader.get("/wiki/cantine-bio-de-raismes").get_data(as_text=True)
    save_page(
        slug=page.slug,
        title=page.title,
        text="# Cantine\n\nDeuxième version.",
        author=user,
        base_id=page.current_id,
    )
    assert "Deuxième version" in reader.get("/wiki/cantine-bio-de-raismes").get_data(as_text=True)
    # Another page now links here: the backlinks are kept for at most PAGE_CACHE_SECONDS.
    make_page(title="Cantines du Nord", text="# Cantines\n\nVoir [[Cantine bio de Raismes]].")
    time.sleep(0.6)
    assert "Cantines du Nord" in reader.get("/wiki/cantine-bio-de-raismes").get_data(as_text=True)


def test_a_signed_in_person_never_gets_a_kept_page(app, make_page, user):
    make_page(title="Jardin des Tilleuls", text="# Jardin\n\nUn jardin.")
    client = app.test_client()
    anonymous = client.get("/wiki/jardin-des-tilleuls").get_data(as_text=True)
    assert "notifications-link" not in anonymous
    log_in(client)
    signed_in = client.get("/wiki/jardin-des-tilleuls").get_data(as_text=True)
    assert "notifications-link" in signed_in and f"({user.name})" in signed_in


def test_each_language_is_kept_apart(app, make_page):
    make_page(title="Jardin des Tilleuls", text="# Jardin\n\nUn jardin.")
    french = app.test_client().get("/wiki/jardin-des-tilleuls").get_data(as_text=True)
    english_reader = app.test_client()
    page = english_reader.get("/wiki/jardin-des-tilleuls").get_data(as_text=True)
    english_reader.post(  # the language switch of every page, kept in the session
        "/language",
        data={"csrf_token": tokens(page).pop(), "lang": "en", "next": "/wiki/jardin-des-tilleuls"},
    )
    english = english_reader.get("/wiki/jardin-des-tilleuls").get_data(as_text=True)
    assert ">Modifier<" in french and ">Edit<" in english


def test_a_page_removed_by_a_moderator_is_gone_at_once(app, make_page, make_user):
    from wiki.moderation.service import delete_page

    page = make_page(title="Page de réclame", text="# Réclame\n\nAchetez.")
    reader = app.test_client()
    assert reader.get("/wiki/page-de-reclame").status_code == 200
    delete_page(make_user(name="modo", role="moderator"), page, "réclame")
    assert reader.get("/wiki/page-de-reclame").status_code == 410


def test_anonymous_readers_share_one_rendering_within_the_delay(app, make_page, monkeypatch):
    from wiki.pages import display

    renders = []
    real_show = display.show
    monkeypatch.setattr(display, "show", lambda text: renders.append(1) or real_show(text))
    make_page(title="Jardin des Tilleuls", text="# Jardin\n\nUn jardin.")
    for _reader in range(3):
        assert app.test_client().get("/wiki/jardin-des-tilleuls").status_code == 200
    assert len(renders) == 1
    app.test_client().get("/wiki/jardin-des-tilleuls?utm_source=affiche")  # a query string
    assert len(renders) == 2
    time.sleep(0.6)  # past PAGE_CACHE_SECONDS
    app.test_client().get("/wiki/jardin-des-tilleuls")
    assert len(renders) == 3


def test_a_page_rendered_by_one_worker_process_is_kept_for_the_others(
    app, make_page, monkeypatch, tmp_path
):
    """Two application objects on one data dir stand for two gunicorn workers of a host."""
    from wiki.pages import display

    renders = []
    real_show = display.show
    monkeypatch.setattr(display, "show", lambda text: renders.append(1) or real_show(text))
    make_page(title="Four à pain de Lodève", text="# Four\n\nDu pain cuit ensemble.")
    assert app.test_client().get("/wiki/four-a-pain-de-lodeve").status_code == 200
    other = make_app(tmp_path, PAGE_CACHE_SECONDS=0.5)
    html = other.test_client().get("/wiki/four-a-pain-de-lodeve").get_data(as_text=True)
    assert "Du pain cuit ensemble." in html and len(renders) == 1
    assert len(tokens(html)) == 1 and "essaim-csrf" not in html
    assert any((tmp_path / "cache" / "pages").iterdir())  # derived files, in the data dir


def test_a_cache_folder_that_cannot_be_made_costs_a_rendering_not_an_error(
    tmp_path, make_page, caplog
):
    (tmp_path / "un-fichier").write_text("")  # a file where the folder should go
    app = make_app(tmp_path, PAGE_CACHE_SECONDS=0.5, PAGE_CACHE_DIR=tmp_path / "un-fichier" / "x")
    with app.app_context():
        make_page(title="Épicerie solidaire", text="# Épicerie\n\nDes produits locaux.")
        for _reader in range(2):
            response = app.test_client().get("/wiki/epicerie-solidaire")
            assert response.status_code == 200
            assert "Des produits locaux." in response.get_data(as_text=True)
        db.session.remove()
    assert "No page cache" in caplog.text


def test_a_kept_page_is_answered_with_one_light_statement(app, make_page):
    """The page row's key fields only: neither the text nor the page's other reads."""
    from tests.test_statement_counts import counted

    make_page(title="Grainothèque de Douai", text="# Grainothèque\n\n" + "Semences. " * 2000)
    reader = app.test_client()
    assert reader.get("/wiki/grainotheque-de-douai").status_code == 200
    with counted() as statements:
        html = reader.get("/wiki/grainotheque-de-douai").get_data(as_text=True)
    assert "Semences." in html
    assert len(statements) == 1 and ".text" not in statements[0]


def test_the_kept_pages_folder_stays_bounded_past_pages_go_first(app, make_page, monkeypatch):
    from wiki.pages import page_cache

    monkeypatch.setattr(page_cache, "SWEEP_EVERY", 1)  # sweep at every rendering
    app.config["PAGE_CACHE_FILES"] = 3
    folder = app.config["DATA_DIR"] / "cache" / "pages"
    for n in range(5):
        make_page(title=f"Verger partagé {n}", text=f"# Verger {n}\n\nDes pommes.")
        assert app.test_client().get(f"/wiki/verger-partage-{n}").status_code == 200
    assert len(list(folder.iterdir())) == 3  # at most PAGE_CACHE_FILES: the oldest went
    time.sleep(0.6 + 1)  # past PAGE_CACHE_SECONDS (0.5) and the second cachelib counts in
    make_page(title="Verger partagé 5", text="# Verger 5\n\nDes poires.")
    assert app.test_client().get("/wiki/verger-partage-5").status_code == 200
    assert len(list(folder.iterdir())) == 1  # the past ones are gone, the new one is kept
    assert "Des poires." in app.test_client().get("/wiki/verger-partage-5").get_data(as_text=True)


def test_the_metrics_count_kept_and_rendered_views(app, make_page):
    make_page(title="Jardin des Tilleuls", text="# Jardin\n\nUn jardin.")
    reader = app.test_client()

    def counted() -> dict[str, float]:
        text = reader.get("/metrics").get_data(as_text=True)
        found = re.findall(r'essaim_page_cache_views_total\{result="(\w+)"\} ([0-9.]+)', text)
        return {result: float(value) for result, value in found}

    before = counted()
    for _ in range(3):
        assert reader.get("/wiki/jardin-des-tilleuls").status_code == 200
    reader.get("/wiki/jardin-des-tilleuls?version=imprimable")  # a query string: not kept
    after = counted()
    assert after["rendered"] - before.get("rendered", 0) == 1
    assert after["kept"] - before.get("kept", 0) == 2
