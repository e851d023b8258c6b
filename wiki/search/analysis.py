"""French text analysis for the index: words, lower case, accents folded, stop words, stems.

One French word should reach one indexed form, with or without its accents, singular or plural,
masculine or feminine, participle or infinitive. Snowball's French stemmer does not give that
here: it relies on accents ("végétalisées" and "vegetalisees" part ways), keeps plurals of nouns
in -er whole ("vergers" -> "verger" but "verger" -> "verg") and cuts singular nouns in -us
("refus" -> "refu" but "refusé" -> "refus"). Measured on tests/search/french_pairs.txt (316 pairs
that must meet, 43 that must not): folding then Snowball (schema 3) joined 245 and kept 39 apart;
Savoy's stemmer as published, 298 and 43; the one below, 316 and 43. On the judged queries of
bench/relevance.py it raised the "forms" class from MRR 0.73 to 1.00.

The stemmer is J. Savoy's "light" French stemmer (as Lucene's FrenchLightStemmer and
Elasticsearch's `light_french` ship it), applied to accent-folded words, with an exceptions table:
singular nouns whose final s is no plural ("refus", "campus", "processus"), a few irregular
plurals ("travaux"), feminine "-ière"/"-ère" and short participles ("élue", "créée").
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
    StopFilter,
    Token,
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


# Question words: a researcher types "comment monter une cantine", pages do not say "comment".
QUESTION_WORDS = frozenset(
    "comment pourquoi combien quand quoi où quel quelle quels quelles lequel laquelle lesquels "
    "lesquelles".split()
)

# The list is accented ("été", "étaient"). A word typed with accents is a stop word only if it
# is one as written, so that "maïs" is not taken for "mais"; without accents, if its folded form
# is one ("etaient").
# Function words the list lacks ("les"!), which would otherwise match almost every page.
MORE_STOP_WORDS = frozenset(
    "les cet cette ceux celle celles celui dont comme très tout tous toute toutes sans sous "
    "entre vers chez lors puis ainsi aussi alors donc car si ni".split()
)
ACCENTED_STOP_WORDS = frozenset(stopwords_for_language("fr")) | QUESTION_WORDS | MORE_STOP_WORDS
STOP_WORDS = frozenset(fold_accents(word) for word in ACCENTED_STOP_WORDS)


def is_stop_word(word: str) -> bool:
    lower = word.lower()
    folded = lower.translate(FOLDING)
    return lower in ACCENTED_STOP_WORDS if folded != lower else folded in STOP_WORDS


# -- the light French stemmer ----------------------------------------------------------------------

# Singular nouns whose final s (or x) is not a plural mark: left whole, so that "refus" meets
# "refusé" and "refuser" (both reach "refus"), and "campus" is not read as a plural of "campu".
INVARIABLE = frozenset(
    """
    abus autobus abribus blocus bonus bus cactus campus consensus corpus cursus eucalyptus
    humus hiatus lotus minibus pedibus processus refus rebus terminus velobus virus
    chaos cosmos enclos heros propos repos thermos
    avis colis compromis devis paradis parvis permis tapis
    debarras lilas matelas
    bois fois mois pays
    """.split()
)

# Irregular plurals and short forms the rules below would not join.
IRREGULAR = {
    "travaux": "travail",
    "vitraux": "vitrail",
    "emaux": "email",
    "coraux": "corail",
    "baux": "bail",
    "tuyaux": "tuyau",
    "boyaux": "boyau",
    "noyaux": "noyau",
    "joyaux": "joyau",
    # "créer" and "mener" are too short for the rules: every form of them, one stem.
    "mene": "men",
    "menes": "men",
    "cree": "cre",
    "creee": "cre",
    "crees": "cre",
    "creees": "cre",
    "creer": "cre",
}

# (suffix, minimum length of the word, replacement, stem the result further) as in Savoy's
# stemmer; the word is already accent-folded and without its plural mark.
_SUFFIXES = (
    ("issement", 10, "ir", True),
    ("issant", 9, "ir", True),
    ("ficatrice", 12, "fier", True),
    ("ficateur", 11, "fier", True),
    ("catrice", 10, "quer", True),
    ("cateur", 9, "quer", True),
    ("atrice", 9, "er", True),
    ("ateur", 8, "er", True),
    ("ieme", 6, "", True),
    ("teuse", 8, "ter", True),
    ("teur", 7, "ter", True),
    ("euse", 6, "eu", True),
    ("iere", 6, "ier", True),  # fermière -> fermier
    ("ere", 6, "er", True),  # légère -> léger
    ("ive", 8, "if", True),
    ("nnelle", 10, "n", True),
    ("nnel", 10, "n", True),
    ("isation", 10, "", True),
    ("isateur", 10, "", True),
    ("ation", 9, "", True),
    ("ition", 9, "", True),
    ("esse", 9, "", True),
    ("inage", 8, "in", True),
)
_DOUBLED = re.compile(r"([a-z])\1+")


def light_stem(word: str) -> str:
    """The stem of an accent-folded, lower-case French word ("vergers" -> "verg")."""
    if word in INVARIABLE:
        return word
    word = IRREGULAR.get(word, word)
    if len(word) > 5 and word.endswith("aux") and word[-4] != "e":
        word = word[:-3] + "al"  # locaux -> local (but panneaux -> panneau, below)
    elif len(word) > 3 and word[-1] == "x":
        word = word[:-1]
    if len(word) > 3 and word[-1] == "s":
        word = word[:-1]
    if len(word) > 6 and word.endswith("ement"):
        word = word[:-4]
        return _normalise(word[:-1] + "f" if word.endswith("ive") else word)
    for suffix, minimum, replacement, _more in _SUFFIXES:
        if len(word) >= minimum and word.endswith(suffix):
            return _normalise(word[: -len(suffix)] + replacement)
    if len(word) > 6 and word.endswith("trice"):
        word = word[:-5] + "teur"
    if len(word) > 4 and word.endswith("ete"):
        word = word[:-1]
    if word.endswith("ique"):
        # politique -> polit, écologique -> ecolog (as écologie); short ones keep a stem:
        # publique -> public.
        word = word[:-4] if len(word) > 8 else word[:-3] + "c"
    return _normalise(word)


def _normalise(word: str) -> str:
    """Savoy's last step: doubled letters, and a final -r, -e, -ee.

    Unlike Savoy's, a final -ie is kept: "associé" -> "associ", as "associer", and "quartier"
    -> "quarti" stays apart from "quart".
    """
    if len(word) > 4:
        word = _DOUBLED.sub(r"\1", word)
        if word[-1] == "r":
            word = word[:-1]
        if word[-1:] == "e":
            word = word[:-1]
        if word[-1:] == "e":
            word = word[:-1]
        if len(word) > 1 and word[-1] == word[-2]:
            word = word[:-1]
    elif len(word) == 4 and word[-2:] in ("ue", "ee"):
        word = word[:-1]  # élue -> élu (but mère stays apart from mer)
    if word.endswith("ais"):
        word = word[:-1]  # français -> francai, as française
    return word


class PluralFilter(Filter):
    """Drops a plural "s" after a vowel (indexes built before schema 4; kept to read them)."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if len(text) > 3 and text[-1] == "s" and text[-2] in "aeiouy":
                token.text = text[:-1]
            yield token


class LightStemFilter(Filter):
    """light_stem() of each word (not of stop words), one generator step (reference chain)."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = light_stem(token.text)
            yield token


def legacy_french_analyzer():
    """The analyzer as a chain of Whoosh filters, one generator per step.

    `french_analyzer()` gives the same tokens in two cached steps; this one is kept for the tests
    that check so.
    """
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(FOLDING)
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | LightStemFilter()
    )


# Word -> (folded text, is a stop word), and folded word -> stem. A page of 2,000 words has a
# few hundred distinct ones: after the first pages, analysis is dict look-ups.
_CACHE_LIMIT = 200_000
_FOLDED: dict[str, tuple[str, bool]] = {}
_STEMS: dict[str, str] = {}


def _folded(word: str) -> tuple[str, bool]:
    text = word.lower().translate(FOLDING)
    stop = is_stop_word(word)
    if len(_FOLDED) >= _CACHE_LIMIT:
        _FOLDED.clear()
    _FOLDED[word] = (text, stop)
    return text, stop


class FoldStopFilter(Filter):
    """Lower case, accent folding and French stop words, in one cached step.

    Same tokens as LowercaseFilter | CharsetFilter(FOLDING) | StopFilter(STOP_WORDS, minsize=1):
    stop words are dropped (or flagged `stopped` when the caller keeps them, as the highlighter
    does) and the positions of the others renumbered without gaps.
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
    """light_stem() of the words (not of stop words), cached in a dict shared by all analyzers."""

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
    if len(_STEMS) >= _CACHE_LIMIT:
        _STEMS.clear()
    stem = _STEMS[word] = light_stem(word)
    return stem


def stem(word: str) -> str:
    """The indexed form of one word as typed ("Végétalisées" -> "vegetalis")."""
    return light_stem(fold_accents(word))


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


def marked_tokens(text: str, words: frozenset[str]):
    """french_analyzer()'s tokens of `text` with stop words kept, each marked `matched` when
    its indexed form is one of `words`: what Whoosh's highlighter gets from the analyzer and
    set_matched_filter(), in one step instead of five generators (the snippets of a results page
    go through every word of 20 texts). Like Whoosh's tokenizer, one Token object is reused.
    """
    token = Token(positions=True, chars=True, removestops=False, mode="index")
    token.boost = 1.0
    folded_words, stems_of = _FOLDED, _STEMS
    pos = None
    for number, match in enumerate(_WORDS.finditer(text)):
        word = match.group(0)
        entry = folded_words.get(word)
        folded, stop = entry if entry is not None else _folded(word)
        if stop:
            token.pos = number
            token.text = folded
        else:
            pos = number if pos is None else pos + 1
            token.pos = pos
            stem = stems_of.get(folded)
            token.text = stem if stem is not None else _stem(folded)
        token.stopped = stop
        token.startchar, token.endchar = match.span()
        token.matched = token.text in words
        yield token


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
