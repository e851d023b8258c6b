"""Footnotes cited outside the page body: in the "In short" box and on printed sheets.

The body is rendered with mistune's footnotes plugin (numbered notes at its end). But the levers,
obstacles and sheet excerpts are plain text taken from one section, where the definitions
(`[^1]: …`, at the end of the page) are out of reach: their markers stayed raw ("élus[^1]").
Here they become numbered calls: linked to the body's notes on the page, and on a printed sheet
numbered in the order the sheet cites them, with the note texts listed on the sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# As mistune reads them: `[^label]: text`, continued by indented lines; labels without spaces.
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*([^\n]*(?:\n(?:[ ]{2,}|\t)[^\n]*)*)", re.M)
_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_CUT_CALL = re.compile(r"\s*\[\^?[^\]\s]*$")  # a call cut in two by shortening


def _key(label: str) -> str:
    return label.lower()  # mistune's footnote keys ignore case


def definitions(body: str) -> dict[str, str]:
    """The note texts of a body by label (Markdown, continuation lines joined)."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(body):
        found.setdefault(_key(match.group(1)), " ".join(match.group(2).split()))
    return found


def without_definitions(text: str) -> str:
    return _DEFINITION.sub("", text)


def page_numbers(body: str) -> dict[str, int]:
    """Numbers of the notes as the rendered body shows them (order of first call)."""
    defined = definitions(body)
    numbers: dict[str, int] = {}
    for match in _CALL.finditer(_DEFINITION.sub("", body)):
        key = _key(match.group(1))
        if key in defined and key not in numbers:
            numbers[key] = len(numbers) + 1
    return numbers


def _with_calls(text: str, number_of, call: Markup) -> Markup:
    """`text` escaped, each call to a known note replaced by `call` formatted with its number
    (a call to no note is dropped: mistune would show it raw, and there is nothing to show)."""
    parts, last = [], 0
    for match in _CALL.finditer(text):
        parts.append(escape(text[last : match.start()]))
        number = number_of(_key(match.group(1)))
        if number is not None:
            parts.append(call.format(number=number))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


_LINKED = Markup('<sup class="footnote-ref"><a href="#fn-{number}">{number}</a></sup>')
_PRINTED = Markup('<sup class="fn-call">{number}</sup>')


def linked(text: str, numbers: dict[str, int]) -> Markup:
    """Plain text with its calls as links to the body's notes (escaped, safe to show)."""
    return _with_calls(text, numbers.get, _LINKED)


def without_calls(text: str) -> str:
    return _CALL.sub("", text)


def trim_cut_call(text: str) -> str:
    """Text shortened in the middle of a call ("élus[^1" …) loses the broken call."""
    return _CUT_CALL.sub("", text)


@dataclass
class Cited:
    """The notes a printed sheet cites, numbered from 1 in the order the sheet cites them."""

    texts: dict[str, str]  # label -> plain text of the note
    numbers: dict[str, int] = field(default_factory=dict)

    def mark(self, text: str) -> Markup:
        def number_of(key: str) -> int | None:
            if key not in self.texts:
                return None
            return self.numbers.setdefault(key, len(self.numbers) + 1)

        return _with_calls(text, number_of, _PRINTED)

    @property
    def listed(self) -> list[tuple[int, str]]:
        return sorted((number, self.texts[key]) for key, number in self.numbers.items())
