"""Searching in French: accents, plurals, fields, facets, snippets, suggestions."""

from __future__ import annotations

from wiki.search import query


def titles(results):
    return [hit.title for hit in results.hits]


def test_energie_without_accent_finds_energies(corpus):
    assert titles(query.search("energie")) == ["Centrale solaire citoyenne"]


def test_accented_query_finds_the_same_pages_as_unaccented(corpus):
    assert titles(query.search("énergies")) == titles(query.search("ENERGIE"))


def test_plural_query_finds_singular_word(corpus):
    assert titles(query.search("jardins")) == ["Jardin partagé des Tilleuls"]


def test_pages_with_all_words_come_first_and_no_word_empties_the_results(corpus):
    both = query.search("raccordement réseau")
    assert titles(both) == ["Centrale solaire citoyenne"] and both.complete == 1
    # No page holds both: the pages with one of them, and a notice saying so.
    either = query.search("jardin raccordement")
    assert sorted(titles(either)) == ["Centrale solaire citoyenne", "Jardin partagé des Tilleuls"]
    assert either.complete == 0
    assert any("No page holds all your words" in notice for notice in either.notices)


def test_or_and_exclusion(corpus):
    found = titles(query.search("jardin OR monnaie"))
    assert sorted(found) == ["Jardin partagé des Tilleuls", "Monnaie locale du Cantal"]
    assert titles(query.search("habitants -solaire")) == [
        t for t in titles(query.search("habitants")) if t != "Centrale solaire citoyenne"
    ]


def test_phrase_matches_words_in_order_only(corpus):
    assert titles(query.search('"dix parcelles"')) == ["Jardin partagé des Tilleuls"]
    assert titles(query.search('"parcelles dix"')) == []


def test_fielded_search_finds_a_word_only_in_the_obstacles(corpus):
    # "méfiance" is only in the Verrous of the garden; "soutien" only in its Leviers.
    assert titles(query.search("verrou:mefiance")) == ["Jardin partagé des Tilleuls"]
    assert titles(query.search("obstacle:méfiance")) == ["Jardin partagé des Tilleuls"]
    assert titles(query.search("levier:mefiance")) == []
    assert titles(query.search("lever:soutien")) == ["Jardin partagé des Tilleuls"]
    assert titles(query.search("verrou:soutien")) == []


def test_fielded_search_on_territory_theme_status(corpus):
    assert titles(query.search("territoire:parthenay")) == ["Centrale solaire citoyenne"]
    assert titles(query.search("theme:énergie")) == ["Centrale solaire citoyenne"]
    assert titles(query.search('theme:"économie locale"')) == ["Monnaie locale du Cantal"]
    assert titles(query.search("statut:termine")) == ["Centrale solaire citoyenne"]
    assert titles(query.search("status:done")) == ["Centrale solaire citoyenne"]
    assert sorted(titles(query.search('statut:"en cours"'))) == [
        "Jardin partagé des Tilleuls",
        "Monnaie locale du Cantal",
    ]
    assert len(titles(query.search("auteur:camille"))) == 3
    assert titles(query.search("echelle:departement milieu:rural")) == ["Monnaie locale du Cantal"]


def test_facet_counts_follow_the_query_and_the_other_filters(corpus):
    everything = query.search("")
    counts = {v.key: v.count for v in everything.facets["setting"]}
    assert counts == {"rural": 2, "periurbain": 1}
    themes = {v.key: v.count for v in everything.facets["themes"]}
    assert themes["alimentation"] == 1 and themes["energie"] == 1
    filtered = query.search("", filters={"setting": ["rural"]})
    assert filtered.total == 2
    assert {v.key: v.count for v in filtered.facets["status"]} == {"termine": 1, "en-cours": 1}
    # The selected facet still shows its other values, to widen the search.
    assert {v.key: v.count for v in filtered.facets["setting"]} == {"rural": 2, "periurbain": 1}
    both = query.search("", filters={"setting": ["rural"], "status": ["en-cours"]})
    assert titles(both) == ["Monnaie locale du Cantal"]


def test_facet_labels_keep_their_accents(corpus):
    labels = {v.key: v.label for v in query.search("").facets["status"]}
    assert labels["termine"] == "terminé"


def test_snippet_comes_from_the_obstacle_that_matched(corpus):
    hit = query.search("convertibilité").hits[0]
    assert hit.matched_in == "obstacles"
    assert hit.snippet_text.startswith("Le cœur de la difficulté : la convertibilité des billets")
    assert '<mark class="match' in hit.snippet and "convertibilit" in hit.snippet


def test_snippet_comes_from_the_lever_that_matched(corpus):
    hit = query.search("sociétaires").hits[0]
    assert hit.matched_in == "levers"
    assert "coopérative" in hit.snippet_text


def test_snippet_escapes_the_page_text(save):
    save("Balises", "# Balises\n\nUn texte <script>alert(1)</script> avec balise.\n")
    hit = query.search("balise").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_sort_by_date_puts_the_latest_change_first(corpus, save):
    save(
        "Jardin partagé des Tilleuls",
        corpus["jardin"].current.text + "\nMise à jour des habitants.\n",
        slug="jardin-partage-des-tilleuls",
    )
    assert titles(query.search("habitants", sort="date"))[0] == "Jardin partagé des Tilleuls"


def test_a_saved_page_shows_its_new_excerpt_at_the_next_search(save):
    # The hits shown are kept between searches (by stored document and words): an edit must
    # never leave the old excerpt on screen, nor the hits of one search leak into another's.
    text = "# Verger\n\nUn verger de pommiers plantés par l’école.\n"
    save("Verger des Coteaux", text)
    first = query.search("verger")
    assert "pommiers" in first.hits[0].snippet_text
    first.hits[0].missing.append("poiriers")  # a reader's page of results is its own
    assert query.search("verger").hits[0].missing == []
    save(
        "Verger des Coteaux",
        "# Verger\n\nLe verger compte désormais trente poiriers.\n",
        slug="verger-des-coteaux",
    )
    again = query.search("verger")
    assert titles(again) == ["Verger des Coteaux"]
    assert "trente poiriers" in again.hits[0].snippet_text
    assert "pommiers" not in again.hits[0].snippet and "<mark" in again.hits[0].snippet


def test_pagination_splits_results_and_clamps_the_page_number(save):
    for n in range(5):
        save(f"Atelier compost numéro {n}", f"# Atelier {n}\n\nUn atelier de compost.\n")
    first = query.search("compost", per_page=2)
    assert (first.total, first.pages, len(first.hits)) == (5, 3, 2)
    last = query.search("compost", per_page=2, page=99)
    assert last.page == 3 and len(last.hits) == 1
    seen = {h.title for p in (1, 2, 3) for h in query.search("compost", per_page=2, page=p).hits}
    assert len(seen) == 5


def test_did_you_mean_offers_the_nearest_word_when_searching_as_typed(corpus):
    results = query.search("cooparative", exact=True)
    assert results.total == 0
    assert results.did_you_mean == "cooperative"
    assert query.search(results.did_you_mean).total == 1


def test_a_word_that_matches_nothing_is_corrected_at_once(corpus):
    results = query.search("cooparative")
    assert results.total == 1 and results.corrected == "coopérative"  # as the page writes it
    assert results.hits[0].title == "Centrale solaire citoyenne"


def test_did_you_mean_prefers_the_nearer_word_to_the_more_frequent(save):
    from tests.search.conftest import experience

    save("Ruches", experience("Ruches", context="Une ruche sur le toit de la mairie."))
    for n in range(3):
        save(f"Falaise {n}", experience(f"Falaise {n}", context="La roche calcaire du coteau."))
    # "ruxhe" is one letter from "ruche" (1 page), two from "roche" (3 pages).
    assert query.search("ruxhe", exact=True).did_you_mean == "ruche"
    assert query.search("rocje", exact=True).did_you_mean == "roche"
    assert query.search("ruxhe").corrected == "ruche"  # and corrected at once the same way


def test_title_suggestions_complete_the_last_word(corpus):
    assert query.suggest("jard") == [
        {"title": "Jardin partagé des Tilleuls", "slug": "jardin-partage-des-tilleuls"}
    ]
    assert query.suggest("centrale sol")[0]["title"] == "Centrale solaire citoyenne"
    assert query.suggest("monnaie jard") == []
    assert query.suggest("j") == []


def test_singular_finds_plurals_the_stemmer_keeps(save):
    save("Vélos partagés", "# Vélos\n\nDes vélos et des verrous.\n")
    assert titles(query.search("vélo verrou")) == ["Vélos partagés"]


def test_pages_without_a_value_add_no_blank_facet_choice(make_page):
    make_page(title="Notes de réunion", text="# Notes\n\nUne page libre, sans échelle ni milieu.")
    result = query.search("")
    assert result.total == 1
    for name in ("scale", "setting", "status", "themes"):
        assert all(value.key for value in result.facets[name]), name


def test_a_hit_in_verrous_shows_only_the_matching_obstacle(save):
    from tests.search.conftest import experience

    title = "Habitat participatif à Angers"
    save(
        title,
        experience(
            title,
            obstacles=(
                "Le foncier disponible, rare et cher : sans le lot réservé, le projet s’arrêtait.",
                "La durée : sept ans entre la première réunion et la livraison.",
                "Les délais administratifs.",
            ),
        ),
    )
    hit = query.search("verrou:foncier").hits[0]
    assert hit.matched_in == "obstacles"
    assert "foncier" in hit.snippet_text
    assert "sept ans" not in hit.snippet_text and "délais" not in hit.snippet_text


def test_a_long_page_is_found_and_its_snippet_comes_from_its_start(save):
    from tests.search.conftest import experience

    filler = "Des habitants se retrouvent chaque semaine au local. " * 600  # ~32,000 characters
    save("Longue", experience("Longue", context=filler + "Une grainothèque est née."))
    save("Courte", experience("Courte", context="Une grainothèque dans la bibliothèque."))
    found = query.search("grainotheque")
    assert sorted(titles(found)) == ["Courte", "Longue"]
    snippets = {hit.title: hit.snippet for hit in found.hits}
    assert "<mark" in snippets["Courte"]
    # Beyond the part scanned for snippets: the start of the text is shown instead.
    assert "<mark" not in snippets["Longue"] and "Des habitants" in snippets["Longue"]
