"""/api/v1/pages/<slug>/revisions and /api/v1/revisions/<id>: the history, newest first."""

from __future__ import annotations

from wiki.moderation.service import set_revision_hidden


def test_history_is_sliced_newest_first_with_author_comment_and_size(api, save):
    texts = [
        "# Jardin\n\nUn jardin.",
        "# Jardin\n\nUn jardin partagé.",
        "# Jardin\n\nUn jardin partagé, ouvert à tous.",
    ]
    first = save("Jardin partagé", texts[0])
    save("Jardin partagé", texts[1], slug="jardin-partage", comment="Précision")
    last = save("Jardin partagé", texts[2], slug="jardin-partage", comment="Ouverture à tous")

    newest = api("/api/v1/pages/jardin-partage/revisions?per_page=2").get_json()
    oldest = api(newest["next"]).get_json()

    assert newest["history_of"]["slug"] == "jardin-partage"
    assert newest["total"] == 3
    assert [r["comment"] for r in newest["items"]] == ["Ouverture à tous", "Précision"]
    assert newest["items"][0]["id"] == last.id and newest["items"][0]["current"] is True
    assert newest["items"][0]["author"] == "camille"
    assert newest["items"][0]["size"] == len(texts[2].encode("utf-8"))
    assert [r["id"] for r in oldest["items"]] == [first.id]
    assert oldest["items"][0]["number"] == 1


def test_revision_gives_its_text_and_its_page(api, save):
    first = save("Jardin partagé", "# Jardin\n\nUn jardin.")
    save("Jardin partagé", "# Jardin\n\nUn jardin partagé.", slug="jardin-partage")

    revision = api(f"/api/v1/revisions/{first.id}").get_json()

    assert revision["text"] == "# Jardin\n\nUn jardin."
    assert revision["page"]["slug"] == "jardin-partage"
    assert revision["current"] is False
    assert revision["parent_id"] is None


def test_unknown_revision_is_a_404_in_json(api):
    response = api("/api/v1/revisions/999999")

    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": 404,
        "message": "Revision 999999 does not exist.",
    }


def test_hidden_revision_is_listed_but_its_text_is_refused_as_on_the_site(api, client, save):
    spam = save("Jardin partagé", "# Jardin\n\nPublicité pour un casino.")
    save("Jardin partagé", "# Jardin\n\nUn jardin.", slug="jardin-partage")
    set_revision_hidden(spam, True)

    listed = api("/api/v1/pages/jardin-partage/revisions").get_json()["items"]
    response = api(f"/api/v1/revisions/{spam.id}")

    assert [r["hidden"] for r in listed] == [False, True]
    assert response.status_code == 403
    assert "casino" not in response.get_data(as_text=True)
    assert client.get(f"/r/{spam.id}", follow_redirects=True).status_code == 403
