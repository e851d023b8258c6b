"""Following pages, themes, territories and people, and the notifications in the site."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, log_in
from tests.social.conftest import edit
from wiki.social import follows, notices


def _press(client, url, kind, target, action="follow"):
    token = csrf_token(client, url)
    return client.post(
        f"/{action}", data={"csrf_token": token, "kind": kind, "target": target, "next": url}
    )


def test_follow_button_on_a_theme_then_an_edit_by_someone_else_shows_in_the_header(
    app, client, people, jardin
):
    camille, dominique = people
    log_in(client, "camille")
    html = client.get("/themes/alimentation").get_data(as_text=True)
    assert 'name="kind" value="theme"' in html and ">Suivre<" in html.replace("\n", "")
    response = _press(client, "/themes/alimentation", "theme", "alimentation")
    assert response.status_code == 302 and response.headers["Location"] == "/themes/alimentation"
    assert "Suivi ✓" in client.get("/themes/alimentation").get_data(as_text=True)

    edit(jardin, dominique)

    home = client.get("/").get_data(as_text=True)
    assert re.search(r'class="counter"[^>]*>1<', home), "the header counts one unread"
    listing = client.get("/notifications").get_data(as_text=True)
    assert "dominique a modifié «\u00a0Jardin partagé des Tilleuls\u00a0»" in listing
    assert "thème Alimentation" in listing


def test_mes_suivis_lists_what_is_followed_and_unfollowing_removes_it(client, people, jardin):
    log_in(client, "camille")
    _press(client, f"/wiki/{jardin.slug}", "page", str(jardin.id))
    _press(client, "/territories/59491", "territory", "59491")
    _press(client, "/people/dominique", "person", str(people[1].id))
    html = client.get("/follows").get_data(as_text=True)
    assert "Jardin partagé des Tilleuls" in html
    assert "Raismes" in html and "dominique" in html
    _press(client, "/follows", "page", str(jardin.id), action="unfollow")
    html = client.get("/follows").get_data(as_text=True)
    assert "Jardin partagé des Tilleuls" not in html and "Raismes" in html


def test_nobody_is_notified_of_their_own_edit(people, jardin):
    camille, dominique = people
    follows.follow(dominique, "page", jardin.id)
    edit(jardin, dominique)
    assert notices.unread_count(dominique) == 0


def test_editing_a_page_follows_it_unless_switched_off(client, db, people, jardin):
    camille, dominique = people
    edit(jardin, camille)
    assert follows.is_following(camille, "page", jardin.id)
    log_in(client, "dominique")
    token = csrf_token(client, "/notifications/settings")
    client.post(
        "/notifications/settings", data={"csrf_token": token, "mail_mode": "weekly"}
    )  # the box "follow the pages I edit" left unticked
    edit(jardin, dominique)
    assert not follows.is_following(dominique, "page", jardin.id)
    assert follows.settings_for(dominique).mail_mode == "weekly"
    # Camille, who follows since her edit, hears of Dominique's.
    assert notices.unread_count(camille) == 1


def test_territory_and_person_follows_notify_once_each(people, jardin):
    from wiki.pages.service import save_page

    camille, dominique = people
    follows.follow(camille, "territory", "raismes")  # by the name's slug
    follows.follow(camille, "person", dominique.id)
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    assert notices.unread_count(camille) == 1  # one notification, though three follows match
    save_page(slug=None, title="Ailleurs", text="# Ailleurs\n\nRien à voir.", author=dominique)
    assert notices.unread_count(camille) == 2  # a page of a person followed


def test_opening_a_notification_marks_it_read_and_leads_to_the_change(client, people, jardin):
    camille, dominique = people
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    log_in(client, "camille")
    notification = notices.listing(camille).notifications[0]
    response = client.get(f"/notifications/{notification.id}")
    assert response.status_code == 302 and "/diff?" in response.headers["Location"]
    assert notices.unread_count(camille) == 0
    # Someone else's notification: not found, and left unread.
    edit(jardin, dominique, "Encore.")
    log_in(client, "dominique")
    other = notices.listing(camille).notifications[0]
    assert client.get(f"/notifications/{other.id}").status_code == 404
    assert notices.unread_count(camille) == 1


def test_a_follow_of_something_unknown_is_refused_kindly(client, people):
    log_in(client, "camille")
    response = _press(client, "/follows", "planet", "mars")
    assert response.status_code == 400


def test_following_a_department_or_region_from_a_commune_page(client, people, jardin):
    camille, dominique = people
    log_in(client, "camille")
    html = client.get("/territories/59491").get_data(as_text=True)
    assert "tout le département\u00a0: Nord" in html
    assert "toute la région\u00a0: Hauts-de-France" in html
    _press(client, "/territories/59491", "territory", "departement-59")
    edit(jardin, dominique)
    listing = client.get("/notifications").get_data(as_text=True)
    assert "territoire Nord" in listing
    assert "Département\u00a0: Nord" in client.get("/follows").get_data(as_text=True)


def test_the_pages_read_in_english_too(client, people, jardin):
    camille, dominique = people
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    log_in(client, "camille")
    html = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "My notifications" in html
    assert "dominique edited “Jardin partagé des Tilleuls”" in html
    assert "What I follow" in client.get("/follows?lang=en").get_data(as_text=True)
    discussion = client.get(f"/wiki/{jardin.slug}/discussion?lang=en").get_data(as_text=True)
    assert "Publish the message" in discussion
