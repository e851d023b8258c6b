"""`essaim import yeswiki`: YesWiki pages and Bazar "fiches" become Essaim pages."""

from __future__ import annotations

from tests.transfer.conftest import DATA
from wiki.pages import service

YESWIKI = DATA / "yeswiki"
ENTRIES = YESWIKI / "fiches-experiences.json"
PAGES = YESWIKI / "pages.json"
MAPPING = YESWIKI / "champs.yaml"


def test_bazar_entries_become_experiences_with_their_territory_and_themes(run, client):
    assert "pages créées : 1," in run("import", "yeswiki", ENTRIES, "--mapping", MAPPING).output

    page = service.find_page("jardin-des-lilas").page
    assert (page.type, page.territory, page.insee, page.status, page.started) == (
        "experience",
        "Villeurbanne",
        "69266",
        "en cours",
        2021,
    )
    assert [t.theme for t in page.themes] == ["alimentation", "biodiversite"]
    assert (page.lat, page.lon) == (45.7719, 4.8902)
    revision = page.current
    assert revision.author_label == "MarieClaire"
    assert revision.created_at.isoformat() == "2022-06-15T18:40:03"
    html = client.get("/wiki/jardin-des-lilas").get_data(as_text=True)
    assert "<em>partagé</em>" in html and 'href="https://lilas.example.org"' in html
    assert "des bacs prêtés par le bailleur" in html
    # Its YesWiki name still leads there.
    assert client.get("/wiki/jardindeslilas").status_code == 301


def test_an_unknown_form_field_or_bad_value_is_reported_and_the_other_entries_go_on(run):
    result = run("import", "yeswiki", ENTRIES, "--mapping", MAPPING)

    assert result.exit_code == 1
    out = result.output
    assert "bf_couleur_preferee" in out and "champ de formulaire inconnu dans 2 fiches" in out
    assert "fiche RecyclerieDuPlateau (Recyclerie du plateau)" in out and "« 9 »" in out
    assert "fiche SansTitre" in out and "pas de titre" in out
    assert "pages créées : 1," in out
    assert service.find_page("recyclerie-du-plateau") is None


def test_yeswiki_pages_keep_their_name_headings_lists_tables_and_a_note_for_actions(run, client):
    result = run("import", "yeswiki", PAGES)

    assert result.exit_code == 0, result.output
    html = client.get("/wiki/pageprincipale").get_data(as_text=True)
    assert "<h1" in html and "Réseau des jardins" in html
    assert "<li>samedi : plantations</li>" in html and "<td>Lilas</td>" in html
    assert "affiche.pdf" in html and "absent" in html
    again = run("import", "yeswiki", PAGES)
    assert "pages créées : 0, mises à jour : 0" in again.output


def test_a_file_that_is_not_json_is_skipped_with_a_message(run, tmp_path):
    (tmp_path / "export.json").write_text("<html>erreur 500</html>", "utf-8")

    result = run("import", "yeswiki", tmp_path / "export.json", PAGES)

    assert result.exit_code == 1
    assert "export.json n’est pas du JSON lisible" in result.output
    assert service.find_page("pageprincipale") is not None
