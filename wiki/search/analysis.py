"""French text analysis for the index: words, lower case, accents folded, stop words, stems.

Folding comes *before* stemming (docs/architecture.md, Search): the Snowball stemmer then sees
"energies" whether the page said "énergies" or someone typed without accents, and both reach the
same stem.
"""

from __future__ import annotations

import re
import unicodedata

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# Words are runs of letters and digits: apostrophes (’ and ') and hyphens separate them, so
# "l’énergie" gives "l" + "energie" and "Saint-Étienne" gives "saint" + "etienne".
WORD_PATTERN = r"\w+"

# accent_map comes from Unicode decompositions; ligatures do not decompose, volunteers type
# them either way ("œuvre", "oeuvre").
FOLDING = {**accent_map, ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae"}


def fold_accents(text: str) -> str:
    """Lower-case and accent-folded text, as the index sees it; punctuation stays.

    Not wiki.content.text.fold, which also turns punctuation into spaces to compare names.
    """
    return str(text).lower().translate(FOLDING)


def _stop_words() -> frozenset[str]:
    # The list is accented ("été", "étaient"); tokens are folded before the stop filter.
    return frozenset(fold_accents(word) for word in stopwords_for_language("fr"))


STOP_WORDS = _stop_words()


class PluralFilter(Filter):
    """Drops a plural "s" the French Snowball stemmer keeps after a vowel ("vélos", "verrous").

    Snowball stems "jardins" to "jardin" but leaves "velos" and "verrous" whole, so a search in
    the singular would miss them. Query and index go through the same filter, so the rare
    words it merges ("bus"/"bu") only ever match each other.
    """

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if len(text) > 3 and text[-1] == "s" and text[-2] in "aeiouy":
                token.text = text[:-1]
            yield token


def legacy_french_analyzer():
    """The first chain of filters, one generator per step (indexes built before 2026-11).

    `french_analyzer()` gives the same tokens in two steps; this one is kept for the tests that
    check so, and for the classes pickled in the schema of an older index.
    """
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(FOLDING)
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | PluralFilter()
        | StemFilter(lang="fr", cachesize=100_000)
    )


# Word -> (folded and plural-stripped text, is a stop word), and folded word -> stem. A page of
# 2,000 words has a few hundred distinct ones: after the first pages, analysis is dict look-ups.
_CACHE_LIMIT = 200_000
_FOLDED: dict[str, tuple[str, bool]] = {}
_STEMS: dict[str, str] = {}


def _folded(word: str) -> tuple[str, bool]:
    text = word.lower().translate(FOLDING)
    stop = text in STOP_WORDS
    if len(text) > 3 and text[-1] == "s" and text[-2] in "aeiouy":  # PluralFilter
        text = text[:-1]
    if len(_FOLDED) >= _CACHE_LIMIT:
        _FOLDED.clear()
    _FOLDED[word] = (text, stop)
    return text, stop


class FoldStopFilter(Filter):
    """Lower case, accent folding, French stop words and PluralFilter, in one cached step.

    Same tokens as LowercaseFilter | CharsetFilter(FOLDING) | StopFilter(STOP_WORDS, minsize=1)
    | PluralFilter: stop words are dropped (or flagged `stopped` when the caller keeps them, as
    the highlighter does) and the positions of the others renumbered without gaps.
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        cache = _FOLDED
        pos = None
        for t in tokens:
            word = t.text
            entry = cache.get(word)
            text, stop = entry if entry is not None else _folded(word)
            t.text = text
            if not stop:
                if t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                yield t
            elif not t.removestops:
                t.stopped = True
                yield t


class FrenchStemFilter(Filter):
    """French Snowball stems (not of stop words), cached in a dict shared by all analyzers."""

    is_morph = True  # left out with no_morph=True: the spelling words are not stemmed

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        stems = _STEMS
        for t in tokens:
            if not t.stopped:
                text = t.text
                stem = stems.get(text)
                if stem is None:
                    stem = _stem(text)
                t.text = stem
            yield t


def _stem(word: str) -> str:
    global _stemmer
    if _stemmer is None:
        from whoosh.lang import stemmer_for_language

        _stemmer = stemmer_for_language("fr")
    if len(_STEMS) >= _CACHE_LIMIT:
        _STEMS.clear()
    stem = _STEMS[word] = _stemmer(word)
    return stem


_stemmer = None


_WORDS = re.compile(WORD_PATTERN)


def stems(text: str) -> set[str]:
    """The distinct indexed forms of the words of `text`, as french_analyzer() gives them."""
    found = set()
    for word in set(_WORDS.findall(text)):
        entry = _FOLDED.get(word)
        folded, stop = entry if entry is not None else _folded(word)
        if not stop:
            stem = _STEMS.get(folded)
            found.add(stem if stem is not None else _stem(folded))
    return found


def french_analyzer():
    """Analyzer of the prose fields (title, body, levers, obstacles, how to replicate)."""
    return RegexTokenizer(WORD_PATTERN) | FoldStopFilter() | FrenchStemFilter()


def folding_analyzer():
    """Names (territories, authors): words folded but neither stemmed nor stopped."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(FOLDING)


def prefix_analyzer():
    """Title autocomplete: every word is also indexed by its first 1 to 20 letters."""
    return folding_analyzer() | NgramFilter(minsize=1, maxsize=20, at="start")


def facet_key(value: str) -> str:
    """The indexed form of a facet value: "en cours" -> "en-cours", "Périurbain" -> "periurbain"."""
    folded = unicodedata.normalize("NFKC", fold_accents(value or ""))
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())
