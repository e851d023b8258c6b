"""Notification mails read from a real local SMTP server: immediate, digests, unsubscribe,
refused addresses, retries, and two senders running at once."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select

from tests.conftest import csrf_token, log_in
from tests.social.conftest import edit
from wiki.models import Page, utcnow
from wiki.social import digests, follows, notices, outbox
from wiki.social.models import Notification, NotificationSettings, OutgoingMail


def _send(app):
    """`essaim notify send`, as cron or the systemd timer runs it."""
    result = CliRunner().invoke(app.cli, ["notify", "send"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _mode(db, user, mode):
    settings = follows.settings_for(user)
    settings.mail_mode = mode
    db.session.merge(settings)
    db.session.commit()


def _body(message) -> str:
    return message.get_body().get_content()


def test_immediate_mail_tells_of_an_edit_once_and_never_of_ones_own(app, db, inbox, people, jardin):
    camille, dominique = people
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    follows.follow(dominique, "page", jardin.id)
    edit(jardin, dominique)
    assert "1 mails composed, 1 sent" in _send(app)
    assert inbox.to("dominique@example.org") == []  # her own edit
    (mail,) = inbox.to("camille@example.org")
    assert (
        mail["Subject"] == "Essaim\u00a0: du nouveau sur «\u00a0Jardin partagé des Tilleuls\u00a0»"
    )
    body = _body(mail)
    assert "Bonjour camille," in body
    assert "* Jardin partagé des Tilleuls — 1 modification (dominique)" in body
    assert "http://essaim.test/wiki/jardin-partage-des-tilleuls" in body
    assert mail["List-Unsubscribe"].startswith("<http://essaim.test/unsubscribe/")
    # Run again: nothing new, nothing sent twice.
    assert "0 mails composed, 0 sent" in _send(app)
    assert len(inbox.messages) == 1


def test_daily_digest_waits_for_its_day_then_sums_up(app, db, inbox, people, jardin):
    camille, dominique = people
    follows.follow(camille, "theme", "alimentation")
    edit(jardin, dominique)
    _send(app)
    (first,) = inbox.to("camille@example.org")  # the first digest goes at once
    assert "1 changement" in first["Subject"]
    edit(jardin, dominique, "Deuxième ajout.")
    edit(jardin, dominique, "Troisième ajout.")
    _send(app)
    assert len(inbox.to("camille@example.org")) == 1  # not before a day has passed
    settings = db.session.get(NotificationSettings, camille.id)
    settings.last_digest_at = utcnow() - timedelta(hours=23, minutes=45)
    db.session.commit()
    _send(app)
    second = inbox.to("camille@example.org")[1]
    assert second["Subject"] == ("Essaim\u00a0: 2 changements sur les pages que vous suivez")
    assert "2 modifications (dominique)" in _body(second)


def test_a_digest_of_ten_thousand_changes_is_a_summary(app, db, inbox, people, jardin):
    camille, dominique = people
    _mode(db, camille, "weekly")
    pages = [jardin.id]
    for n in range(59):
        page = Page(slug=f"page-{n}", title=f"Expérience n°{n}", short_code=f"zz{n:04d}")
        db.session.add(page)
        db.session.flush()
        pages.append(page.id)
    rows = [
        {
            "user_id": camille.id,
            "kind": "edit",
            "page_id": jardin.id if i % 3 == 0 else pages[i % len(pages)],
            "actor_id": dominique.id,
            "reason": "theme:alimentation",
            "created_at": utcnow(),
            "mail_state": "pending",
        }
        for i in range(10_000)
    ]
    db.session.execute(insert(Notification), rows)
    db.session.commit()
    _send(app)
    (mail,) = inbox.to("camille@example.org")
    body = _body(mail)
    assert "10000 changements" in mail["Subject"]
    distinct = len({row["page_id"] for row in rows})  # 41: the garden and 40 others
    assert f"10000 changements sur {distinct} pages\u00a0:" in body
    assert body.count("\n* ") == digests.LISTED_PAGES
    assert f"… et {distinct - digests.LISTED_PAGES} autres pages modifiées." in body
    # The busiest page first.
    assert body.split("\n* ")[1].startswith("Jardin partagé des Tilleuls — ")
    assert len(body) < 10_000


def test_unsubscribe_link_works_once_without_login_and_refuses_an_altered_one(
    app, db, client, inbox, people, jardin
):
    camille, dominique = people
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    _send(app)
    link = re.search(r"http://essaim\.test(/unsubscribe/\S+)", _body(inbox.messages[0])).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Arrêter les courriels" in page.get_data(as_text=True)
    token = csrf_token(client, link)
    done = client.post(link, data={"csrf_token": token})
    assert "ne vous envoie plus de courriel" in done.get_data(as_text=True)
    assert follows.settings_for(camille).mail_mode == "off"
    # Replayed: said to be done already, nothing changes.
    again = client.get(link)
    assert again.status_code == 200 and "C’est fait" in again.get_data(as_text=True)
    # Altered: refused kindly.
    altered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    refused = client.get(altered)
    assert refused.status_code == 400
    assert "n’est pas valide" in refused.get_data(as_text=True)
    # No more mail, but the site still shows the notification.
    edit(jardin, dominique, "Encore un ajout.")
    _send(app)
    assert len(inbox.messages) == 1
    assert notices.unread_count(camille) == 2


def test_a_refused_address_is_marked_mail_stops_and_the_site_says_so(
    app, db, client, inbox, people, jardin
):
    camille, dominique = people
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    inbox.refuse.add("camille@example.org")
    edit(jardin, dominique)
    assert "1 failed" in _send(app)
    settings = db.session.get(NotificationSettings, camille.id)
    assert settings.bounced_address == "camille@example.org"
    edit(jardin, dominique, "Encore.")
    assert "0 mails composed" in _send(app)
    log_in(client, "camille")
    html = client.get("/notifications").get_data(as_text=True)
    assert "a refusé votre adresse camille@example.org" in html
    # Told once, in the header count too, whatever page the person visits next.
    assert "Le serveur de courriel a refusé votre adresse électronique" in html
    assert [n.kind for n in notices.listing(camille).notifications].count("bounce") == 1
    # A new address: mail starts again.
    camille.email = "camille@autre.example.org"
    db.session.commit()
    edit(jardin, dominique, "Et encore.")
    _send(app)
    assert len(inbox.to("camille@autre.example.org")) == 1


def test_a_failing_server_is_tried_again_later_and_the_mail_is_sent_once(
    app, db, inbox, people, jardin
):
    camille, dominique = people
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    inbox.down = True
    edit(jardin, dominique)
    assert "1 to retry" in _send(app)
    assert inbox.messages == []
    inbox.down = False
    assert "0 sent" in _send(app)  # not yet: it waits before trying again
    row = db.session.scalar(select(OutgoingMail))
    row.next_attempt_at = utcnow()
    db.session.commit()
    assert "1 sent" in _send(app)
    assert len(inbox.messages) == 1
    assert db.session.scalar(select(OutgoingMail.attempts)) == 2


def test_two_senders_at_once_send_each_mail_once(app, db, inbox, people, jardin):
    """Two `essaim notify send` in parallel on the same database (threads, own sessions)."""
    camille, dominique = people
    for n in range(40):
        outbox.enqueue(f"lecteur{n}@example.org", f"Message {n}", "Bonjour.", kind="contact")
    db.session.commit()
    results = []
    barrier = threading.Barrier(2)

    def sender():
        with app.app_context():
            barrier.wait()
            results.append(outbox.deliver(limit=100).sent)
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 40
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert len(subjects) == 40 and len(set(subjects)) == 40
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutgoingMail.state == "sent")) == 40


def test_an_address_with_an_injected_header_is_marked_invalid_and_never_sent(
    app, db, inbox, people, jardin
):
    camille, dominique = people
    camille.email = "camille@example.org\nBcc: tout-le-monde@example.org"
    db.session.commit()
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    assert "1 failed" in _send(app)
    assert inbox.messages == []
    assert db.session.get(NotificationSettings, camille.id).bounced_address == camille.email


@pytest.mark.parametrize(
    "token", ["forged", "eyJ1IjoxLCJ2IjowfQ.forged", "x" * 2000, "%00", "..%2F..%2Fetc"]
)
def test_forged_unsubscribe_links_are_refused_cleanly(client, people, token):
    response = client.get(f"/unsubscribe/{token}")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "n’est pas valide" in response.get_data(as_text=True)
    assert all(follows.settings_for(p).mail_mode == "daily" for p in people)


def test_prune_forgets_old_read_notifications_and_sent_mails_only(app, db, inbox, people, jardin):
    camille, dominique = people
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    edit(jardin, dominique, "Deuxième.")
    _send(app)
    first, second = notices.listing(camille).notifications
    notices.mark_read(camille, first.id)
    for row in db.session.scalars(select(Notification)):
        row.created_at -= timedelta(days=200)
    for row in db.session.scalars(select(OutgoingMail)):
        row.created_at -= timedelta(days=200)
    db.session.commit()
    result = CliRunner().invoke(app.cli, ["notify", "prune", "--days", "180"])
    assert "1 read notifications and 1 sent mails deleted." in result.output
    assert [n.id for n in notices.listing(camille).notifications] == [second.id]  # unread kept


def test_a_mail_that_cannot_be_written_fails_alone_and_the_others_go(app, db, inbox, people):
    outbox.enqueue(
        "lea@example.org", "Question", "Bonjour.", kind="contact", reply_to="a@b.org\nBcc: x@y.org"
    )
    outbox.enqueue("noe@example.org", "Question", "Bonjour.", kind="contact")
    db.session.commit()
    assert "1 sent, 0 to retry, 1 failed" in _send(app)
    assert [m["To"] for m in inbox.messages] == ["noe@example.org"]
    assert follows.settings_for(people[0]).bounced_address is None


def test_a_mail_program_unsubscribes_in_one_click_without_a_form(
    app, db, client, inbox, people, jardin
):
    """RFC 8058: the program POSTs "List-Unsubscribe=One-Click" to the link of the header."""
    camille, dominique = people
    _mode(db, camille, "immediate")
    follows.follow(camille, "page", jardin.id)
    edit(jardin, dominique)
    _send(app)
    (mail,) = inbox.messages
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>").split("essaim.test", 1)[1]
    response = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert follows.settings_for(camille).mail_mode == "off"
    # A forged link posted the same way is refused.
    forged = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    assert client.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 400
