"""What a researcher's plain words mean: all of them first, then most of them.

A query of plain words, "phrases", -exclusions and field prefixes (no OR, AND, NOT or
parentheses: those go to the parser whole, as written) is read here:

- prefixes, phrases and exclusions keep their meaning: every result satisfies them;
- each plain word is a *clause*. Pages with every clause come first, then pages with most of
  them (Lucene's minimum-should-match and coordination, as Wikipedia's CirrusSearch uses them):
  a word found on no page never empties the results, and the results name it;
- a word that matches nothing is replaced at once by its nearest indexed spelling, and the
  results say so (with a link to search the word as typed);
- a term of the synonyms list (wiki.search.synonyms) also finds its synonyms, scored below the
  words typed;
- a department or region name also finds the pages of that territory;
- section words ("freins", "leviers", "facteurs de réussite") put first the pages whose section
  holds the other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from whoosh import query

from wiki.content.cog import department_list, region_list
from wiki.search import engine, synonyms
from wiki.search.analysis import facet_key, fold_accents, french_analyzer
from wiki.search.language import PREFIX_FIELDS

# Boosts at query time. A synonym scores below the word typed; the title counts, but a page
# whose text holds every word is not beaten by a generic title word (bench/relevance.py).
SYNONYM_BOOST = 0.5
TITLE_BOOST = 0.5
SECTION_BOOST = 1.0
PLACE_BOOST = 1.0
FILL = 10  # lower the minimum of clauses until this many pages match (or one clause)

_ADVANCED = re.compile(r"(?:^|\s)(?:AND|OR|NOT|ET|OU|SAUF|ANDNOT|ANDMAYBE|REQUIRE)(?=\s|$)|[()]")
_PIECE = re.compile(
    r"(?P<prefixed>(?:(?<=\s)|^)[-+]?[^\W\d_][\w-]*:(?:\"[^\"]*\"|[^\s\"]*))"
    r"|(?P<phrase>(?:(?<=\s)|^)[-+]?\"[^\"]*\")"
    r"|(?P<signed>(?:(?<=\s)|^)[-+][\w’'-]+)"
    r"|(?P<word>[\w’'-]+)"
)

# Plain words that name a section: folded, as typed (with their plurals).
SECTION_WORDS = {
    "obstacles": (
        "frein",
        "freins",
        "obstacle",
        "obstacles",
        "difficulte",
        "difficultes",
        "verrou",
        "verrous",
        "blocage",
        "blocages",
        "probleme",
        "problemes",
    ),
    "levers": (
        "levier",
        "leviers",
        "atout",
        "atouts",
        "facteur de reussite",
        "facteurs de reussite",
        "cle de reussite",
        "cles de reussite",
        "cles du succes",
        "points forts",
    ),
    "replicate": ("essaimer", "essaimage", "reproduire", "dupliquer"),
}
SECTION_NAMES = {
    "obstacles": _l("Obstacles"),
    "levers": _l("Levers"),
    "replicate": _l("How to replicate"),
}
# Department names that are also common words: a place only when typed with a capital.
AMBIGUOUS_PLACES = frozenset(
    "ain aube cher creuse landes lot manche marne nord orne somme var vienne".split()
)


@dataclass
class Clause:
    """One plain word (or a term of the synonyms list): the pages it matches, and how."""

    typed: str  # as typed: "restauration scolaire"
    query: query.Query  # its alternatives: the words typed, synonyms, a territory
    weight: int = 1  # how many typed words it stands for
    parts: list[query.Query] = field(default_factory=list)  # each typed word, for partial credit
    docs: int = 0  # a bitmap (wiki.search.engine.match_bits)
    part_docs: list[int] = field(default_factory=list)


@dataclass
class Reading:
    """What was made of the plain words of a query."""

    clauses: list[Clause]
    notices: list[str]
    missing: list[str]  # typed words that no page holds
    corrections: dict[str, str]  # typed word -> the spelling searched instead
    section: str | None = None


def is_plain(text: str) -> bool:
    """Whether a query is read here (no operators or parentheses)."""
    return not _ADVANCED.search(re.sub(r'"[^"]*"', " ", text))


def signed(text: str) -> tuple[str, str]:
    """(what results must match, what they must not) of the parser's part of a query."""
    positive, negative = [], []
    for match in _PIECE.finditer(text):
        piece = match.group()
        if piece.startswith("-") and len(piece) > 1:
            negative.append(piece[1:])
        else:
            positive.append(piece.lstrip("+"))
    return " ".join(positive), " OR ".join(negative)


def split(text: str) -> tuple[str, list[str]]:
    """(the part for the parser: prefixes, phrases, -/+ words; the plain words, in order)."""
    parser_parts, words = [], []
    for match in _PIECE.finditer(text):
        kind, piece = match.lastgroup, match.group()
        if kind == "prefixed":
            name = piece.lstrip("-+").split(":", 1)[0]
            if fold_accents(name) in PREFIX_FIELDS:
                parser_parts.append(piece)
            else:  # "http:", "note:": not a field, its words are plain words
                words += re.findall(r"[\w’'-]+", piece)
        elif kind in ("phrase", "signed"):
            parser_parts.append(piece)
        else:
            words.append(piece)
    return " ".join(parser_parts), words


def read(s, words: list[str], within: int | None, exact: bool) -> Reading:
    """The clauses of the plain `words`, their documents known (within `within` if given).

    Documents are bitmaps (wiki.search.engine.match_bits) here and below: a common word
    matches tens of thousands of pages at 100k, and bitmaps combine and count them in C.
    """
    reading = Reading([], [], [], {})
    words = _places(s, words, reading)
    words = _section(words, reading)
    units, seen = [], set()
    for word in words:  # a word typed twice (a pasted paragraph) is one clause
        stems = _stems(word)
        if stems and stems not in seen:
            seen.add(stems)
            units.append((word, stems))
    vocabulary = synonyms.current()
    flat = [stem for _word, stems in units for stem in stems]
    owner = [i for i, (_word, stems) in enumerate(units) for _stem in stems]
    taken: set[int] = set()
    for start, end, terms in vocabulary.expansions_in(flat):
        first, last = owner[start], owner[end - 1]
        if any(i in taken for i in range(first, last + 1)):
            continue
        chosen = units[first : last + 1]
        if sum(len(stems) for _w, stems in chosen) != end - start:
            continue  # the term covers part of a typed word only
        taken.update(range(first, last + 1))
        typed = " ".join(word for word, _s in chosen)
        parts = [_word_query(stems) for _w, stems in chosen]
        alternatives = [query.And(parts) if len(parts) > 1 else parts[0]]
        # A synonym of several words scores as much as one typed word, half of it: its words
        # would otherwise add up and pass the word typed ("PAT" -> "projet alimentaire …").
        alternatives += [_word_query(term.words, SYNONYM_BOOST / len(term.words)) for term in terms]
        reading.clauses.append(Clause(typed, query.Or(alternatives), len(chosen), parts))
        reading.notices.append(
            _l(
                "Also searched: %(terms)s (for “%(typed)s”).",
                terms=", ".join(term.text for term in terms),
                typed=typed,
            )
        )
    for i, (word, stems) in enumerate(units):
        if i not in taken:
            reading.clauses.append(Clause(word, _word_query(stems, forms=verb_forms(word))))
    if reading.section:
        for clause in reading.clauses:
            clause.query = query.Or([clause.query, _section_query(clause, reading.section)])
    for clause in reading.clauses:
        clause.docs = _within(engine.match_bits(s, clause.query), within)
        if not clause.docs and not exact:
            _correct(s, clause, reading, within)
        if not clause.docs:
            reading.missing.append(clause.typed)
        elif len(clause.parts) > 1:
            clause.part_docs = [
                _within(engine.match_bits(s, part), within) for part in clause.parts
            ]
    reading.clauses = [c for c in reading.clauses if c.docs]
    return reading


def _within(docs: int, within: int | None) -> int:
    return docs & within if within is not None else docs


def _stems(word: str) -> tuple[str, ...]:
    return tuple(token.text for token in french_analyzer()(word))


# Endings of a verb in -er that the light stemmer leaves whole, as pages write them: "les
# parents financent", "en finançant", "la commune finançait". The stemmer cannot cut "-ent"
# ("parent", "argent", "président"), so a typed infinitive looks for these forms instead.
_VERB_ENDINGS = ("ent", "ant", "ait", "aient", "ons")


def verb_forms(word: str) -> tuple[str, ...]:
    """The indexed forms of the conjugations of a typed verb in -er ("financer" -> "financent",
    "financant", …), or () for any other word. A form no page holds costs nothing."""
    folded = fold_accents(word)
    stems = _stems(word)
    if len(folded) < 6 or not folded.endswith("er") or stems != (folded[:-2],):
        return ()
    stem = folded[:-2]
    # manger -> mangeant, mangeait (the e keeps the g soft before a and o); financer -> financant
    soft = stem + "e" if stem.endswith("g") else stem
    forms = {stem + "ent", *(soft + ending for ending in _VERB_ENDINGS[1:])}
    return tuple(sorted({form for candidate in forms for form in _stems(candidate)} - {stem}))


def _word_query(
    stems: tuple[str, ...], boost: float = 1.0, forms: tuple[str, ...] = ()
) -> query.Query:
    """Plain words in the title and the text ("content"), as a phrase when there are several;
    `forms`: other indexed forms of a single word (conjugations), found as the word is."""
    if len(stems) == 1:
        parts = [
            query.Term(field, form, boost=(TITLE_BOOST if field == "title" else 1.0) * boost)
            for field in ("title", "content")
            for form in (stems[0], *forms)
        ]
    else:
        parts = [
            query.Phrase("title", list(stems), boost=TITLE_BOOST * boost),
            query.Phrase("content", list(stems), boost=boost),
        ]
    return query.Or(parts)


def _section_query(clause: Clause, section: str) -> query.Query:
    """The clause's words typed, in the section named by a section word ("freins")."""
    stems = _stems(clause.typed)
    if len(stems) == 1:
        return query.Term(section, stems[0], boost=SECTION_BOOST)
    return query.Phrase(section, list(stems), boost=SECTION_BOOST)


# -- places and sections named in plain words ----------------------------------------------------


def _place_names() -> dict[str, tuple[str, str, str]]:
    """Folded name -> (field, code, name) of every department and region."""
    global _PLACES
    if _PLACES is None:
        _PLACES = {}
        for name, divisions in (("region", region_list()), ("department", department_list())):
            for division in divisions:
                _PLACES.setdefault(
                    facet_key(division.name), (name, division.code.lower(), division.name)
                )
    return _PLACES


_PLACES: dict[str, tuple[str, str, str]] | None = None


def _places(s, words: list[str], reading: Reading) -> list[str]:
    """`words` less the department and region names, which become clauses of their own."""
    names = _place_names()
    rest, i = [], 0
    while i < len(words):
        for size in range(min(6, len(words) - i), 0, -1):
            window = words[i : i + size]
            key = facet_key(" ".join(window))
            found = names.get(key)
            if found and (key not in AMBIGUOUS_PLACES or window[0][:1].isupper()):
                field_name, code, name = found
                typed = " ".join(window)
                alternatives = [
                    _word_query(_stems(typed)) if _stems(typed) else query.NullQuery,
                    query.Term(field_name, code, boost=PLACE_BOOST),
                ]
                reading.clauses.append(
                    Clause(
                        typed, query.Or([a for a in alternatives if a is not query.NullQuery]), 1
                    )
                )
                reading.notices.append(
                    _l("“%(typed)s”: the pages of %(place)s are included.", typed=typed, place=name)
                )
                i += size
                break
        else:
            rest.append(words[i])
            i += 1
    return rest


def _section(words: list[str], reading: Reading) -> list[str]:
    """`words` less a section word ("freins"), remembered in `reading.section`."""
    folded = [facet_key(word).replace("-", " ") for word in words]
    for section, names in SECTION_WORDS.items():
        for name in sorted(names, key=len, reverse=True):
            size = len(name.split())
            for i in range(len(words) - size + 1):
                if " ".join(folded[i : i + size]) == name:
                    rest = words[:i] + words[i + size :]
                    if not any(_stems(w) for w in rest) and not reading.clauses:
                        return words  # the section word alone: searched as a word
                    reading.section = section
                    reading.notices.append(
                        _l(
                            "“%(typed)s”: pages whose %(section)s section holds your other "
                            "words come first.",
                            typed=" ".join(words[i : i + size]),
                            section=SECTION_NAMES[section],
                        )
                    )
                    return rest
    return words


# -- corrections ----------------------------------------------------------------------------------


def _correct(s, clause: Clause, reading: Reading, within: int | None) -> None:
    """Replace a one-word clause that matches nothing by its nearest indexed spelling."""
    word = clause.typed
    if len(_stems(word)) != 1 or not re.fullmatch(r"[^\W\d_]{5,}", word):
        return  # a short word that matches nothing is more often a real word than a typo
    best = nearest_spelling(s, word)
    if best is None:
        return
    stems = _stems(best)
    if not stems:
        return
    clause.query = _word_query(stems)
    clause.docs = _within(engine.match_bits(s, clause.query), within)
    if clause.docs:
        reading.corrections[word] = best


def nearest_spelling(s, word: str) -> str | None:
    """The indexed word nearest to `word`, the most frequent at the nearest distance.

    One letter away for words of 5 to 7 letters, two for longer ones: "photvoltaique" finds
    "photovoltaique", while a short real word no page holds ("coin") is not turned into another.
    """
    reader = s.reader()
    if not s.schema["content"].separate_spelling():
        return None
    corrector = reader.corrector("content")
    folded = fold_accents(word)
    for maxdist in (1, 2) if len(folded) >= 8 else (1,):
        candidates = corrector.suggest(folded, limit=5, maxdist=maxdist, prefix=1)
        if candidates:
            return min(candidates, key=lambda c: (-_frequency(s, c), c))
    return None


def _frequency(s, word: str) -> int:
    stems = _stems(word)
    return s.doc_frequency("content", stems[0]) if stems else 0


# -- matching and ranking -------------------------------------------------------------------------


@dataclass
class Coordination:
    """How many typed words each matching page holds, and the pages shown (bitmaps)."""

    counts: list[int]  # the count of each page, bit-sliced: bit i of its count in counts[i]
    total: int  # words that some page holds
    minimum: int  # the fewest a page shown holds
    docs: int  # the pages shown: those holding at least `minimum`
    every: int  # the pages holding every word


def coordinate(reading: Reading, required: int | None) -> Coordination:
    """Pages holding at least `minimum` of the words, lowered from all of them until FILL.

    Each page's count of words is kept bit-sliced over the bitmaps (an adder per bit of the
    count, as in bit-sliced indexes): adding a word's pages and asking "which pages hold at
    least m words" are a few operations on whole bitmaps, not a pass over the pages.
    """
    counts: list[int] = []
    universe = 0

    def add(bits: int) -> None:
        carry = bits
        for i, plane in enumerate(counts):
            if not carry:
                return
            counts[i], carry = plane ^ carry, plane & carry
        if carry:
            counts.append(carry)

    for clause in reading.clauses:
        full = clause.docs
        universe |= full
        for _ in range(clause.weight):
            add(full)
        for docs in clause.part_docs:  # partial credit: some of the words typed, not all
            add(docs & ~full)
            universe |= docs
    if required is not None:
        universe &= required
    total = sum(clause.weight for clause in reading.clauses)
    minimum = total
    while minimum > 1 and at_least(counts, minimum, universe).bit_count() < FILL:
        minimum -= 1
    return Coordination(
        counts,
        total,
        minimum,
        at_least(counts, minimum, universe),
        at_least(counts, total, universe),
    )


def at_least(counts: list[int], minimum: int, universe: int) -> int:
    """The pages of `universe` whose bit-sliced count is at least `minimum` (>= 1)."""
    greater, equal = 0, universe
    for i in range(max(len(counts), minimum.bit_length()) - 1, -1, -1):
        plane = counts[i] if i < len(counts) else 0
        if minimum >> i & 1:
            equal &= plane
        else:
            greater |= equal & plane
            equal &= ~plane
    return greater | equal


def ranking_query(reading: Reading, required: query.Query | None) -> query.Query:
    parts = [clause.query for clause in reading.clauses]
    if required is not None:
        parts.append(required)
    return query.Or(parts) if len(parts) > 1 else parts[0]


def rank(
    s, q: query.Query, coordination: Coordination, docs: int, limit: int
) -> list[tuple[float, int]]:
    """(score, docnum) of the best `limit` of `docs`: pages with every word first, then BM25F.

    Measured on bench/relevance.py against two other orders: more words first, then BM25F
    (MRR@10 0.99: a page with three common words passed one with two telling ones), and
    BM25F times the share of words held (0.99).
    """
    every = docs & coordination.every
    best = engine.top(s, q, every, limit, True) if every else []
    rest = docs & ~every
    if len(best) < limit and rest:
        best += engine.top(s, q, rest, limit - len(best), True)
    return best


def complete(coordination: Coordination, docs: int) -> int:
    """How many of `docs` hold every word."""
    return (docs & coordination.every).bit_count()


def words_missing_from(doc: int, reading: Reading) -> list[str]:
    return [clause.typed for clause in reading.clauses if not clause.docs >> doc & 1]
