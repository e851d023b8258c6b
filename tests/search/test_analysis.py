"""French analysis: one indexed form for one French word, apart from words of other meanings."""

from __future__ import annotations

from pathlib import Path

from whoosh.highlight import Highlighter, set_matched_filter

from wiki.search.analysis import french_analyzer, is_stop_word, light_stem, marked_tokens, stem

PAIRS_FILE = Path(__file__).with_name("french_pairs.txt")


def _table() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    meet, apart = [], []
    for line in PAIRS_FILE.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "|" in line:
            a, b = (w.strip() for w in line.split("|"))
            apart.append((a, b))
        else:
            first, *others = line.split()
            meet += [(first, other) for other in others]
    return meet, apart


MEET, APART = _table()


def indexed(word: str) -> list[str]:
    """What the index holds for a word of a page (or a word of a query: the same analyzer)."""
    return [t.text for t in french_analyzer()(word)]


def test_the_table_has_several_hundred_pairs():
    assert len(MEET) >= 300 and len(APART) >= 35


def test_forms_of_one_word_meet():
    # One test for the whole table (each test of this folder makes an app): all misses listed.
    split = [
        f"{a}={indexed(a)} {b}={indexed(b)}"
        for a, b in MEET
        if not indexed(a) or indexed(a) != indexed(b)
    ]
    assert not split


def test_words_of_different_meanings_stay_apart():
    merged = [f"{a}|{b} -> {indexed(a)}" for a, b in APART if indexed(a) == indexed(b)]
    assert not merged


def test_question_words_are_stop_words():
    assert indexed("Comment monter une cantine ? Quelles aides, pourquoi, où ?") == [
        light_stem("monter"),
        light_stem("cantine"),
        light_stem("aides"),
    ]


def test_an_accented_word_is_not_taken_for_a_stop_word_written_without_accents():
    assert not is_stop_word("maïs") and is_stop_word("mais")
    assert indexed("Le maïs irrigué") == [light_stem("mais"), light_stem("irrigue")]
    assert is_stop_word("étaient") and is_stop_word("etaient")


def test_apostrophes_hyphens_and_ligatures():
    assert indexed("l’énergie d'été") == indexed("energie")
    assert indexed("Saint-Étienne") == ["saint", "etien"]
    assert indexed("cœur") == indexed("coeur") == indexed("cœurs") != []


def test_snippet_tokens_are_the_analyzers_marked_as_whoosh_marks_them():
    # The snippets' one-step tokens (marked_tokens) against the chain Whoosh's highlighter runs:
    # the analyzer keeping stop words, set_matched_filter, merging of overlapping matches.
    text = (
        "Les élèves de l’école Jean-Moulin ont planté 12 arbres ; l'école a ouvert son cœur\u00a0"
        "aux habitants. Écoles, ÉCOLE et ecoles : trois formes, une école. Et de 2024 à 2025…\n"
        "- Levier : la mairie prête un terrain.\n- Frein : l’eau manque l’été."
    )
    words = frozenset({stem("école"), stem("cœur"), stem("eau"), "de", "2024"})

    def fields(tokens):
        return [
            (t.text, t.startchar, t.endchar, t.pos, t.stopped, t.matched, t.boost) for t in tokens
        ]

    reference = french_analyzer()(text, positions=True, chars=True, mode="index", removestops=False)
    reference = Highlighter._merge_matched_tokens(set_matched_filter(reference, words))
    expected = fields(reference)
    assert fields(marked_tokens(text, words)) == expected
    assert sum(matched for *_rest, matched, _boost in expected) == 11
