"""The grouping of recurring levers and obstacles, scored on the hand-judged pairs of the bench."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "invariants.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_invariants", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_judged_set_has_enough_pairs_of_both_kinds(bench):
    pairs = bench.judged_pairs(bench.load())
    same = sum(pairs.values())
    assert len(pairs) >= 150 and same >= 150 and len(pairs) - same >= 150


def test_grouping_keeps_its_precision_and_recall_on_the_judged_pairs(bench):
    rows = bench.load()
    precision, recall, _ = bench.score(rows, bench.by_kind(rows, bench.concept_groups))
    assert precision >= 0.95 and recall >= 0.8, (precision, recall)


def test_grouping_does_better_than_the_word_pairs_it_replaces(bench):
    rows = bench.load()
    before = bench.score(rows, bench.by_kind(rows, bench.word_pairs))
    now = bench.score(rows, bench.by_kind(rows, bench.concept_groups))
    assert now[2] > before[2] + 0.3  # F1


def test_every_thesaurus_phrase_keeps_its_words():
    """A phrase whose small words vanish ("porté par" -> "port") would catch every "porte"."""
    import tomllib
    from importlib import resources

    from wiki.knowledge import grouping

    text = resources.files("wiki.knowledge").joinpath("thesaurus.toml").read_text("utf-8")
    for concept, phrases in tomllib.loads(text)["concepts"].items():
        for phrase in phrases:
            words = [w for w in phrase.replace("'", " ").replace("-", " ").split() if len(w) > 1]
            if len(words) > 1:
                assert len(grouping._stems(phrase)) > 1, (concept, phrase)


def test_a_statement_is_grouped_by_its_idea_not_by_shared_incidental_words():
    from wiki.knowledge.grouping import Item, cluster

    items = [
        Item(1, "Le temps d'entretien les trois premières années, difficile à dégager."),
        Item(2, "Quelques dégradations la première année (cabane forcée, outils volés)."),
        Item(3, "L’appui sans faille de la municipalité."),
        Item(4, "The support of elected officials, who lent the first car."),
        Item(5, "Le soutien des élus, avec une adjointe qui a porté le projet."),
    ]
    assert cluster(items) == [[0], [1], [2, 3, 4]]
    # A moderator's split holds whatever the words: two pins are never joined.
    items[3].pin, items[4].pin = "a", "b"
    assert cluster(items) == [[0], [1], [2, 3], [4]] or cluster(items) == [[0], [1], [2, 4], [3]]
