"""Synonyms and abbreviations of the field, applied to plain words at query time.

The list is text, one rule a line (format in wiki/search/data/synonyms.txt, the list shipped with
Essaim): "a, b, c" makes the terms equivalent, "a => b, c" lets a search for a also find b and c.
Administrators edit it from /admin/search/synonyms; each saved version is a row of
SearchSynonyms, the newest one in use. A list that cannot be read is refused whole, with the
number of its first faulty line, and the list in use stays as it was.

Terms are compared by their indexed forms (french_analyzer: accents, case, plurals and stop words
do not count), so "Restaurations scolaires" matches the rule written "restauration scolaire".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from wiki.search.analysis import french_analyzer

SHIPPED = Path(__file__).parent / "data" / "synonyms.txt"

MAX_CHARS = 100_000
MAX_LINES = 2_000
MAX_LINE_CHARS = 500
MAX_TERMS = 20  # on one line
MAX_WORDS = 8  # in one term
ARROW = "=>"


@dataclass(frozen=True)
class Term:
    text: str  # as written in the list: "restauration scolaire"
    words: tuple[str, ...]  # its indexed forms: ("restauration", "scolair")


@dataclass
class Vocabulary:
    """Typed term (its indexed forms) -> the other terms a search for it also finds."""

    expansions: dict[tuple[str, ...], list[Term]] = field(default_factory=dict)
    longest: int = 0  # most words of a typed term

    def expansions_in(self, words: list[str]) -> list[tuple[int, int, list[Term]]]:
        """(start, end, terms) of each rule's term found in `words` (indexed forms), longest
        first, left to right, without overlaps."""
        found, start = [], 0
        while start < len(words):
            for end in range(min(len(words), start + self.longest), start, -1):
                terms = self.expansions.get(tuple(words[start:end]))
                if terms:
                    found.append((start, end, terms))
                    start = end
                    break
            else:
                start += 1
        return found

    def linked(self, a: str, b: str) -> bool:
        """Whether a search for `a` also finds `b` (both as written)."""
        key, target = _words(a), _words(b)
        return any(term.words == target for term in self.expansions.get(key, ()))


class VocabularyError(ValueError):
    """A list that cannot be used; `line` is the number of its first faulty line (1 = first)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


def _words(text: str) -> tuple[str, ...]:
    return tuple(token.text for token in french_analyzer()(text))


def parse(text: str) -> Vocabulary:
    """The vocabulary of a list, or VocabularyError for its first faulty line."""
    if len(text) > MAX_CHARS:
        raise VocabularyError(
            1, str(_l("The list is too long (%(n)s characters at most).", n=MAX_CHARS))
        )
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise VocabularyError(
            MAX_LINES + 1, str(_l("The list has too many lines (%(n)s at most).", n=MAX_LINES))
        )
    groups: dict[tuple[str, ...], tuple[int, list[Term]]] = {}  # term -> (line, its group)
    rules: list[tuple[int, Term, list[Term]]] = []  # one-way rules
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_LINE_CHARS:
            raise VocabularyError(
                number,
                str(_l("This line is too long (%(n)s characters at most).", n=MAX_LINE_CHARS)),
            )
        if line.count(ARROW) > 1:
            raise VocabularyError(number, str(_l("A line can hold only one “=>”.")))
        if ARROW in line:
            left, right = line.split(ARROW)
            if not right.strip():
                raise VocabularyError(number, str(_l("Put at least one term after “=>”.")))
            if not left.strip():
                raise VocabularyError(number, str(_l("Put exactly one term before “=>”.")))
            sources = _terms(number, left)
            if len(sources) != 1:
                raise VocabularyError(number, str(_l("Put exactly one term before “=>”.")))
            targets = _terms(number, right)
            if not targets:
                raise VocabularyError(number, str(_l("Put at least one term after “=>”.")))
            if any(t.words == sources[0].words for t in targets):
                raise VocabularyError(
                    number, str(_l("“%(term)s” leads to itself.", term=sources[0].text))
                )
            rules.append((number, sources[0], targets))
        else:
            terms = _terms(number, line)
            if len(terms) < 2:
                raise VocabularyError(
                    number,
                    str(
                        _l(
                            "A group needs at least two terms separated by commas (or “=>” "
                            "for a one-way link)."
                        )
                    ),
                )
            group: list[Term] = []
            for term in terms:
                if term.words in groups and groups[term.words][1] is not group:
                    raise VocabularyError(
                        number,
                        str(
                            _l(
                                "“%(term)s” is already in the group of line %(line)s: put "
                                "its synonyms on one line.",
                                term=term.text,
                                line=groups[term.words][0],
                            )
                        ),
                    )
                if term.words not in {t.words for t in group}:
                    group.append(term)
                    groups[term.words] = (number, group)
    _refuse_loops(rules, groups)
    return _vocabulary(groups, rules)


def _terms(number: int, text: str) -> list[Term]:
    terms = []
    parts = text.split(",")
    if len(parts) > MAX_TERMS:
        raise VocabularyError(
            number, str(_l("Too many terms on one line (%(n)s at most).", n=MAX_TERMS))
        )
    for part in parts:
        written = " ".join(part.split())
        if not written:
            raise VocabularyError(
                number, str(_l("An empty term: two commas in a row, or a comma at an end."))
            )
        words = _words(written)
        if not words:
            raise VocabularyError(
                number, str(_l("“%(term)s” has no word that can be searched.", term=written))
            )
        if len(words) > MAX_WORDS:
            raise VocabularyError(
                number,
                str(_l("“%(term)s” is too long (%(n)s words at most).", term=written, n=MAX_WORDS)),
            )
        terms.append(Term(written, words))
    return terms


def _refuse_loops(rules, groups) -> None:
    """A chain of one-way links that comes back to its start is refused at the line closing it.

    Equivalent terms count as one: "a, b" with "b => c" and "c => a" is a loop.
    """

    def node(term: Term):
        found = groups.get(term.words)
        return ("group", found[0]) if found else ("term", term.words)

    edges: dict = {}

    def reaches(start, goal) -> bool:
        seen, stack = set(), [start]
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, ()))
        return False

    for number, source, targets in rules:
        for target in targets:
            if node(target) == node(source) or reaches(node(target), node(source)):
                raise VocabularyError(
                    number,
                    str(
                        _l(
                            "“%(source)s => %(target)s” makes a loop: “%(target)s” already leads "
                            "back to “%(source)s”.",
                            source=source.text,
                            target=target.text,
                        )
                    ),
                )
            edges.setdefault(node(source), set()).add(node(target))


def _vocabulary(groups, rules) -> Vocabulary:
    vocabulary = Vocabulary()

    def add(key: tuple[str, ...], terms) -> None:
        known = vocabulary.expansions.setdefault(key, [])
        for term in terms:
            if term.words != key and term.words not in {t.words for t in known}:
                known.append(term)
        vocabulary.longest = max(vocabulary.longest, len(key))

    for key, (_line, group) in groups.items():
        add(key, group)
    for _line, source, targets in rules:
        for target in targets:
            found = groups.get(target.words)
            add(source.words, found[1] if found else [target])
    return vocabulary


# -- the list in use ------------------------------------------------------------------------------

_cache: dict[object, Vocabulary] = {}


def shipped_text() -> str:
    return SHIPPED.read_text("utf-8")


def current_text() -> tuple[object, str]:
    """(version, text) of the list in use: the newest saved one, else the shipped one."""
    version = current_version()
    if version == "shipped":
        return version, shipped_text()
    from wiki.extensions import db
    from wiki.models import SearchSynonyms

    return version, db.session.get(SearchSynonyms, version).text


def current_version() -> object:
    """The id of the newest saved list, else "shipped" (one small query, no text read)."""
    from flask import has_app_context

    if has_app_context():
        from wiki.extensions import db

        found = db.session.scalar(_newest_id())
        if found is not None:
            return found
    return "shipped"


@functools.cache
def _newest_id():
    """The statement of current_version(), built once (every search asks it)."""
    from sqlalchemy import select

    from wiki.models import SearchSynonyms

    return select(SearchSynonyms.id).order_by(SearchSynonyms.id.desc()).limit(1)


def current() -> Vocabulary:
    """The vocabulary in use (parsed once per saved version; each search asks its version only)."""
    vocabulary = _cache.get(current_version())
    if vocabulary is None:
        version, text = current_text()
        try:
            vocabulary = parse(text)
        except VocabularyError:  # saved lists were checked; the shipped one is tested
            vocabulary = Vocabulary()
        if len(_cache) > 8:
            _cache.clear()
        _cache[version] = vocabulary
    return vocabulary


def save(text: str, author) -> None:
    """Check and save a new list (VocabularyError: refused, the list in use is unchanged)."""
    from wiki.extensions import db
    from wiki.models import SearchSynonyms

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parse(text)
    db.session.add(SearchSynonyms(text=text, author_id=author.id if author else None))
    db.session.commit()
