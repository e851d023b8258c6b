"""A volunteer drops a photo of the orchard into the editor, describes it, saves: the page
shows the thumbnail, on a desktop and on a phone."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from tests.browser.test_pages import register, save
from tests.files.conftest import photo

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ESSAIM_SCREENSHOTS", "/tmp/essaim-screenshots"))

DROP = """([data, name]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const file = new File([bytes], name, {type: "image/jpeg"});
  const transfer = new DataTransfer();
  transfer.items.add(file);
  const area = document.querySelector("#body");
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
  for (const type of ["dragenter", "dragover", "drop"]) {
    area.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""


def drop_photo_and_save(page, base, slug, title):
    page.goto(f"{base}/wiki/{slug}/edit?title={title}")
    page.fill("#body", f"# {title}\n\nLe verger a été planté en 2021.\n")
    picture = base64.b64encode(photo(2400, 1800, orientation=6)).decode()
    page.evaluate(DROP, [picture, "IMG_20240412_101500.jpg"])
    dialog = page.locator("#upload-dialog")
    dialog.wait_for(state="visible")
    # The description is required for a picture: sending without it says so, sends nothing.
    page.click("#upload-send")
    assert "texte alternatif" in page.locator("#upload-error").inner_text()
    page.fill("#upload-alt", "Des bénévoles plantent des pommiers dans le verger")
    page.fill("#upload-credit", "Camille Martin")
    page.click("#upload-send")
    dialog.wait_for(state="hidden")
    body = page.input_value("#body")
    assert (
        "![Des bénévoles plantent des pommiers dans le verger](fichier:img-20240412-101500.jpg)"
        in body
    )
    assert "ajouté" in page.locator("#upload-status").inner_text()
    # The preview shows it before saving.
    page.click("#tab-preview")
    page.locator("#panel-preview img.file-image").wait_for()
    page.click("#tab-write")
    save(page)


def test_a_photo_dropped_in_the_editor_shows_as_a_thumbnail(page, live_server):
    base = live_server
    register(page, base, "Camille")
    drop_photo_and_save(page, base, "verger-partage", "Verger partagé")
    image = page.locator(".content img.file-image")
    image.wait_for()
    assert image.get_attribute("alt") == "Des bénévoles plantent des pommiers dans le verger"
    assert image.get_attribute("loading") == "lazy"
    assert "/320/" in image.get_attribute("srcset")
    page.wait_for_function("document.querySelector('.content img.file-image').complete")
    current = page.evaluate("document.querySelector('.content img.file-image').currentSrc")
    assert current.endswith(".webp")  # a thumbnail, not the 1800 px original
    # The photo stood upright (EXIF orientation 6): 1800 wide once turned.
    assert image.get_attribute("width") == "1800"


def test_on_a_phone_the_page_loads_a_small_thumbnail(phone_page, live_server):
    base = live_server
    page = phone_page
    register(page, base, "Dominique")
    drop_photo_and_save(page, base, "verger-du-centre", "Verger du centre")
    image = page.locator(".content img.file-image")
    image.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.content img.file-image').complete")
    box = image.bounding_box()
    assert box["width"] <= 390
    current = page.evaluate("document.querySelector('.content img.file-image').currentSrc")
    assert current.endswith(".webp") and ("/640/" in current or "/1280/" in current)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "files-phone-page.png"), full_page=True)
