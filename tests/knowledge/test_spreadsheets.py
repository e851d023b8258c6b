"""Exports that open right in a spreadsheet: codes as text, labels, distinct names, .xlsx."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook


@pytest.fixture
def ain(make_experience):
    make_experience(
        "Épicerie de Bourg",
        territory="Bourg-en-Bresse",
        insee="01053",
        themes=("économie locale", "solidarités"),
        status="en cours",
        setting="urbain",
        levers=('=HYPERLINK("http://x")', "Le soutien des élus"),
    )


def test_each_download_has_its_own_file_name(client, ain):
    names = [
        client.get(url).headers["Content-Disposition"]
        for url in ("/compare.csv", "/compare.csv?sep=semicolon", "/compare.xlsx")
    ]

    assert names == [
        'attachment; filename="essaim-experiences.csv"',
        'attachment; filename="essaim-experiences-excel.csv"',
        'attachment; filename="essaim-experiences.xlsx"',
    ]


def test_an_insee_code_keeps_its_leading_zero_in_french_excel(client, ain):
    excel = client.get("/compare.csv?sep=semicolon").get_data().decode("utf-8-sig")
    plain = client.get("/compare.csv").get_data().decode("utf-8-sig")

    assert ';"=""01053""";' in excel  # read as ="01053": a constant Excel shows as 01053
    assert ",01053," in plain  # scripts and import dialogs read the plain code


def test_the_xlsx_workbook_has_headers_labels_and_text_that_never_runs(client, ain):
    response = client.get("/compare.xlsx")

    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Titre", "Lien", "Territoire", "Code INSEE")
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Code INSEE"] == "01053" and sheet["D2"].data_type == "s"
    assert row["Thèmes"] == "Économie locale | Solidarités"
    assert row["Statut"] == "en cours" and row["Milieu"] == "urbain"
    assert row["Leviers"].startswith('=HYPERLINK("http://x")')
    assert sheet["J2"].data_type == "s"  # shown as text, not run as a formula


def test_the_search_export_offers_an_xlsx_too(client, ain):
    html = client.get("/compare").get_data(as_text=True)
    assert 'href="/compare.xlsx"' in html and "classeur Excel (.xlsx)" in html

    response = client.get("/search.xlsx?q=Bourg")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="essaim-recherche.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [c.value for c in sheet[1]][:2] == ["Titre", "Lien"]


def test_a_large_csv_is_streamed_not_built_in_memory(client, ain):
    assert client.get("/compare.csv").is_streamed
