"""A researcher ticks search results, compares them, and reads what recurs among them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def audited_tab(browser):
    """A tab that may inject axe-core (as tests/browser/test_accessibility.py does)."""
    from tests.browser.test_accessibility import AXE

    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: `make test` fetches axe-core with npm")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def gardens(live_server, tmp_path):
    """Three experiences written into the live server's own data dir (database and index)."""
    from tests.conftest import make_app
    from tests.knowledge.conftest import experience_text
    from wiki.auth.service import create_user
    from wiki.extensions import db
    from wiki.pages.service import save_page

    app = make_app(tmp_path, SERVER_NAME=None)
    with app.app_context():
        author = create_user("camille", "un mot de passe solide")
        for title, insee, lever in (
            ("Jardin partagé de Raismes", "59491", "Le soutien des élus, dès la première réunion."),
            ("Jardin partagé de Lodève", "34142", "L’appui de la municipalité."),
            ("Jardin d’insertion de Nyons", "26220", "Un maraîcher encadrant salarié."),
        ):
            text = experience_text(title, insee=insee, themes=("alimentation",), levers=(lever,))
            save_page(slug=None, title=title, text=text, author=author)
        db.session.remove()
        db.engine.dispose()
    return live_server


def test_search_pick_compare_and_what_recurs(page, gardens):
    page.goto(f"{gardens}/search?q=jardin")
    page.get_by_label("Choisir Jardin partagé de Raismes").check()
    page.get_by_label("Choisir Jardin partagé de Lodève").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Les comparer").click()

    assert page.locator("table.compare caption").inner_text().startswith("2 expériences")
    assert "Jardin d’insertion de Nyons" not in page.inner_text("table.compare")
    assert "Parmi 2 pages choisies." in page.inner_text("main")

    with page.expect_navigation():
        page.get_by_role("link", name="Ce qui revient d’une expérience à l’autre").click()
    group = page.locator("#lever-1 ol.recurrences > li").first
    assert group.locator(".concept strong").inner_text() == "soutien · élus"
    said = group.locator("ul.said").inner_text()
    assert "Le soutien des élus, dès la première réunion." in said
    assert "L’appui de la municipalité." in said
    assert "2 expériences · 2 territoires · 1 thème · 2 régions" in group.inner_text()


def test_an_administrator_splits_a_group_and_the_page_stays_accessible(
    audited_tab, gardens, tmp_path
):
    import sqlite3

    from tests.browser.test_accessibility import violations
    from tests.browser.test_pages import log_in, register

    page, base = audited_tab, gardens
    register(page, base, "Admine")
    with sqlite3.connect(tmp_path / "essaim.db") as database:  # the live server's database
        database.execute("UPDATE users SET role = 'administrator' WHERE username = 'admine'")
    log_in(page, base, "Admine")
    page.goto(f"{base}/invariants?theme=alimentation")
    levers = page.locator("#lever-1")
    assert levers.locator("ol.recurrences > li").count() == 1  # soutien · élus
    page.locator(".moderate details summary").first.click()
    assert violations(page) == [], "/invariants as an administrator"

    group = page.locator("#lever-1 ol.recurrences > li").first  # its split form is open
    group.get_by_label("L’appui de la municipalité. (Jardin partagé de Lodève)").check()
    with page.expect_navigation():
        group.get_by_role("button", name="Mettre à part").click()
    assert "Groupe séparé" in page.inner_text(".flashes")
    assert "Aucun levier ne revient" in page.inner_text("#lever-1")  # two groups of one page
