"""What a request may ask for: ids too large to exist, hostile characters in titles and comments."""

import re

import pytest

from tests.conftest import csrf_token

HUGE = "9" * 40  # far past a 64-bit id


@pytest.mark.parametrize(
    "url",
    [
        f"/r/{HUGE}",
        f"/p/{HUGE}",
        f"/r/{2**63}",
        f"/wiki/jardin-partage-des-tilleuls/revisions/{HUGE}",
        f"/api/v1/revisions/{HUGE}",
    ],
)
def test_an_id_too_large_to_exist_is_not_found_not_a_server_error(client, make_page, url):
    make_page()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"from": HUGE},
        {"to": HUGE},
        {"from": "²", "to": "-1"},
        {"from": "1e9999"},
    ],
)
def test_diff_with_absurd_revision_numbers_answers_without_a_server_error(client, make_page, query):
    make_page()
    response = client.get("/wiki/jardin-partage-des-tilleuls/diff", query_string=query)
    assert response.status_code in (302, 400, 404)


@pytest.mark.parametrize("url", ["/compare", "/search", "/api/v1/pages", "/api/v1/search"])
def test_a_huge_page_number_is_not_a_server_error(client, make_page, url):
    make_page()
    response = client.get(url, query_string={"page": HUGE, "q": "jardin"})
    assert response.status_code in (200, 400)


def test_posting_a_huge_base_revision_saves_like_a_new_edit(logged_in, make_page):
    make_page(title="Base")
    token = csrf_token(logged_in, "/wiki/base/edit")
    response = logged_in.post(
        "/wiki/base/edit",
        data={"csrf_token": token, "text": "# Base\n\nNouveau.\n", "base_revision": HUGE},
    )
    assert response.status_code in (302, 409)


def test_control_characters_in_a_comment_keep_the_feed_valid_xml(logged_in, make_page, client):
    from xml.etree import ElementTree

    make_page(title="Fil")
    token = csrf_token(logged_in, "/wiki/fil/edit")
    comment = "corrigé\x00 \x1b[31mrouge\x07\x0c fin\u202e tiurf"
    response = logged_in.post(
        "/wiki/fil/edit",
        data={"csrf_token": token, "text": "# Fil\n\nSuite.\n", "comment": comment},
    )
    assert response.status_code == 302
    for url in ("/feeds/recent.atom", "/wiki/fil/history.atom"):
        feed = client.get(url)
        assert feed.status_code == 200
        root = ElementTree.fromstring(feed.get_data())  # raises on a character XML refuses
        summaries = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}summary")]
        assert "corrigé [31mrouge fin tiurf" in summaries


def test_a_comment_saved_before_cleaning_still_gives_a_valid_feed(client, make_page, db):
    from xml.etree import ElementTree

    page = make_page(title="Ancien")
    page.current.comment = "ancien\x0bcommentaire\x00"
    db.session.commit()
    ElementTree.fromstring(client.get("/feeds/recent.atom").get_data())


def test_nul_and_bidi_overrides_are_removed_from_titles(logged_in, db):
    from wiki.models import Page

    token = csrf_token(logged_in, "/new")
    title = "Jardin\x00 \u202egnp.exe\u202c partagé"
    response = logged_in.post("/new", data={"csrf_token": token, "title": title})
    assert response.status_code == 302
    edit_url = response.headers["Location"]
    token = csrf_token(logged_in, edit_url)
    response = logged_in.post(
        re.sub(r"\?.*", "", edit_url),
        data={"csrf_token": token, "title": title, "text": "# Jardin\n\nTexte.\n"},
    )
    assert response.status_code == 302
    (page,) = db.session.scalars(db.select(Page)).all()
    assert page.title == "Jardin gnp.exe partagé"


# Time and size budgets for what parses user text.

BRACKETS = "[" * 30_000  # mistune spends about a second on these: far past a 50 ms budget


def test_time_budgets_nest_and_keep_the_earlier_deadline():
    import time

    from wiki.limits import BudgetExceeded, check_deadline, time_budget

    with time_budget(0.01):
        with time_budget(60):
            time.sleep(0.02)
            with pytest.raises(BudgetExceeded):
                check_deadline()
    check_deadline()  # no deadline outside


def test_a_preview_over_the_time_budget_shows_plain_text_and_says_why(app, logged_in):
    app.config["RENDER_TIME_BUDGET"] = 0.05
    token = csrf_token(logged_in, "/wiki/crochets/edit")
    response = logged_in.post("/preview", data={"text": "Début " + BRACKETS, "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "affiché en texte brut" in html
    assert "<pre>Début [[[" in html


def test_a_preview_longer_than_a_page_may_be_is_refused_with_its_size(app, logged_in):
    app.config["MAX_PAGE_BYTES"] = 1024
    token = csrf_token(logged_in, "/wiki/long/edit")
    response = logged_in.post("/preview", data={"text": "é" * 2000, "csrf_token": token})
    assert response.status_code == 413
    assert "3 Ko pour 1 Ko autorisés" in response.get_data(as_text=True).replace("\u00a0", " ")


def test_a_save_over_the_time_budget_is_refused_with_a_message_and_nothing_written(
    app, logged_in, db
):
    from wiki.models import Page

    app.config["SAVE_TIME_BUDGET"] = 0.05
    token = csrf_token(logged_in, "/wiki/crochets/edit")
    response = logged_in.post(
        "/wiki/crochets/edit",
        data={"csrf_token": token, "title": "Crochets", "text": "# Crochets\n\n" + BRACKETS},
    )
    assert response.status_code == 422
    assert "trop complexe pour être traité en 0.05 secondes" in response.get_data(
        as_text=True
    ).replace("\u00a0", " ")
    assert db.session.scalars(db.select(Page)).all() == []


def test_a_stored_page_over_the_time_budget_is_readable_as_plain_text(app, client, make_page):
    page = make_page(title="Crochets", text="# Crochets\n\n" + BRACKETS)
    app.config["RENDER_TIME_BUDGET"] = 0.05
    response = client.get(f"/wiki/{page.slug}")
    assert response.status_code == 200
    assert "affiché en texte brut" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/search", "/api/v1/search", "/search/suggest", "/search.csv"])
def test_a_megabyte_search_is_cut_before_parsing_and_answered(client, make_page, url):
    import time

    make_page()
    words = " ".join(f"jardin{i} habitants" for i in range(60_000))  # ~1 MB, 120,000 words
    start = time.process_time()
    response = client.get(url, query_string={"q": words})
    assert response.status_code == 200
    assert time.process_time() - start < 10  # CPU seconds; parsing 120,000 words would not be


def test_a_long_search_says_only_its_beginning_was_used(client, make_page):
    make_page()
    response = client.get("/search", query_string={"q": "jardin " * 5000})
    assert response.status_code == 200
    assert "seuls ses 500 premiers caractères" in response.get_data(as_text=True).replace(
        "\u00a0", " "
    )
