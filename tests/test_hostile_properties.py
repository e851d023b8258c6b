"""Property-based tests (Hypothesis) with hostile inputs: runs of one character, deep nesting,
repetition. Front matter, Markdown rendering, wiki links, sections, the text the search index
reads, and diffs never raise, and their cost
grows about linearly: the time for 4n units stays well under 16 times the time for n, which is
what a quadratic path would take.

The runs are deterministic (derandomize, fixed sizes) and the bound is generous: each time is
the CPU time of the best of three runs (a loaded machine slows the wall clock, not this), and linear code measures a ratio near 4 where quadratic code measures
12 to 16 at these sizes. The whole file takes about 20 s on a quiet machine.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wiki.content.frontmatter import FrontMatterError, split
from wiki.content.sections import extract_sections
from wiki.pages.diff import diff_texts
from wiki.render import extract_wiki_links, render_markdown
from wiki.search.document import plain

# Linear is 4; quadratic is 16 (12 or more once fixed costs are counted).
MAX_RATIO = 9

# Sizes: large enough that the smaller run takes tens of milliseconds, above timer and
# scheduler noise (below that, ratios of 10 and more come from noise alone).
CHARS = 4000

PROPERTY = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces of Markdown syntax that parsers treat specially; a hostile text repeats a few of them.
MARKDOWN_PIECES = [
    "[", "]", "[[", "]]", "[[a|", "(", ")", "![", "](", "*", "**", "_", "__", "~~", "`", "```\n",
    "<", ">", "<!--", "<a ", "&", "&#", "\\", "|", "#", "## a\n", "> ", "- ", "1. ", "    ",
    "\n", "\n\n", "a", " ", "http://", "www.", "[^1]", "[^1]: ", "- [ ] ", "---\n", "=\n", "é",
]  # fmt: skip
YAML_PIECES = [
    "[", "{", "]", "}", "- ", "a: ", "? ", ": ", "&a ", "*a ", "!!str ", "'", '"', "|", ">",
    "#", ",", "\n", "  ", "a", "1", "2020-01-01 ", "~", "<<: ", "%",
]  # fmt: skip

markdown_units = st.lists(st.sampled_from(MARKDOWN_PIECES), min_size=1, max_size=3).map("".join)
yaml_units = st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=3).map("".join)


def best_of_three(work) -> float:
    """CPU seconds of this process (not wall time: other processes on a busy CI machine do
    not count), the best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def assert_about_linear(make_input, run, n: int) -> None:
    """run(make_input(4n)) costs at most MAX_RATIO times run(make_input(n))."""
    small, large = make_input(n), make_input(4 * n)
    run(small)  # warm caches and imports
    t_small = best_of_three(lambda: run(small))
    t_large = best_of_three(lambda: run(large))
    # Below 5 ms the timer's noise dominates: only a slow large run can fail then.
    ratio = t_large / max(t_small, 0.005)
    assert ratio <= MAX_RATIO, f"{t_small:.4f} s for n={n}, {t_large:.4f} s for 4n (x{ratio:.1f})"


def read_front_matter(text: str) -> None:
    try:
        split(text)
    except FrontMatterError:
        pass  # a message for the editor: the expected answer to bad YAML


@PROPERTY
@given(unit=yaml_units)
@example(unit="[")
@example(unit="- ")
def test_front_matter_of_repeated_yaml_pieces_is_read_or_refused_in_linear_time(unit):
    n = max(1, CHARS // len(unit))
    assert_about_linear(lambda k: "---\nx: " + unit * k + "\n---\nTexte\n", read_front_matter, n)


@PROPERTY
@given(unit=yaml_units, depth=st.integers(min_value=1, max_value=3000))
def test_front_matter_nesting_never_raises_anything_but_a_message(unit, depth):
    read_front_matter("---\nx: " + "[" * depth + unit + "]" * depth + "\n---\n")
    read_front_matter("---\n" + "".join(" " * i + "k:\n" for i in range(depth % 200)) + "---\n")


@PROPERTY
@given(unit=markdown_units)
@example(unit="## a\n")  # heading anchors were quadratic on repeated headings
@example(unit="[")  # mistune < 3.3 was quadratic on runs of "["
@example(unit="*a")
def test_markdown_of_repeated_pieces_renders_in_linear_time(unit):
    n = max(1, CHARS // len(unit))

    def render(text):
        rendered = render_markdown(text)
        assert not rendered.over_budget  # no budget given: always formatted

    assert_about_linear(lambda k: unit * k, render, n)


@PROPERTY
@given(unit=markdown_units)
@example(unit="[")
@example(unit="[[a|")
def test_wiki_links_of_repeated_pieces_are_found_in_linear_time(unit):
    n = max(1, CHARS // len(unit))
    # A different text each call: extract_wiki_links keeps its last answers.
    counter = iter(range(10**9))
    assert_about_linear(
        lambda k: unit * k, lambda text: extract_wiki_links(text + str(next(counter))), n
    )


@PROPERTY
@given(unit=markdown_units)
@example(unit="[")  # the indexer's wiki-link pattern scanned to the end from every "["
@example(unit="](")
@example(unit="[[a|")
def test_search_text_of_repeated_pieces_is_extracted_in_linear_time(unit):
    n = max(1, 4 * CHARS // len(unit))  # regular expressions only: cheap, so more of them
    assert_about_linear(lambda k: unit * k, plain, n)


@PROPERTY
@given(unit=markdown_units)
@example(unit="## a\n")
@example(unit="## Leviers\n- [[a|")
def test_sections_of_repeated_pieces_are_found_in_linear_time(unit):
    n = max(1, CHARS // len(unit))
    counter = iter(range(10**9))  # extract_sections keeps its last answers
    assert_about_linear(lambda k: unit * k, lambda t: extract_sections(t + str(next(counter))), n)


@PROPERTY
@given(depth=st.integers(min_value=1, max_value=5000), unit=st.sampled_from(["> ", "- ", "*", "["]))
def test_deeply_nested_markdown_renders_without_an_exception(depth, unit):
    rendered = render_markdown(unit * depth + "fin")
    assert rendered.html


@settings(PROPERTY, max_examples=5)
@given(
    line=st.sampled_from(["texte", "", "a", "## a", "- b", "texte\ttab", "é"]),
    other=st.sampled_from(["autre", "", "b", "## b", "c"]),
    every=st.integers(min_value=2, max_value=7),
)
@example(line="texte", other="autre", every=2)  # difflib was quadratic on these
def test_diff_of_repetitive_texts_with_a_few_changes_is_linear(line, other, every):
    def texts(n):
        old = [line if i % every else "" for i in range(n)]
        new = list(old)
        for i in (n // 3, n // 2, 2 * n // 3):  # three edits, wherever n puts them
            new[i] = other
        return "\n".join(old), "\n".join(new)

    def run(pair):
        diff = diff_texts(*pair, time_budget=60)
        assert not diff.coarse

    assert_about_linear(texts, run, 6000)


@PROPERTY
@given(
    old_unit=st.sampled_from(["texte\n\n", "a\n", "\n", "x y\n", "[[\n"]),
    new_unit=st.sampled_from(["\nautre\n", "b\n", "y x\n", "]]\n"]),
    n=st.integers(min_value=1, max_value=20_000),
)
def test_diff_of_texts_that_differ_everywhere_stays_within_its_budget(old_unit, new_unit, n):
    start = time.perf_counter()
    diff = diff_texts(old_unit * n, new_unit * n, time_budget=0.2)
    # The budget bounds the search; building at most MAX_ROWS rows comes on top.
    assert time.perf_counter() - start < 10
    assert diff.added + diff.removed > 0 or old_unit * n == new_unit * n


@pytest.mark.parametrize("size", [1000, 50_000])
def test_one_long_line_diffs_without_comparing_every_word(size):
    old = "mot " * size
    start = time.perf_counter()
    diff = diff_texts(old, old.replace("mot", "mots", 3), time_budget=60)
    assert time.perf_counter() - start < 10
    assert (diff.added, diff.removed) == (1, 1)
