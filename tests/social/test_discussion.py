"""A page's discussion: threaded Markdown messages, mentions, editing, hiding, big messages."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token, log_in
from wiki.models import AuditEntry
from wiki.social import follows, notices
from wiki.social.models import DiscussionMessage


def _post(client, slug, text, parent_id=None):
    url = f"/wiki/{slug}/discussion"
    data = {"csrf_token": csrf_token(client, url), "text": text}
    if parent_id:
        data["parent_id"] = parent_id
    return client.post(url, data=data)


def _messages(db):
    return db.session.scalars(select(DiscussionMessage).order_by(DiscussionMessage.id)).all()


def test_messages_and_answers_are_threaded_rendered_and_counted_on_the_tab(
    client, db, people, jardin
):
    log_in(client, "camille")
    response = _post(
        client,
        jardin.slug,
        "Comment avez-vous financé les **bacs** ? <script>alert(1)</script> Voir [[Verger]].",
    )
    assert response.status_code == 302 and "#message-" in response.headers["Location"]
    first = _messages(db)[0]
    log_in(client, "dominique")
    _post(client, jardin.slug, "Avec le budget participatif, l’été dernier.", first.id)
    html = client.get(f"/wiki/{jardin.slug}/discussion").get_data(as_text=True)
    assert "<strong>bacs</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="/wiki/verger/edit' in html  # a wiki link to a page still to write
    answer = re.search(r'<li id="message-\d+" class="message depth-1', html)
    assert answer, "the answer is shown one level under the question"
    assert html.index("financé") < html.index("budget participatif")
    page = client.get(f"/wiki/{jardin.slug}").get_data(as_text=True)
    assert re.search(r"Discussion <span class=\"count\">\(2\)</span>", page)


def test_followers_of_the_page_and_mentioned_people_are_told(client, db, people, jardin, make_user):
    camille, dominique = people
    claude = make_user("claude")
    follows.follow(camille, "page", jardin.id)
    log_in(client, "dominique")
    response = _post(client, jardin.slug, "Bonne idée, @claude ! Et @personne-inconnue ?")
    assert response.status_code == 302
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Personne ne s’appelle @personne-inconnue sur Essaim" in listing
    assert "votre message est publié" in listing
    assert notices.listing(camille).notifications[0].kind == "message"
    assert notices.listing(claude).notifications[0].kind == "mention"
    assert notices.unread_count(dominique) == 0
    # Dominique now follows the page she took part in.
    assert follows.is_following(dominique, "page", jardin.id)


def test_an_author_may_change_a_message_for_a_while_and_nobody_else(
    app, client, db, people, jardin
):
    log_in(client, "camille")
    _post(client, jardin.slug, "Premier jet.")
    message = _messages(db)[0]
    url = f"/wiki/{jardin.slug}/discussion/{message.id}/edit"
    token = csrf_token(client, url)
    assert client.post(url, data={"csrf_token": token, "text": "Texte corrigé."}).status_code == 302
    html = client.get(f"/wiki/{jardin.slug}/discussion").get_data(as_text=True)
    assert "Texte corrigé." in html and "modifié" in html
    log_in(client, "dominique")
    assert client.get(url).status_code == 403
    log_in(client, "camille")
    message.created_at -= timedelta(minutes=app.config["DISCUSSION_EDIT_MINUTES"] + 1)
    db.session.commit()
    assert client.get(url).status_code == 403


def test_a_moderator_hides_a_message_and_it_is_logged(client, db, people, jardin, make_user):
    make_user("modeste", role="moderator")
    follows.follow(people[1], "page", jardin.id)  # Dominique, confirmed address, daily mail
    log_in(client, "camille")
    _post(client, jardin.slug, "Achetez des montres pas chères !")
    from wiki.social.models import Notification

    pending = select(Notification.id).where(Notification.mail_state == "pending")
    assert db.session.scalar(pending) is not None
    message = _messages(db)[0]
    log_in(client, "modeste")
    url = f"/wiki/{jardin.slug}/discussion/{message.id}/hide"
    token = csrf_token(client, f"/wiki/{jardin.slug}/discussion")
    assert client.post(url, data={"csrf_token": token, "action": "hide"}).status_code == 302
    # Camille's followers are not mailed the spam hidden before the next `essaim notify send`.
    from wiki.social.models import Notification

    assert (
        db.session.scalar(
            select(Notification.id).where(
                Notification.message_id == message.id, Notification.mail_state == "pending"
            )
        )
        is None
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hide_message"))
    assert entry is not None and entry.target_id == message.id
    log_in(client, "dominique")
    html = client.get(f"/wiki/{jardin.slug}/discussion").get_data(as_text=True)
    assert "montres" not in html and "message masqué par les modérateurs" in html
    assert client.post(url, data={"csrf_token": csrf_token(client, "/follows")}).status_code == 403


def test_a_message_of_one_megabyte_is_refused_kindly_and_kept(client, db, people, jardin):
    log_in(client, "camille")
    text = "Un très long témoignage, l’été. " * 33_000  # about 1 MB
    response = _post(client, jardin.slug, text)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Ce message est trop long" in html and "votre texte est conservé" in html
    assert "Un très long témoignage, l’été. Un très long" in html
    assert _messages(db) == []


def test_an_empty_message_or_an_answer_to_another_page_is_refused(client, db, people, jardin):
    log_in(client, "camille")
    assert _post(client, jardin.slug, "   ").status_code == 400
    assert _post(client, jardin.slug, "Réponse", parent_id=999).status_code == 400
    assert _messages(db) == []


def test_someone_named_when_a_message_is_changed_is_told_once(
    client, db, people, jardin, make_user
):
    claude = make_user("claude")
    log_in(client, "camille")
    _post(client, jardin.slug, "Qui s’occupe du compost ?")
    message = _messages(db)[0]
    url = f"/wiki/{jardin.slug}/discussion/{message.id}/edit"
    for text in ("Qui s’occupe du compost, @claude ?", "Qui s’occupe du compost, @claude ? Merci."):
        client.post(url, data={"csrf_token": csrf_token(client, url), "text": text})
    assert [n.kind for n in notices.listing(claude).notifications] == ["mention"]
