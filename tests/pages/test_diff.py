"""Diffs between revisions: lines and words."""

import time

from wiki.pages.diff import diff_texts


def test_identical_texts_have_no_hunks():
    assert diff_texts("même texte\n", "même texte\n").identical


def test_changed_word_is_highlighted_inside_the_line():
    diff = diff_texts("Les énergies citoyennes\n", "Les énergies renouvelables\n")
    row = diff.hunks[0].rows[0]
    assert row.kind == "replace"
    assert [s.text for s in row.left.segments if s.changed] == ["citoyennes"]
    assert [s.text for s in row.right.segments if s.changed] == ["renouvelables"]


def test_counts_added_and_removed_lines():
    diff = diff_texts("a\nb\nc\n", "a\nc\nd\ne\n")
    assert (diff.added, diff.removed) == (2, 1)


def test_context_limits_the_rows_shown():
    old = "\n".join(f"ligne {i}" for i in range(100))
    new = old.replace("ligne 50", "ligne cinquante")
    diff = diff_texts(old, new, context=3)
    assert len(diff.hunks) == 1
    assert len(diff.hunks[0].rows) == 7


def test_texts_that_differ_everywhere_get_a_coarse_diff_within_the_budget():
    old = "texte\n\n" * 4000
    new = "\nautre\n" * 4000
    start = time.perf_counter()
    diff = diff_texts(old, new, time_budget=0.2)
    assert time.perf_counter() - start < 30  # seconds, not the minutes of difflib
    assert diff.coarse
    assert diff.removed >= 4000 and diff.added >= 4000  # every "texte" out, every "autre" in
    shown = [r for h in diff.hunks for r in h.rows]
    assert any(r.kind in ("replace", "delete") for r in shown)


def test_a_long_diff_stops_at_the_row_limit_and_says_so():
    old = "".join(f"ligne {i}\n" for i in range(500))
    new = "".join(f"ligne {i} modifiée\n" for i in range(500))
    diff = diff_texts(old, new, max_rows=100)
    assert sum(len(h.rows) for h in diff.hunks) == 100
    assert diff.truncated and not diff.coarse
    assert (diff.added, diff.removed) == (500, 500)


def test_a_short_diff_is_neither_coarse_nor_truncated():
    diff = diff_texts("a\nb\nc\n", "a\nB\nc\n")
    assert not diff.coarse and not diff.truncated


def test_words_inside_a_very_long_line_are_not_compared_one_by_one():
    old = "mot " * 5000
    new = old + "fin"
    (row,) = diff_texts(old, new).hunks[0].rows
    assert row.right.segments[0].changed and row.right.segments[0].text == new.rstrip("\n")
