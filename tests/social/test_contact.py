"""“Contacter les porteurs”: a message by mail, nobody's address shown, declining allowed."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, log_in
from tests.social.conftest import RAISMES
from wiki.pages.service import save_page
from wiki.social import follows


def _write(client, slug, text="Bonjour ! Comment avez-vous financé les bacs ?"):
    url = f"/wiki/{slug}/contact"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "text": text})


def _send(app):
    from click.testing import CliRunner

    return CliRunner().invoke(app.cli, ["notify", "send"], catch_exceptions=False).output


def test_the_front_matter_contact_gets_the_mail_and_its_address_is_never_shown(
    app, client, inbox, people, db
):
    text = RAISMES.replace(
        "status: en cours", "status: en cours\ncontact: porteurs@raismes.example"
    )
    page = save_page(slug=None, title="Jardin des Tilleuls", text=text, author=None).page
    html = client.get(f"/wiki/{page.slug}").get_data(as_text=True)
    assert "porteurs@raismes.example" not in html
    assert "Contacter les porteurs" in html
    log_in(client, "camille")
    form = client.get(f"/wiki/{page.slug}/contact").get_data(as_text=True)
    assert "porteurs@raismes.example" not in form
    response = _write(client, page.slug)
    assert response.status_code == 302
    assert inbox.messages == []  # sent off the request path
    _send(app)
    (mail,) = inbox.messages
    assert mail["To"] == "porteurs@raismes.example"
    assert mail["Reply-To"] == "camille@example.org"
    assert "Comment avez-vous financé les bacs" in mail.get_body().get_content()
    # The contact declines: no more messages, and the form says nobody can be reached.
    link = re.search(r"http://essaim\.test(/contact/decline/\S+)", mail.get_body().get_content())
    decline = link.group(1)
    client.post(decline, data={"csrf_token": csrf_token(client, decline)})
    assert _write(client, page.slug).status_code == 409
    assert "Personne ne peut être joint" in client.get(f"/wiki/{page.slug}/contact").get_data(
        as_text=True
    )


def test_without_contact_the_main_authors_get_it_unless_they_declined(
    app, client, inbox, people, db, make_user
):
    camille, dominique = people
    page = save_page(slug=None, title="Jardin des Tilleuls", text=RAISMES, author=dominique).page
    claude = make_user("claude")
    log_in(client, "camille")
    assert _write(client, page.slug).status_code == 302
    _send(app)
    assert [m["To"] for m in inbox.messages] == ["dominique@example.org"]
    for url in (f"/wiki/{page.slug}", f"/wiki/{page.slug}/contact"):
        assert "dominique@example.org" not in client.get(url).get_data(as_text=True)
    settings = follows.settings_for(dominique)
    settings.accept_contact = False
    db.session.merge(settings)
    db.session.commit()
    assert _write(client, page.slug).status_code == 409
    # Someone without a confirmed address cannot write (the answer would go nowhere).
    log_in(client, "claude", "un mot de passe solide")
    assert claude.email is None
    assert _write(client, page.slug).status_code in (403, 409)


def test_contacting_is_rate_limited(app, tmp_path, inbox, people, db):
    from tests.conftest import make_app

    page = save_page(slug=None, title="Jardin des Tilleuls", text=RAISMES, author=people[1]).page
    limited = make_app(tmp_path, RATELIMIT_ENABLED=True)  # same database file
    with limited.app_context():
        client = limited.test_client()
        log_in(client, "camille")
        codes = [_write(client, page.slug).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]  # CONTACT_RATE_LIMIT: 3 per hour
