"""/api/v1/themes: the vocabulary with its labels and how many experiences use each theme."""

from __future__ import annotations

from tests.search.conftest import experience


def test_themes_give_both_labels_and_their_number_of_experiences(api, save):
    save("Cantine bio", experience("Cantine bio", themes=("alimentation",)))
    save("Jardin partagé", experience("Jardin partagé", themes=("alimentation", "solidarites")))

    themes = {t["slug"]: t for t in api("/api/v1/themes").get_json()["items"]}

    assert themes["alimentation"]["experiences"] == 2
    assert themes["solidarites"]["experiences"] == 1
    assert themes["energie"]["experiences"] == 0
    assert themes["energie"]["label_en"] == "Energy"
    assert themes["energie"]["label_fr"].lower() == "énergie"


def test_a_theme_leads_to_its_experiences(api, save):
    save("Cantine bio", experience("Cantine bio", themes=("alimentation",)))
    [alimentation] = [
        t for t in api("/api/v1/themes").get_json()["items"] if t["slug"] == "alimentation"
    ]

    pages = api(alimentation["pages_url"]).get_json()["items"]

    assert [p["title"] for p in pages] == ["Cantine bio"]


def test_french_labels_come_as_utf8_text_not_escapes(api):
    body = api("/api/v1/themes").get_data()
    assert "Énergie".encode() in body or "énergie".encode() in body
    assert b"\\u00e9" not in body and b"\\u00c9" not in body
