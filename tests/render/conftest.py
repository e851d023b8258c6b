"""Fixtures for the render tests: the HTML output read back as elements, not as a string."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]


@dataclass
class ParsedHTML:
    elements: list[Element] = field(default_factory=list)
    text: str = ""

    def find_all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def tags(self) -> set[str]:
        return {e.tag for e in self.elements}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parsed = ParsedHTML()
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parsed.elements.append(Element(tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self._text.append(data)

    def close(self):
        super().close()
        self.parsed.text = "".join(self._text)


@pytest.fixture
def parse_html():
    """Return a function reading an HTML fragment into its elements and its text."""

    def parse(fragment: str) -> ParsedHTML:
        collector = _Collector()
        collector.feed(fragment)
        collector.close()
        return collector.parsed

    return parse
