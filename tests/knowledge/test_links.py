"""The link graph: backlinks that survive renames, orphan pages and wanted pages."""

from __future__ import annotations

from wiki.pages.service import rename_page


def backlinks_section(html: str) -> str:
    return html.split("Pages qui pointent ici")[1].split("</section>")[0]


def test_page_lists_the_pages_that_link_to_it(client, make_page):
    make_page("Jardin partagé des Tilleuls", "Un jardin où l’on sème ensemble.")
    make_page("Cantine bio", "Les enfants vont au [[Jardin partagé des Tilleuls|jardin]].")
    make_page("Fête de quartier", "Rendez-vous au [[jardin partagé des tilleuls]] !")
    make_page("Monnaie locale", "Sans lien.")

    html = client.get("/wiki/jardin-partage-des-tilleuls").get_data(as_text=True)

    section = backlinks_section(html)
    assert "Cantine bio" in section and "Fête de quartier" in section
    assert "Monnaie locale" not in section


def test_backlinks_survive_a_rename(client, make_page, user):
    jardin = make_page("Jardin des Tilleuls", "Un jardin.")
    make_page("Cantine bio", "Voir le [[Jardin des Tilleuls]].")
    rename_page(jardin, "Jardin partagé des Tilleuls à Raismes", user)
    make_page("Fête de quartier", "Au [[Jardin partagé des Tilleuls à Raismes]].")

    html = client.get("/wiki/jardin-partage-des-tilleuls-a-raismes").get_data(as_text=True)

    section = backlinks_section(html)
    assert "Cantine bio" in section and "Fête de quartier" in section


def test_page_without_backlinks_says_so(client, make_page):
    make_page("Page seule", "Personne ne me cite.")

    html = client.get("/wiki/page-seule").get_data(as_text=True)

    assert "Aucune page ne pointe encore ici." in backlinks_section(html)


def test_orphans_are_pages_no_other_page_links_to(client, make_page, user):
    make_page(
        "Accueil des expériences", "Voir [[Jardin des Tilleuls]] et [[Page qui s’écrit elle-même]]."
    )
    jardin = make_page("Jardin des Tilleuls", "Un jardin.")
    make_page("Page qui s’écrit elle-même", "Je me cite : [[Page qui s’écrit elle-même]].")
    make_page("Œuvre oubliée", "Je me cite : [[Œuvre oubliée]].")
    rename_page(jardin, "Jardin partagé des Tilleuls", user)  # linked by its old title still

    html = client.get("/special/orphans").get_data(as_text=True)

    assert "Œuvre oubliée" in html  # a link to itself does not count
    assert "Accueil des expériences" in html
    assert "Jardin partagé des Tilleuls" not in html
    assert "Page qui s’écrit elle-même</a>" not in html


def test_wanted_pages_count_the_pages_that_link_to_a_missing_title(client, make_page):
    make_page("Cantine bio", "Voir le [[Groupement d’achat de semences]] et [[Maraîchage]].")
    make_page("Jardin", "Le [[groupement d’achat de semences]] arrive.")
    make_page("Maraîchage", "Existe déjà.")

    html = client.get("/special/wanted").get_data(as_text=True)

    row = html.split("Groupement d’achat de semences</a>")[1].split("</tr>")[0]
    assert "<td>2</td>" in row
    assert "Cantine bio" in row and "Jardin" in row
    assert "Maraîchage</a></th>" not in html
    assert "/wiki/groupement-dachat-de-semences/edit?title=" in html


def test_link_to_the_old_title_of_a_renamed_page_is_not_wanted(client, make_page, user):
    ancien = make_page("Repair café", "Réparer ensemble.")
    make_page("Ressourcerie", "Avec le [[Repair café]].")
    rename_page(ancien, "Repair café de la Croix-Rousse", user)

    html = client.get("/special/wanted").get_data(as_text=True)

    assert "Repair café" not in html
    assert "Aucun lien ne pointe vers une page manquante." in html
