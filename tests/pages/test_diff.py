"""Diffs between revisions: lines and words."""

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
