"""`essaim import spreadsheet`: one experience a row, previewed before anything is written."""

from __future__ import annotations

from openpyxl import Workbook
from sqlalchemy import func, select

from tests.transfer.conftest import DATA
from wiki.models import Page
from wiki.pages import service

LATIN1 = DATA / "spreadsheet" / "experiences-latin1.csv"


def test_a_latin1_csv_with_semicolons_is_previewed_row_by_row_and_nothing_written(run, db):
    result = run("import", "spreadsheet", LATIN1, "--dry-run")

    assert result.exit_code == 0, result.output
    out = result.output
    assert "séparées par « ; »" in out and "windows-1252" in out
    assert "Commune → territory" in out and "Freins → section:Verrous" in out
    assert "Budget : non utilisée" in out
    assert "Ligne 2 « Épicerie solidaire de Crest » : serait créée" in out
    assert "« astronautique » n’est pas un des thèmes du wiki : gardé comme mot-clé" in out
    assert "Ligne 4 « — » : laissée de côté (pas de titre" in out
    assert "Ligne 5 « Cantine bio à Saillans » : laissée de côté" in out and "fini depuis" in out
    assert "Aperçu : 2 à créer, 0 à mettre à jour, 0 inchangées, 2 laissées de côté" in out
    assert "Rien n’a été écrit" in out
    assert db.session.scalar(select(func.count(Page.id))) == 0


def test_the_rows_become_experience_pages_with_metadata_and_sections(run, client):
    result = run("import", "spreadsheet", LATIN1)

    assert result.exit_code == 1  # two rows skipped, each said why; the others imported
    assert "pages créées : 2," in result.output
    assert "ligne 5 (Cantine bio à Saillans)" in result.output
    page = service.find_page("epicerie-solidaire-de-crest").page
    assert (page.type, page.territory, page.insee, page.status, page.started) == (
        "experience",
        "Crest",
        "26108",
        "en cours",
        2019,
    )
    assert [t.theme for t in page.themes] == ["alimentation", "solidarites"]
    assert [s.text for s in page.statements if s.kind == "lever"] == [
        "Des bénévoles fidèles",
        "Un local prêté par la mairie",
    ]
    covoiturage = service.find_page("covoiturage-rural-du-diois").page
    assert [t.tag for t in covoiturage.tags] == ["astronautique"]
    html = client.get("/wiki/epicerie-solidaire-de-crest").get_data(as_text=True)
    assert "Un local prêté par la mairie" in html and "Crest" in html

    again = run("import", "spreadsheet", LATIN1)
    assert "pages créées : 0, mises à jour : 0, inchangées : 2" in again.output


def test_an_xlsx_with_a_mapping_updates_a_row_that_changed(run, tmp_path):
    def workbook(status: str):
        book = Workbook()
        sheet = book.active
        sheet.title = "Fiches"
        sheet.append(["Nom du projet", "Ville", "Avancement", "Depuis", "Ce qui a aidé"])
        sheet.append(["Ressourcerie de Die", "Die", status, 2020.0, "La communauté de communes"])
        book.save(tmp_path / "fiches.xlsx")

    (tmp_path / "colonnes.yaml").write_text(
        "columns:\n  Nom du projet: title\n  Ville: territory\n  Avancement: status\n"
        "  Depuis: started\n  Ce qui a aidé: section:Leviers\n",
        "utf-8",
    )
    workbook("idée")
    mapping = ["--mapping", tmp_path / "colonnes.yaml", "--sheet", "Fiches"]
    assert run("import", "spreadsheet", tmp_path / "fiches.xlsx", *mapping).exit_code == 0
    page = service.find_page("ressourcerie-de-die").page
    assert (page.status, page.started, page.territory) == ("idée", 2020, "Die")

    workbook("en cours")
    preview = run("import", "spreadsheet", tmp_path / "fiches.xlsx", *mapping, "--dry-run")
    assert "serait mise à jour" in preview.output
    result = run("import", "spreadsheet", tmp_path / "fiches.xlsx", *mapping)
    assert "mises à jour : 1" in result.output
    page = service.find_page("ressourcerie-de-die").page
    assert page.status == "en cours" and len(service.history(page)) == 2


def test_a_file_that_is_not_a_workbook_gets_a_message(run, tmp_path):
    (tmp_path / "faux.xlsx").write_bytes(b"pas un classeur")

    result = run("import", "spreadsheet", tmp_path / "faux.xlsx")

    assert result.exit_code == 1
    assert "n’est pas un classeur .xlsx lisible" in result.output
    assert "Traceback" not in result.output
