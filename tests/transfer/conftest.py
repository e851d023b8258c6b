"""Fixtures of the import tests: the shipped sample dumps and a way to run `essaim import`."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

DATA = Path(__file__).parent.parent / "data"
MEDIAWIKI = DATA / "mediawiki"

SITEINFO = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="fr">
  <siteinfo><sitename>Essais</sitename><dbname>essais</dbname><base>x</base>
    <generator>MediaWiki 1.39</generator><case>first-letter</case>
    <namespaces><namespace key="0" case="first-letter" />
      <namespace key="14" case="first-letter">Catégorie</namespace></namespaces>
  </siteinfo>
"""


def page_xml(title: str, revisions: list[tuple[int, str]], ns: int = 0, page_id: int = 1) -> str:
    """A <page> of a dump with the given (revision id, wikitext) pairs."""
    from xml.sax.saxutils import escape

    parts = [f"<page><title>{escape(title)}</title><ns>{ns}</ns><id>{page_id}</id>"]
    for number, (revision_id, text) in enumerate(revisions):
        parts.append(
            f"<revision><id>{revision_id}</id>"
            f"<timestamp>2021-0{1 + number % 9}-01T10:00:00Z</timestamp>"
            f"<contributor><username>Auteur {number}</username><id>{number + 1}</id></contributor>"
            f"<model>wikitext</model><format>text/x-wiki</format>"
            f'<text xml:space="preserve">{escape(text)}</text></revision>'
        )
    parts.append("</page>\n")
    return "".join(parts)


def dump_xml(*pages: str) -> str:
    return SITEINFO + "".join(pages) + "</mediawiki>\n"


@pytest.fixture
def run(app):
    """`essaim …` in this test's wiki; returns click's result."""

    def invoke(*args):
        result = app.test_cli_runner().invoke(args=[str(a) for a in args])
        # French typography puts non-breaking spaces before ":" and inside « »; the tests
        # read the words (tests/test_i18n.py checks the typography).
        return SimpleNamespace(
            exit_code=result.exit_code, output=result.output.replace("\xa0", " ")
        )

    return invoke
