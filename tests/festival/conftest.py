"""Festival fixtures: an app with a public address, and experience pages short or very long."""

from __future__ import annotations

import io
import shutil

import pytest

from tests.conftest import make_app
from wiki.extensions import db as _db

PUBLIC = "https://essaim.example.org"

SHORT = """---
type: experience
territory: Saint-Julien
themes: [alimentation]
status: en cours
---
# Verger partagé de Saint-Julien

## Contexte

Un verger communal replanté par les habitants.

## Leviers

- Le soutien des élus

## Verrous

- L'arrosage l'été

## Contacts et ressources

- Mairie de Saint-Julien
"""


def long_text(words: int = 40, items: int = 30) -> str:
    sentence = " ".join(["Les habitants ont planté des arbres fruitiers anciens"] * (words // 8))
    levers = "\n".join(f"- Levier numéro {i} : {sentence}" for i in range(items))
    obstacles = "\n".join(f"- Verrou numéro {i} : {sentence}" for i in range(items))
    context = "\n\n".join([sentence * 3] * 12)
    contacts = "\n".join(f"- Contact {i} : {sentence}" for i in range(items))
    return (
        "---\ntype: experience\nterritory: Raismes\ninsee: '59491'\n"
        "themes: [alimentation, gouvernance, énergie, habitat]\nstatus: en cours\n---\n"
        "# Un très long récit d'expérience qui n'en finit pas\n\n"
        f"## Contexte\n\n{context}\n\n## Ce qui a été fait\n\n{context}\n\n"
        f"## Leviers\n\n{levers}\n\n## Verrous\n\n{obstacles}\n\n"
        f"## Pour essaimer\n\n{context}\n\n## Contacts et ressources\n\n{contacts}\n"
    )


@pytest.fixture
def app(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "essaim.db")
    app = make_app(tmp_path, PUBLIC_URL=PUBLIC + "/")
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def short_page(make_page):
    return make_page(title="Verger partagé de Saint-Julien", text=SHORT)


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF"), data[:100]
    return len(PdfReader(io.BytesIO(data)).pages)


def decode_png(data: bytes) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR codes")
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    return [result.text for result in zxingcpp.read_barcodes(image)]
