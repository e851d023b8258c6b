"""The JSON shape of files for /api/v1 (wiki.api.views)."""

from __future__ import annotations

from flask import url_for

from wiki.files import display, service
from wiki.models import Page


def files_of_page(page: Page) -> list[dict]:
    items = []
    for file in service.files_of_page(page):
        version = service.visible_version(file)
        if version is not None:
            items.append(file_entry(file, version))
    return items


def file_entry(file, version) -> dict:
    return {
        "name": file.name,
        "kind": file.kind,
        "version": version.number,
        "mime": version.mime,
        "size": version.size,
        "width": version.width,
        "height": version.height,
        "alt": version.alt,
        "credit": version.credit,
        "licence": version.licence,
        "uploaded_at": version.created_at.isoformat() + "Z",
        "url": url_for("files.view", name=file.name, _external=True),
        "content_url": display.content_url(version, external=True),
        "thumbnails": [
            {"width": w, "url": display.thumbnail_url(version, w, external=True)}
            for w in version.widths
        ],
    }
