"""The search pages as a researcher uses them: results, bad input, CSV, autocomplete."""

from __future__ import annotations

import csv
import io

import pytest


def test_search_page_shows_hits_with_territory_theme_status_and_matched_obstacle(client, corpus):
    html = client.get("/search?q=convertibilite").get_data(as_text=True)
    assert "Monnaie locale du Cantal" in html
    assert "Aurillac" in html and "ongoing" in html  # the status, in the reader's language
    assert "Obstacle" in html
    assert '<mark class="match' in html


def test_search_page_lists_facets_with_counts(client, corpus):
    html = client.get("/search?q=habitants").get_data(as_text=True)
    assert 'class="facets"' in html
    assert "rural" in html and '<span class="count">' in html


def test_facet_link_filters_the_results(client, corpus):
    response = client.get("/search?q=&setting=rural&status=termine")
    html = response.get_data(as_text=True)
    assert "Centrale solaire citoyenne" in html
    assert "Monnaie locale du Cantal" not in html


def test_theme_parameter_of_the_public_url_filters_by_theme(client, corpus):
    html = client.get("/search?theme=energie").get_data(as_text=True)
    assert "Centrale solaire citoyenne" in html and "Jardin partagé" not in html


def test_a_typo_is_corrected_and_did_you_mean_offered_when_searching_as_typed(client, corpus):
    html = client.get("/search?q=cooparative").get_data(as_text=True)
    assert "Results for" in html and "coopérative" in html and "Search instead for" in html
    as_typed = client.get("/search?q=cooparative&exact=1").get_data(as_text=True)
    assert "Did you mean" in as_typed and "cooperative" in as_typed


@pytest.mark.parametrize(
    "q",
    [
        '"jardin partagé',
        "(jardin OR monnaie",
        "jardin)",
        "-",
        "- -- -",
        "theme:",
        "verrou: jardin",
        "a" * 10_240,
        "jardin " * 2000,
        "jardin\x00\x07\x1b[31m\u200b",
        "Жилищное строительство",
        "共享花园",
        "حديقة مشتركة",
        "*:*",
        "jard*",
        "title:[a TO z]",
        "NOT",
        "AND OR NOT",
        "slug:jardin",
        "fingerprint:x",
        '""',
        "()",
        "le la les",
        'statut:"',
        "theme:(",
        "l’énergie d'aujourd'hui",
        "http://exemple.fr/a:b",
    ],
)
def test_bad_input_never_errors(client, make_page, q):
    make_page()
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "Search the experiences" in response.get_data(as_text=True) or response.data


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('"jardin partagé', "read as plain words"),
        ("(jardin OR monnaie", "read as plain words"),
        ("theme:", "needs a word after it"),
        ("a" * 10_240, "only its first 500 characters"),
        ("-jardin", "cannot only exclude"),
    ],
)
def test_bad_input_is_explained(client, make_page, q, message):
    make_page()
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_unbalanced_quote_still_finds_the_words(client, corpus):
    html = client.get("/search", query_string={"q": '"dix parcelles'}).get_data(as_text=True)
    assert "Jardin partagé des Tilleuls" in html


def test_bad_page_and_sort_parameters_are_ignored(client, corpus):
    for args in ("page=abc", "page=-3", "page=99999999999999", "sort=nope", "setting=%00"):
        assert client.get(f"/search?q=habitants&{args}").status_code == 200


def test_csv_export_has_every_result_and_the_matched_statement(client, corpus):
    # /search?format=csv leads to /search.csv (and so to the export's own rate limit).
    for url in ("/search.csv?q=auteur:camille", "/search?q=auteur:camille&format=csv&header=codes"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert len(rows) == 3
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/search.csv?q=verrou:raccordement&header=codes")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert [r["title"] for r in rows] == ["Centrale solaire citoyenne"]
    assert rows[0]["territory"] == "Parthenay"
    assert rows[0]["themes"] == "Energy | Governance"  # labels, in the reader's language
    assert rows[0]["matched_in"] == "Obstacle"
    assert "raccordement au réseau" in rows[0]["matched_text"]
    assert rows[0]["url"].endswith("/wiki/centrale-solaire-citoyenne")


def test_csv_export_never_starts_a_cell_with_a_formula(client, save):
    save('=HYPERLINK("x") tableur', "# Tableur\n\nUne formule de tableur.\n")
    text = client.get("/search.csv?q=tableur").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_suggest_returns_matching_titles_as_json(client, corpus):
    response = client.get("/search/suggest?q=jard")
    assert response.status_code == 200
    assert response.json == [
        {"title": "Jardin partagé des Tilleuls", "url": "/wiki/jardin-partage-des-tilleuls"}
    ]
    assert client.get("/search/suggest?q=").json == []
    assert client.get("/search/suggest", query_string={"q": "\x00" * 5000}).json == []


def test_search_box_shows_the_query_as_typed_not_as_rewritten(client, corpus):
    html = client.get("/search?q=verrou:raccordement").get_data(as_text=True)
    assert 'value="verrou:raccordement"' in html
    assert "obstacles:raccordement" not in html
    assert "Centrale solaire citoyenne" in html


def test_did_you_mean_keeps_the_prefix_as_typed(client, corpus):
    from wiki.search import query

    found = query.search("verrou:raccordement cooparative")
    assert found.query == "verrou:raccordement cooparative"
    assert found.searched.startswith("obstacles:raccordement")
    if found.did_you_mean:
        assert found.did_you_mean.startswith("verrou:raccordement")


def test_results_page_has_a_facet_sidebar_beside_labelled_hits(client, corpus):
    html = client.get("/search?q=convertibilite").get_data(as_text=True)
    assert '<details class="facet-panel" open data-collapse-below' in html
    assert html.index('class="facets"') < html.index('class="results"')
    assert '<strong class="matched-in">Obstacle:</strong>' in html
    assert "<dt>Territory</dt>" in html and "<dt>Status</dt>" in html
    assert "css/search.css" in html and "js/search.js" in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles


def test_searches_and_exports_are_rate_limited_per_address(tmp_path, migrated_db):
    import shutil

    from tests.conftest import make_app

    data_dir = tmp_path / "limited"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "essaim.db")
    app = make_app(
        data_dir,
        RATELIMIT_ENABLED=True,
        SEARCH_RATE_LIMIT="3 per minute",
        EXPORT_RATE_LIMIT="2 per minute",
    )
    client = app.test_client()
    searches = [client.get("/search?q=jardin").status_code for _ in range(4)]
    exports = [client.get("/search.csv?q=jardin").status_code for _ in range(3)]
    compare = [client.get("/compare.csv").status_code for _ in range(3)]
    assert searches == [200, 200, 200, 429]
    assert exports == [200, 200, 429] and compare == [200, 200, 429]
    refused = client.get("/search.csv?q=jardin")
    assert refused.status_code == 429 and "minute" in refused.get_data(as_text=True)


def test_behind_a_proxy_each_visitor_has_their_own_limit(tmp_path, migrated_db):
    import shutil

    from tests.conftest import make_app

    data_dir = tmp_path / "proxied"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "essaim.db")
    app = make_app(data_dir, RATELIMIT_ENABLED=True, SEARCH_RATE_LIMIT="2 per minute", PROXIES=1)
    client = app.test_client()

    def search(visitor):
        return client.get("/search?q=jardin", headers={"X-Forwarded-For": visitor}).status_code

    assert [search("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert search("198.51.100.4") == 200  # another visitor behind the same proxy


def test_search_export_for_french_excel_uses_semicolons(client, corpus):
    html = client.get("/search?q=habitants").get_data(as_text=True)
    assert "/search.csv?q=habitants&amp;sep=semicolon" in html
    text = client.get("/search.csv?q=habitants&sep=semicolon").get_data().decode("utf-8-sig")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert text.splitlines()[0].startswith("Title;Link;Territory;INSEE code;")
    assert {r["Title"] for r in rows} >= {"Centrale solaire citoyenne"}
    assert all(r["Link"].startswith("http") for r in rows)


def test_result_links_are_the_urls_flask_builds(app):
    """The links of a results page (facets, theme chips, pages, sort) add their query string to
    a path built once: each must be the URL url_for builds, whatever the words and values."""
    from flask import url_for

    from wiki.search import query, views

    found = query.SearchResults(
        query='l\'eau & le "vélo" +rapide 100% ?/#',
        searched="",
        hits=[],
        total=0,
        page=2,
        pages=3,
        per_page=20,
        sort="date",
        filters={"themes": ["eau", "énergie citoyenne"], "status": ["en-cours"]},
        facets={},
        exact=True,
    )
    with app.test_request_context("/search"):
        link = views._link_to(found)
        q = found.query
        themes, status = found.filters["themes"], found.filters["status"]
        cases = [
            ({"toggle": ("themes", "eau")}, {"themes": themes[1:], "status": status}),
            ({"toggle": ("setting", "rural")}, {**found.filters, "setting": ["rural"]}),
            ({"page": 3}, {**found.filters, "page": 3}),
        ]
        for arguments, filters in cases:
            page = filters.pop("page", None)
            expected = {"q": q, **filters, "sort": "date", "exact": "1"}
            if page:
                expected["page"] = page
            assert link(**arguments) == url_for("search.results", **expected)
        assert link(sort="relevance") == url_for(
            "search.results", q=q, **found.filters, exact="1", page=None
        )
        empty = query.SearchResults("", "", [], 0, 1, 1, 20, "relevance", {}, {})
        assert views._link_to(empty)() == url_for("search.results") == "/search"


def test_results_say_when_the_index_is_still_catching_up(app, client, corpus, db, monkeypatch):
    """After an upgrade that changed the index's schema, every page is indexed again in the
    background: meanwhile a search may miss pages, and says so."""
    from wiki.models import IndexQueue
    from wiki.search import views

    monkeypatch.setattr(views, "CATCHING_UP_READ_EVERY", 0.0)
    app.config["SEARCH_CATCHING_UP_NOTICE"] = 3
    app.config["SEARCH_INDEXING"] = "off"  # the queue stays as it is during the test
    html = client.get("/search?q=habitants").get_data(as_text=True)
    assert "still to be indexed" not in html
    db.session.add_all([IndexQueue(page_id=9000 + n) for n in range(2)])
    db.session.commit()
    html = client.get("/search?q=habitants").get_data(as_text=True)
    assert "still to be indexed" not in html  # 2: below the notice's threshold
    db.session.add(IndexQueue(page_id=9002))
    db.session.commit()
    html = client.get("/search?q=habitants").get_data(as_text=True)
    assert "3 pages are still to be indexed, so some results may be missing" in html
    app.config["SEARCH_CATCHING_UP_NOTICE"] = 1
    db.session.add_all([IndexQueue(page_id=9003 + n) for n in range(1997)])
    db.session.commit()
    assert "2,000 pages are still" in client.get("/search?q=habitants").get_data(as_text=True)
    assert '<mark class="match' in html  # the results found so far are still shown
