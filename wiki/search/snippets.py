"""Snippets of the hits: where the query's words were found, and that text with them marked."""

from __future__ import annotations

import bisect

from markupsafe import Markup
from whoosh import highlight, query

from wiki.search.analysis import marked_tokens, stems
from wiki.search.schema import SECTION_FIELDS

# Snippets and "matched in" look at the first 20,000 characters of a field: a 1 MB page among
# the hits would otherwise be analysed whole, for every search that shows it.
SNIPPET_SCAN_CHARS = 20_000

_MATCH_ORDER = (*SECTION_FIELDS, "body", "title")


def snippet(stored: dict, terms: dict[str, set[str]], matched_in: str) -> tuple[Markup, str]:
    """The snippet of a hit, as HTML with the query's words marked and as plain text.

    From the section where the words were found (`matched_in`), else the start of the body.
    """
    source = matched_in if matched_in in (*SECTION_FIELDS, "body") else "body"
    html = plain = ""
    if matched_in in (*SECTION_FIELDS, "body"):
        html = _highlight(stored.get(source) or "", _words_for(terms, source), source, _HTML)
        plain = Markup(html).striptags()  # noqa: S704 (escaped by Whoosh, see below)
    if not html:
        text = stored.get(source) or stored.get("body", "")
        plain = _start_of(text)
        html = Markup.escape(plain)
    # Whoosh's HtmlFormatter escapes the page text; only its own <mark> tags are HTML.
    return Markup(html), plain  # noqa: S704


def query_words(parsed: query.Query) -> dict[str, set[str]]:
    """Indexed words of the query's positive terms, by field ("content" for plain words)."""
    words: dict[str, set[str]] = {}
    for name, text in _positive_terms(parsed):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        words.setdefault(name, set()).add(text)
    return words


def _words_for(terms: dict[str, set[str]], name: str) -> set[str]:
    """The query words that may have matched in stored field `name` of a hit."""
    return terms.get("content", set()) | terms.get(name, set())


def matched_field(stored: dict, terms: dict[str, set[str]]) -> str:
    """The part of a hit where most query words occur (sections first on a tie, title last).

    Plain words are searched in the catch-all "content" field, which cannot say where a word
    was: the stored texts of the shown hits (20 or so) are looked at instead.
    """
    if not terms:
        return ""
    best, best_count = "", 0
    for name in _MATCH_ORDER:
        words = _words_for(terms, name)
        text = stored.get(name)
        if not words or not text or len(words) <= best_count:
            continue  # (holding all its words, it would still not pass the best: not read)
        count = len(words & stems(text[:SNIPPET_SCAN_CHARS]))
        if count > best_count:
            best, best_count = name, count
    return best


def _positive_terms(q: query.Query):
    """(field, text) of the terms a matching document may contain (not those under NOT)."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _positive_terms(q.a)
        return
    if q.is_leaf():
        try:
            yield from q.terms(phrases=True)
        except Exception:
            return
        return
    for child in q.children():
        yield from _positive_terms(child)


_HTML = highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")
_FRAGMENTERS = {
    # One lever or obstacle is one line: the snippet is the statement itself.
    "section": None,  # set below: LineFragmenter
    "body": highlight.ContextFragmenter(maxchars=240, surround=60),
}


class LineFragmenter(highlight.Fragmenter):
    """One fragment per line holding a match: section fields store one lever or obstacle a line.

    Whoosh's SentenceFragmenter cannot do this: it never breaks after "." followed by "\n" (two
    end characters in a row read as "...").
    """

    def fragment_tokens(self, text, tokens):
        line_ends = [i for i, char in enumerate(text) if char == "\n"] + [len(text)]
        matched: dict[int, list] = {}
        for token in tokens:
            if token.matched:
                line = bisect.bisect_left(line_ends, token.startchar)
                matched.setdefault(line, []).append(token.copy())
        for line, found in sorted(matched.items()):
            start = line_ends[line - 1] + 1 if line else 0
            yield highlight.mkfrag(text, found, startchar=start, endchar=line_ends[line])


_FRAGMENTERS["section"] = LineFragmenter()


def _highlight(text: str, words: set[str], name: str, formatter) -> str:
    """Fragments of a stored text around the query's words, as Whoosh's highlight_hit makes.

    highlight_hit() takes the query terms of the field being shown, and plain words are in
    "content": the words are given here instead.
    """
    if not text or not words:
        return ""
    text = text[:SNIPPET_SCAN_CHARS]
    fragmenter = _FRAGMENTERS["body" if name == "body" else "section"]
    highlighter = highlight.Highlighter(fragmenter=fragmenter, formatter=formatter)
    try:
        # The analyzer's tokens marked as set_matched_filter() does. Whoosh's highlighter then
        # merges overlapping matched tokens: words (\w+) never overlap, there is nothing to merge.
        tokens = marked_tokens(text, frozenset(words))
        fragments = fragmenter.fragment_tokens(text, tokens)
        fragments = highlight.top_fragments(
            fragments, 2, highlighter.scorer, highlighter.order, minscore=1
        )
        return formatter.format(fragments)
    except Exception:
        return ""


def _start_of(text: str, length: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"
