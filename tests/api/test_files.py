"""/api/v1/pages/<slug>/files lists the photos and documents of a page, as described."""

from __future__ import annotations

from tests.files.conftest import photo
from wiki.files import service
from wiki.files.storage import storage


def test_a_page_s_files_are_listed_with_their_metadata(api, save, user):
    service.upload(
        storage(),
        photo(800, 600),
        filename="verger.jpg",
        uploader=user,
        alt="Le verger",
        credit="Camille Martin",
    )
    service.upload(storage(), b"%PDF-1.4\n%%EOF\n", filename="budget.pdf", uploader=user)
    save(
        "Verger partagé",
        "# Verger\n\n![Le verger](fichier:verger.jpg)\n[Budget](fichier:budget.pdf)\n[Plan](fichier:absent.pdf)\n",
    )
    answer = api("/api/v1/pages/verger-partage/files").get_json()
    assert answer["files_of"]["slug"] == "verger-partage"
    assert [f["name"] for f in answer["items"]] == ["budget.pdf", "verger.jpg"]
    photo_item = answer["items"][1]
    assert photo_item["alt"] == "Le verger" and photo_item["licence"] == "CC-BY-SA-4.0"
    assert [t["width"] for t in photo_item["thumbnails"]] == [320, 640]
    assert (
        answer["items"][0]["mime"] == "application/pdf" and answer["items"][0]["thumbnails"] == []
    )


def test_files_of_a_missing_page_answer_404_as_described(api):
    assert api("/api/v1/pages/nulle-part/files").status_code == 404
