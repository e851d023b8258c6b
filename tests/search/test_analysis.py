"""French analysis: one indexed form for one French word, apart from words of other meanings."""

from __future__ import annotations

from pathlib import Path

from wiki.search.analysis import french_analyzer, is_stop_word, light_stem

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
