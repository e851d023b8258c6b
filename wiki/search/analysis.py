"""French text analysis for the index: words, lower case, accents folded, stop words, stems.

Folding comes *before* stemming (DESIGN §5): the Snowball stemmer then sees "energies" whether
the page said "énergies" or someone typed without accents, and both reach the same stem.
"""

from __future__ import annotations

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


def fold(text: str) -> str:
    """Lower-case and accent-folded text, as the index sees it."""
    return str(text).lower().translate(FOLDING)


def _stop_words() -> frozenset[str]:
    # The list is accented ("été", "étaient"); tokens are folded before the stop filter.
    return frozenset(fold(word) for word in stopwords_for_language("fr"))


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


def french_analyzer():
    """Analyzer of the prose fields (title, body, levers, obstacles, how to replicate)."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(FOLDING)
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | PluralFilter()
        | StemFilter(lang="fr", cachesize=100_000)
    )


def folding_analyzer():
    """Names (territories, authors): words folded but neither stemmed nor stopped."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(FOLDING)


def prefix_analyzer():
    """Title autocomplete: every word is also indexed by its first 1 to 20 letters."""
    return folding_analyzer() | NgramFilter(minsize=1, maxsize=20, at="start")


def facet_key(value: str) -> str:
    """The indexed form of a facet value: "en cours" -> "en-cours", "Périurbain" -> "periurbain"."""
    folded = unicodedata.normalize("NFKC", fold(value or ""))
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())
