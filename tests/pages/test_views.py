"""Pages through the browser's eyes (Flask test client on a real SQLite file)."""

import re

from sqlalchemy import func, select

from tests.conftest import csrf_token
from wiki.models import Page, Revision


def edit_form(client, slug, **query):
    html = client.get(f"/wiki/{slug}/edit", query_string=query).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    base = re.search(r'name="base_revision" type="hidden" value="([^"]*)"', html)
    return token, (base.group(1) if base else "")


def save(client, slug, text, title="", comment="", base=None):
    token, form_base = edit_form(client, slug)
    data = {
        "csrf_token": token,
        "title": title,
        "text": text,
        "comment": comment,
        "base_revision": form_base if base is None else base,
    }
    return client.post(f"/wiki/{slug}/edit", data=data)


def test_reading_is_public_and_editing_needs_an_account(client, make_page):
    make_page(title="Budget participatif")
    assert client.get("/wiki/budget-participatif").status_code == 200
    response = client.get("/wiki/budget-participatif/edit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_then_edit_a_page_through_the_forms(logged_in, db):
    response = save(
        logged_in,
        "tiers-lieu-la-filature",
        "# Tiers-lieu\n\nUn lieu où l’on répare.",
        title="Tiers-lieu La Filature",
        comment="création",
    )
    assert response.status_code == 302
    page_html = logged_in.get("/wiki/tiers-lieu-la-filature").get_data(as_text=True)
    assert "Un lieu où l’on répare." in page_html
    response = save(
        logged_in,
        "tiers-lieu-la-filature",
        "# Tiers-lieu\n\nUn lieu où l’on répare et cuisine.",
        comment="ajout",
    )
    assert response.status_code == 302
    history = logged_in.get("/wiki/tiers-lieu-la-filature/history").get_data(as_text=True)
    assert "ajout" in history and "création" in history
    assert db.session.scalar(select(func.count(Revision.id))) == 2


def test_missing_page_offers_to_create_it(logged_in):
    response = logged_in.get("/wiki/guide-du-compostage")
    assert response.status_code == 404
    assert "/wiki/guide-du-compostage/edit" in response.get_data(as_text=True)


def test_csrf_token_is_required_to_save(logged_in, make_page):
    make_page(title="Monnaie locale")
    response = logged_in.post("/wiki/monnaie-locale/edit", data={"text": "piraté"})
    assert response.status_code == 400
    assert "piraté" not in logged_in.get("/wiki/monnaie-locale").get_data(as_text=True)


def test_conflicting_save_shows_both_texts_with_409(logged_in, make_page, user, db):
    from wiki.pages import service

    page = make_page(title="Cantine bio", text="Repas servis : 200 par jour.\n")
    token, base = edit_form(logged_in, "cantine-bio")
    service.save_page(
        slug="cantine-bio",
        title=None,
        text="Repas servis : 250 par jour.\n",
        author=user,
        base_id=page.current_id,
    )
    response = logged_in.post(
        "/wiki/cantine-bio/edit",
        data={
            "csrf_token": token,
            "text": "Repas servis : 300 par jour.\n",
            "base_revision": base,
            "title": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "300 par jour" in html and "250 par jour" in html
    assert db.session.scalar(select(func.count(Revision.id))) == 2


def test_too_large_page_gets_a_clear_message_and_keeps_the_text(logged_in, make_page):
    make_page(title="Plan climat")
    big = "Des mots et encore des mots. " * 75_000  # > 2 MB
    response = save(logged_in, "plan-climat", big)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "kB" in html or "Ko" in html
    assert "Des mots et encore des mots." in html


def test_invalid_utf8_in_the_form_is_refused_with_a_message(logged_in, make_page):
    make_page(title="Encodage")
    token, base = edit_form(logged_in, "encodage")
    body = f"csrf_token={token}&base_revision={base}&title=&text=caf%E9+cr%E8me".encode()
    response = logged_in.post(
        "/wiki/encodage/edit", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    assert "crème" not in logged_in.get("/wiki/encodage").get_data(as_text=True)


def test_empty_title_on_creation_is_refused(logged_in, db):
    response = save(logged_in, "sans-titre", "texte", title="   ")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Page.id))) == 0


def test_title_collision_on_creation_is_refused_with_link_to_existing(logged_in, make_page):
    make_page(title="Énergie citoyenne")
    response = save(logged_in, "energie-citoyenne-2", "autre", title="Energie citoyenne")
    assert response.status_code == 409
    assert "/wiki/energie-citoyenne" in response.get_data(as_text=True)


def test_rename_answers_old_slug_with_301(logged_in, make_page):
    make_page(title="Autopartage")
    token = csrf_token(logged_in, "/wiki/autopartage/rename")
    response = logged_in.post(
        "/wiki/autopartage/rename",
        data={"csrf_token": token, "title": "Autopartage villageois à Florac"},
    )
    assert response.status_code == 302
    old = logged_in.get("/wiki/autopartage")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/wiki/autopartage-villageois-a-florac")
    assert logged_in.get("/wiki/autopartage/history").status_code == 301


def test_rename_onto_existing_page_is_refused_with_message(logged_in, make_page):
    make_page(title="Repair café")
    make_page(title="Ressourcerie")
    token = csrf_token(logged_in, "/wiki/repair-cafe/rename")
    response = logged_in.post(
        "/wiki/repair-cafe/rename", data={"csrf_token": token, "title": "Ressourcerie"}
    )
    assert response.status_code == 409
    assert logged_in.get("/wiki/repair-cafe").status_code == 200


def test_permalinks_survive_renames(logged_in, make_page):
    from wiki.pages import service

    page = make_page(title="Haies bocagères")
    first_rev = page.current_id
    service.rename_page(page, "Haies bocagères du Bressuirais", None)
    assert (
        logged_in.get(f"/p/{page.id}")
        .headers["Location"]
        .endswith("/wiki/haies-bocageres-du-bressuirais")
    )
    response = logged_in.get(f"/r/{first_rev}", follow_redirects=True)
    assert response.status_code == 200
    assert (
        logged_in.get(f"/s/{page.short_code}")
        .headers["Location"]
        .endswith("/wiki/haies-bocageres-du-bressuirais")
    )


def test_unknown_revision_and_revision_of_another_page(client, make_page):
    a = make_page(title="Page A")
    b = make_page(title="Page B")
    assert client.get("/r/999999").status_code == 404
    assert client.get(f"/wiki/page-a/revisions/{b.current_id}").status_code == 400
    response = client.get(f"/wiki/page-a/diff?from={a.current_id}&to={b.current_id}")
    assert response.status_code == 400


def test_diff_shows_word_changes_inline_and_side_by_side(logged_in, make_page, user):
    from wiki.pages import service

    page = make_page(title="Budget", text="Montant : dix mille euros\n")
    first = page.current_id
    second = service.save_page(
        slug="budget", title=None, text="Montant : vingt mille euros\n", author=user, base_id=first
    )
    for view in ("inline", "split"):
        html = logged_in.get(f"/wiki/budget/diff?from={first}&to={second.id}&view={view}").get_data(
            as_text=True
        )
        assert "<mark>dix</mark>" in html and "<mark>vingt</mark>" in html


def test_revert_through_history_brings_back_old_text(logged_in, make_page, user):
    from wiki.pages import service

    page = make_page(title="Compost", text="Bonne version")
    first = page.current_id
    service.save_page(slug="compost", title=None, text="Vandalisme", author=user, base_id=first)
    token = csrf_token(logged_in, "/wiki/compost/history")
    response = logged_in.post(f"/wiki/compost/revert/{first}", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Bonne version" in logged_in.get("/wiki/compost").get_data(as_text=True)
    assert len(service.history(page)) == 3


def test_wiki_links_render_red_for_missing_pages(client, make_page):
    make_page(title="Jardin", text="Voir [[Cantine bio]] et [[Jardin|ce jardin]].")
    html = client.get("/wiki/jardin").get_data(as_text=True)
    assert re.search(r'class="wikilink new"[^>]*href="/wiki/cantine-bio/edit', html) or re.search(
        r'href="/wiki/cantine-bio/edit[^"]*"[^>]*class="wikilink new"', html
    )
    assert re.search(r'href="/wiki/jardin"', html)


def test_a_red_link_turns_blue_at_once_when_its_page_is_created(client, make_page):
    # The text's links are remembered from the first view (wiki.pages.display._references);
    # which of them exist is read at every view.
    make_page(title="Jardin", text="---\nstatut: en cours\n---\n# Jardin\n\nVoir [[Cantine bio]].")
    before = client.get("/wiki/jardin").get_data(as_text=True)
    assert 'href="/wiki/cantine-bio/edit' in before
    make_page(title="Cantine bio", text="# Cantine\n\nDes repas.")
    after = client.get("/wiki/jardin").get_data(as_text=True)
    assert 'href="/wiki/cantine-bio"' in after and 'href="/wiki/cantine-bio/edit' not in after
    assert ">Jardin</h1>" in after


def test_hostile_html_in_a_page_never_reaches_the_browser(client, make_page):
    make_page(
        title="Piège",
        text='<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[clic](javascript:alert(3))\n\n<svg onload="alert(4)"></svg>',
    )
    html = client.get("/wiki/piege").get_data(as_text=True)
    content = html.split('<div class="content">', 1)[1]
    assert (
        "<script>alert" not in content
        and "onerror" not in content
        and "javascript:" not in content
        and "<svg" not in content
    )


def test_print_view_and_qr_code_point_to_the_short_permalink(client, make_page):
    page = make_page(title="Centrale solaire")
    html = client.get("/wiki/centrale-solaire/print").get_data(as_text=True)
    assert f"/s/{page.short_code}" in html and "<svg" in html
    qr = client.get("/wiki/centrale-solaire/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert qr.get_data(as_text=True).lstrip().startswith("<?xml")


def test_recent_changes_and_feeds_list_revisions(client, make_page):
    make_page(title="Frigo solidaire")
    assert "Frigo solidaire" in client.get("/recent").get_data(as_text=True)
    feed = client.get("/feeds/recent.atom")
    assert feed.mimetype == "application/atom+xml" and "Frigo solidaire" in feed.get_data(
        as_text=True
    )
    assert client.get("/wiki/frigo-solidaire/history.atom").status_code == 200


def test_hidden_revision_is_refused_to_readers(client, make_page, user):
    from wiki.moderation import service as moderation
    from wiki.pages import service

    page = make_page(title="Modération", text="texte injurieux")
    first = page.current
    service.save_page(
        slug="moderation", title=None, text="texte propre", author=user, base_id=first.id
    )
    moderation.set_revision_hidden(first, True)
    assert client.get(f"/wiki/moderation/revisions/{first.id}").status_code == 403


def test_repeated_section_heading_gets_an_inline_message_and_keeps_the_text(
    logged_in, make_page, db
):
    make_page(title="Cantine")
    text = "# Cantine\n\n## Verrous\n- Le prix des repas\n\n## Verrous\n- Les horaires\n"
    response = save(logged_in, "cantine", text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "apparaît deux fois" in html
    assert "Les horaires" in html
    assert db.session.scalar(select(func.count(Revision.id))) == 1


def test_a_long_history_is_shown_fifty_revisions_at_a_time(client, make_page, user):
    from wiki.pages.service import save_page

    page = make_page(title="Verger de l’Œuvre", text="# Verger\n\nversion 0")
    for n in range(1, 120):
        save_page(slug=page.slug, title=None, text=f"# Verger\n\nversion {n}", author=user)
    first = client.get(f"/wiki/{page.slug}/history").get_data(as_text=True)
    assert first.count('name="to"') == 50
    assert ">120<" in first and ">71<" in first and ">70<" not in first
    assert "Page 1 sur 3" in first
    assert f'href="/wiki/{page.slug}/history?page=2"' in first
    last = client.get(f"/wiki/{page.slug}/history?page=3").get_data(as_text=True)
    assert last.count('name="to"') == 20
    assert ">1<" in last
    assert f'href="/wiki/{page.slug}/history?page=2"' in last and "page=4" not in last
    # Whatever the number typed in the address, an answer and never an error.
    for odd in ("0", "-3", "99", "deux"):
        assert client.get(f"/wiki/{page.slug}/history?page={odd}").status_code == 200


def test_preview_of_an_alias_bomb_answers_at_once_with_a_message(logged_in):
    bomb = "\n".join(
        ['a: &a ["x","x","x","x","x","x","x","x","x"]']
        + [
            f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ]
    )
    token = csrf_token(logged_in, "/wiki/bombe/edit")
    response = logged_in.post(
        "/preview", data={"text": f"---\n{bomb}\n---\n# Bombe\n", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "alias YAML" in response.get_data(as_text=True)


def test_saving_a_deeply_nested_front_matter_shows_the_problem_in_the_editor(logged_in):
    text = "---\ntype: page\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n# Profond\n"
    response = save(logged_in, "profond", text, title="Profond")
    assert response.status_code in (400, 422)
    assert "imbriqués trop profondément" in response.get_data(as_text=True)


def test_an_old_revision_with_an_impossible_date_is_shown_not_a_server_error(client, make_page, db):
    # Saving refuses it now; a revision stored before that still has to be readable.
    page = make_page(title="Date impossible", text="# Date\n\nTexte.\n")
    page.current.text = "---\nstarted: 2020-02-30\n---\n# Date\n\nTexte.\n"
    db.session.commit()
    response = client.get("/wiki/date-impossible")
    assert response.status_code == 200
    assert "Texte." in response.get_data(as_text=True)


def test_saving_an_impossible_date_asks_for_quotes(logged_in):
    text = "---\ntype: page\nstarted: 2020-02-30\n---\n# Date\n"
    response = save(logged_in, "date", text, title="Date")
    assert response.status_code in (400, 422)
    assert "mettez-la entre guillemets" in response.get_data(as_text=True)


def test_diff_of_revisions_that_differ_everywhere_says_it_is_simplified(
    client, make_page, user, monkeypatch
):
    from wiki.pages import diff as diff_module
    from wiki.pages.service import save_page

    monkeypatch.setattr(diff_module, "TIME_BUDGET", 0.0)
    page = make_page(title="Lignes", text="texte\n\n" * 300)
    save_page(slug=page.slug, title=page.title, text="\nautre\n" * 300, author=user, comment="")
    response = client.get(f"/wiki/{page.slug}/diff")
    assert response.status_code == 200
    assert "dans le temps imparti" in response.get_data(as_text=True)
