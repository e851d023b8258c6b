"""Recurring levers and obstacles as a researcher reads them, and moderators' merges and splits."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token, log_in


def _overall(html: str) -> str:
    return html.split('id="group-1"')[1].split('id="group-2"')[0]


def _groups(html: str) -> list[str]:
    return re.findall(r'name="group" value="([\d,]+)"', html)


@pytest.fixture
def admin(client, make_user):
    make_user("dominique", "un mot de passe solide", role="admin")
    log_in(client, "dominique")
    return client


def test_incidental_shared_words_do_not_make_a_recurring_obstacle(client, make_experience):
    make_experience(
        "Haies du bocage",
        obstacles=("Le temps d'entretien les trois premières années, difficile à dégager.",),
    )
    make_experience(
        "Jardin des Tilleuls",
        obstacles=("Quelques dégradations la première année (cabane forcée, outils volés).",),
    )

    html = client.get("/invariants").get_data(as_text=True)

    assert "Aucun verrou ne revient pour l’instant." in _overall(html)


def test_a_group_is_named_by_shared_concepts_and_shows_each_experience_sentence(
    client, make_experience
):
    make_experience(
        "Centrale solaire de Parthenay",
        insee="79202",
        themes=("énergie",),
        levers=(
            "Le soutien des élus de l'intercommunalité, qui ont voté une prise de participation au capital.",
        ),
    )
    make_experience(
        "Jardin des Tilleuls",
        insee="59491",
        themes=("alimentation",),
        levers=("L’appui sans faille de la municipalité.",),
    )
    make_experience(
        "Autopartage à Florac",
        insee="48061",
        themes=("mobilité", "solidarités"),
        levers=("The support of elected officials, who lent the first car.",),
    )

    overall = _overall(client.get("/invariants").get_data(as_text=True))

    assert "<strong>soutien · élus</strong>" in overall
    assert "3 expériences · 3 territoires · 4 thèmes · 3 régions" in overall
    assert "<q>L’appui sans faille de la municipalité.</q>" in overall
    assert "<q>Le soutien des élus de l&#39;intercommunalité, qui ont voté" in overall
    # The capital share is one experience's own story, shown as its sentence, never as a label.
    assert overall.count("prise de participation") == 1
    assert 'href="/wiki/jardin-des-tilleuls#:~:text=L%E2%80%99appui%20sans' in overall


def test_two_experiences_in_one_town_count_one_territory(client, make_experience):
    for title in ("Cantine de Raismes", "Jardin de Raismes"):
        make_experience(title, insee="59491", obstacles=("Les délais administratifs.",))

    overall = _overall(client.get("/invariants").get_data(as_text=True))

    assert "2 expériences · 1 territoire · 0 thème · 1 région" in overall


def test_only_administrators_can_merge_or_split(logged_in, make_experience):
    html = logged_in.get("/invariants").get_data(as_text=True)
    assert "Fusionner les groupes choisis" not in html
    token = csrf_token(logged_in, "/login")
    response = logged_in.post(
        "/invariants/groups/merge", data={"csrf_token": token, "group": ["1", "2"]}
    )
    assert response.status_code == 403


def _two_groups(make_experience):
    make_experience(
        "Jardin A", levers=("Le soutien des élus.",), obstacles=("Les délais administratifs.",)
    )
    make_experience("Jardin B", levers=("Le soutien des élus !",))
    make_experience("Cantine C", levers=("Un terrain communal mis à disposition.",))
    return make_experience("Cantine D", levers=("Le foncier disponible, une ancienne ferme.",))


def test_a_merge_by_an_administrator_is_kept_when_the_pages_are_saved_again(
    admin, make_experience, make_page, app
):
    last = _two_groups(make_experience)
    html = admin.get("/invariants").get_data(as_text=True)
    levers = html.split('id="lever-1"')[1].split('id="obstacle-1"')[0]
    assert levers.count("<strong>") == 2

    response = admin.post(
        "/invariants/groups/merge",
        data={
            "csrf_token": csrf_token(admin, "/invariants"),
            "group": _groups(levers),
            "kind": "lever-1",
        },
        follow_redirects=True,
    )

    merged = response.get_data(as_text=True)
    assert "4 phrases partagent désormais un groupe" in merged
    levers = merged.split('id="lever-1"')[1].split('id="obstacle-1"')[0]
    assert levers.count("<strong>") == 1 and "4 expériences" in levers
    assert "groupé par un modérateur" in levers

    from wiki.pages.service import save_page

    save_page(slug=last.slug, title=last.title, text=last.current.text, author=None)
    again = admin.get("/invariants").get_data(as_text=True)
    levers = again.split('id="lever-1"')[1].split('id="obstacle-1"')[0]
    assert levers.count("<strong>") == 1 and "4 expériences" in levers


def test_a_split_sets_statements_apart_and_refuses_to_empty_a_group(admin, make_experience):
    for title in ("Jardin A", "Jardin B", "Jardin C"):
        make_experience(title, levers=("Le soutien des élus.",))
    html = admin.get("/invariants").get_data(as_text=True)
    group = _groups(_overall(html))[0]
    ids = group.split(",")
    token = csrf_token(admin, "/invariants")

    refused = admin.post(
        "/invariants/groups/split",
        data={"csrf_token": token, "group": group, "apart": ids},
        follow_redirects=True,
    )
    assert refused.status_code == 200
    assert "un groupe ne peut pas rester vide" in refused.get_data(as_text=True)

    done = admin.post(
        "/invariants/groups/split",
        data={"csrf_token": token, "group": group, "apart": ids[:1]},
        follow_redirects=True,
    ).get_data(as_text=True)
    overall = _overall(done)
    assert "2 expériences" in overall and "3 expériences" not in overall

    stale = admin.post(
        "/invariants/groups/merge",
        data={"csrf_token": token, "group": ["999999", "abc"]},
        follow_redirects=True,
    )
    assert stale.status_code == 200 and "rechargez la page" in stale.get_data(as_text=True)


def test_after_a_merge_the_moderator_returns_to_the_selection_they_came_from(
    admin, make_experience
):
    _two_groups(make_experience)
    url = "/invariants?q=jardin&slug=jardin-a&slug=jardin-b&slug=cantine-c&slug=cantine-d"
    html = admin.get(url).get_data(as_text=True)
    levers = html.split('id="lever-1"')[1].split('id="obstacle-1"')[0]
    back = re.search(r'name="back" value="([^"]+)"', levers).group(1).replace("&amp;", "&")

    response = admin.post(
        "/invariants/groups/merge",
        data={"csrf_token": csrf_token(admin, "/invariants"), "group": _groups(levers),
              "kind": "lever-1", "back": back},
    )  # fmt: skip
    assert response.headers["Location"] == back + "#lever-1"
    elsewhere = admin.post(
        "/invariants/groups/merge",
        data={"csrf_token": csrf_token(admin, "/invariants"), "back": "//evil.example/x"},
    )
    assert elsewhere.headers["Location"].startswith("/invariants")
