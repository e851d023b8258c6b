"""Researcher views: comparison table, its CSV export, and the invariants across experiences."""

from __future__ import annotations

import csv
import io
import re

import pytest


@pytest.fixture
def corpus(make_experience):
    make_experience(
        "Cantine 100 % bio à Raismes",
        territory="Raismes",
        insee="59491",
        scale="commune",
        setting="périurbain",
        themes=("alimentation", "santé"),
        status="terminé",
        started=2017,
        levers=("Le soutien des élus", "Une cuisine centrale en régie"),
        obstacles=("Le code de la commande publique", "Le manque de producteurs bio"),
        replicate=("Mesurer le gaspillage d’abord",),
    )
    make_experience(
        "Épicerie solidaire de la Croix-Rousse",
        territory="Lyon",
        insee="69123",
        scale="quartier",
        setting="urbain",
        themes=("alimentation", "solidarités"),
        status="en cours",
        levers=("le soutien des élus !", "Des bénévoles fidèles"),
        obstacles=("Le manque de producteurs bio",),
    )
    make_experience(
        "Autopartage villageois à Florac",
        territory="Florac-Trois-Rivières",
        insee="48061",
        scale="commune",
        setting="rural",
        themes=("mobilité",),
        status="en cours",
        levers=("Le soutien des élus",),
        obstacles=("Le coût de l’assurance",),
    )


def test_compare_shows_levers_and_obstacles_side_by_side(client, corpus):
    html = client.get("/compare").get_data(as_text=True)

    assert "3 expériences" in html
    row = html.split("Cantine 100 % bio à Raismes</a>")[1].split("</tr>")[0]
    assert "Une cuisine centrale en régie" in row and "Le code de la commande publique" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "theme=alimentation",
            {"Cantine 100 % bio à Raismes", "Épicerie solidaire de la Croix-Rousse"},
        ),
        ("scale=commune", {"Cantine 100 % bio à Raismes", "Autopartage villageois à Florac"}),
        ("setting=rural", {"Autopartage villageois à Florac"}),
        ("status=en+cours&theme=alimentation", {"Épicerie solidaire de la Croix-Rousse"}),
        ("setting=p%C3%A9riurbain", {"Cantine 100 % bio à Raismes"}),
    ],
)
def test_compare_filters_experiences(client, corpus, query, expected):
    html = client.get(f"/compare?{query}").get_data(as_text=True)

    titles = {
        "Cantine 100 % bio à Raismes",
        "Épicerie solidaire de la Croix-Rousse",
        "Autopartage villageois à Florac",
    }
    assert {t for t in titles if t in html} == expected


def test_compare_form_has_labelled_selects_keeping_the_choice(client, corpus):
    html = client.get("/compare?status=en+cours").get_data(as_text=True)

    for name in ("theme", "scale", "setting", "status"):
        assert f'<label for="{name}">' in html and f'<select id="{name}" name="{name}">' in html
    assert '<option value="en cours" selected>' in html
    assert 'href="/compare.csv?status=en+cours"' in html


def test_csv_export_is_utf8_with_bom_and_holds_every_column(client, corpus):
    response = client.get("/compare.csv?theme=alimentation")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="essaim-experiences.csv"'
    )
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "Titre", "Lien", "Territoire", "Code INSEE", "Code du territoire", "Niveau du territoire",
        "Échelle", "Milieu", "Statut", "Thèmes",
        "Depuis", "Leviers", "Verrous", "Pour essaimer",
    ]  # fmt: skip
    cantine = next(r for r in rows if r["Titre"] == "Cantine 100 % bio à Raismes")
    assert cantine["Lien"] == "http://essaim.test/wiki/cantine-100-bio-a-raismes"
    assert cantine["Code INSEE"] == "59491"
    assert cantine["Milieu"] == "périurbain"
    assert cantine["Statut"] == "terminé"
    assert cantine["Thèmes"] == "Alimentation | Santé"  # labels, not codes
    assert cantine["Depuis"] == "2017"
    assert cantine["Leviers"] == "Le soutien des élus | Une cuisine centrale en régie"
    assert cantine["Pour essaimer"] == "Mesurer le gaspillage d’abord"
    assert [r["Titre"] for r in rows] == [
        "Cantine 100 % bio à Raismes",
        "Épicerie solidaire de la Croix-Rousse",
    ]


def test_csv_export_keeps_column_codes_for_scripts_and_english_readers(client, corpus):
    raw = client.get("/compare.csv?header=codes").get_data().decode("utf-8-sig")
    assert raw.splitlines()[0] == (
        "title,url,territory,insee,territory_code,territory_scale,scale,setting,status,themes,"
        "started,levers,obstacles,replicate"
    )
    english = client.get("/compare.csv?lang=en")
    english_text = english.get_data().decode("utf-8-sig")
    assert english_text.startswith(
        "Title,Link,Territory,INSEE code,Territory code,Territory level,Scale,Setting,Status,Themes"
    )


def test_csv_export_defuses_cells_a_spreadsheet_would_run_as_formulas(client, make_experience):
    make_experience("Compost partagé", levers=('=HYPERLINK("http://x")', "+30 % de tri"))

    raw = client.get("/compare.csv?header=codes").get_data().decode("utf-8-sig")

    row = next(r for r in csv.DictReader(io.StringIO(raw)) if r["title"] == "Compost partagé")
    assert row["levers"].startswith("'=HYPERLINK")


def test_invariants_count_recurring_levers_and_obstacles_by_theme(client, corpus):
    html = client.get("/invariants").get_data(as_text=True)

    overall = html.split("Tous les thèmes")[1].split("<h2")[0]
    assert "Le soutien des élus" in overall and "3 expériences" in overall
    assert "Le manque de producteurs bio" in overall and "2 expériences" in overall
    assert "Des bénévoles fidèles" not in overall  # said once
    food = html.split(">Alimentation</h2>")[1].split("<h2")[0]
    assert "Le soutien des élus" in food and "2 expériences" in food
    assert "Autopartage villageois à Florac" not in food
    assert ">Mobilité</h2>" not in html  # nothing recurs inside mobility alone


def test_invariants_filtered_by_theme_show_only_that_theme(client, corpus):
    html = client.get("/invariants?theme=alimentation").get_data(as_text=True)

    assert ">Alimentation</h2>" in html and "Tous les thèmes" not in html
    assert client.get("/invariants?theme=astronautique").status_code == 404


def test_invariants_group_statements_worded_differently_around_a_shared_concept(
    client, make_experience
):
    make_experience(
        "Jardin de Raismes",
        themes=("alimentation",),
        obstacles=("L’essoufflement des bénévoles après trois saisons.",),
    )
    make_experience(
        "Repair café de Lyon",
        themes=("déchets",),
        obstacles=("Essoufflement du bénévole référent",),
    )
    make_experience(
        "Frigo de Nyons",
        themes=("solidarités",),
        obstacles=("Les bénévoles, épuisés, s’essoufflent",),
    )

    html = client.get("/invariants").get_data(as_text=True)
    overall = html.split('id="group-1"')[1].split('id="group-2"')[0]
    assert "<strong>bénévoles · essoufflement</strong>" in overall  # the shared concept words
    assert "3 expériences · 3 territoires · 3 thèmes" in overall
    for sentence, page in (
        ("L’essoufflement des bénévoles après trois saisons.", "Jardin de Raismes"),
        ("Essoufflement du bénévole référent", "Repair café de Lyon"),
        ("Les bénévoles, épuisés, s’essoufflent", "Frigo de Nyons"),
    ):
        assert f"<q>{sentence}</q>" in overall and f">{page}</a>" in overall


def test_compare_table_is_paginated_and_keeps_the_filters(client, make_experience):
    for n in range(53):
        make_experience(
            f"Expérience {n:02d}", themes=("alimentation",), levers=("Le soutien des élus",)
        )
    make_experience("Covoiturage", themes=("mobilité",))

    first = client.get("/compare?theme=alimentation").get_data(as_text=True)
    assert "53 expériences" in first and "page 1 sur 2" in first
    assert "Expérience 00" in first and "Expérience 52" not in first
    assert 'href="/compare?page=2&amp;theme=alimentation"' in first
    second = client.get("/compare?theme=alimentation&page=2").get_data(as_text=True)
    assert "Expérience 52" in second and "Covoiturage" not in second
    csv_text = client.get("/compare.csv?theme=alimentation").get_data().decode("utf-8-sig")
    assert csv_text.count("\n") == 54  # the export is never paginated: header + 53 rows


def test_invariants_follow_a_new_save_even_when_computed_before(client, make_experience):
    make_experience("Jardin de Raismes", obstacles=("Les délais administratifs.",))
    make_experience("Cantine de Nyons", obstacles=("Des délais administratifs très longs.",))
    before = client.get("/invariants").get_data(as_text=True)
    assert "2 expériences" in before.split('id="group-1"')[1].split('id="group-2"')[0]

    make_experience("Frigo de Lyon", obstacles=("Délais administratifs",))
    after = client.get("/invariants").get_data(as_text=True)
    assert "3 expériences" in after.split('id="group-1"')[1].split('id="group-2"')[0]
    assert "Frigo de Lyon" in after


def test_csv_export_for_french_excel_uses_semicolons(client, corpus):
    html = client.get("/compare?theme=alimentation").get_data(as_text=True)
    assert "sep=semicolon" in html and "points-virgules" in html
    raw = client.get("/compare.csv?theme=alimentation&sep=semicolon").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Titre;Lien;Territoire;Code INSEE;")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    cantine = next(r for r in rows if r["Titre"] == "Cantine 100 % bio à Raismes")
    assert cantine["Leviers"] == "Le soutien des élus | Une cuisine centrale en régie"
    assert cantine["Code INSEE"] == '="59491"'  # French Excel keeps it as text


def test_compare_shows_the_columns_a_reader_chooses(client, corpus):
    html = client.get("/compare?col=started&col=levers&col=nope").get_data(as_text=True)

    head = html.split("<thead>")[1].split("</thead>")[0]
    assert [h for h in re.findall(r'<th scope="col">([^<]+)</th>', head)] == [
        "Expérience", "Depuis", "Leviers",
    ]  # fmt: skip
    assert "<td>2017</td>" in html
    assert '<input type="checkbox" name="col" value="started" checked>' in html
    assert '<input type="checkbox" name="col" value="obstacles">' in html
    default = client.get("/compare").get_data(as_text=True)
    assert ">Verrous</th>" in default and ">Depuis</th>" not in default
