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
