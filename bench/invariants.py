"""Benchmark: how well recurring levers and obstacles are grouped, on hand-judged statement pairs.

Usage: .venv/bin/python bench/invariants.py [--sweep] [--heldout]

The judged set (bench/data/invariants_judged.tsv) gives each statement an idea label; every pair of
statements of the same kind is "same idea" when the labels agree. A method's grouping is scored
pairwise: precision = pairs it puts in one group that are the same idea / pairs it puts together;
recall = same-idea pairs it puts together / all same-idea pairs. Methods:

- shared word (baseline): statements sharing any stemmed content word are grouped (transitively);
- word pairs (before): the previous recurrences method — groups of statements sharing a pair of
  adjacent stemmed content words, stated by at least two experiences;
- TF-IDF cosine: stems weighted by inverse frequency, average linkage above a threshold;
- concepts (chosen): wiki.knowledge.grouping — thesaurus concepts, the head of the statement
  weighing more than its details, average linkage above grouping.THRESHOLD; and its ablations.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wiki.knowledge import grouping  # noqa: E402

JUDGED = Path(__file__).resolve().parent / "data" / "invariants_judged.tsv"
# Written after the method was chosen, never used to tune it: how it does on unseen wordings.
HELD_OUT = Path(__file__).resolve().parent / "data" / "invariants_heldout.tsv"


@dataclass(frozen=True)
class Judged:
    kind: str
    idea: str
    source: str
    text: str


def load(path: Path = JUDGED) -> list[Judged]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, idea, source, text = line.split("\t")
            rows.append(Judged(kind, idea, source, text))
    return rows


def judged_pairs(rows: list[Judged]) -> dict[tuple[int, int], bool]:
    """Every pair of statements of one kind: True when the same idea (a "-" idea is alone)."""
    pairs = {}
    for i, j in combinations(range(len(rows)), 2):
        if rows[i].kind == rows[j].kind:
            pairs[(i, j)] = rows[i].idea != "-" and rows[i].idea == rows[j].idea
    return pairs


def score(rows: list[Judged], together: set[tuple[int, int]]) -> tuple[float, float, float]:
    truth = judged_pairs(rows)
    tp = sum(1 for pair, same in truth.items() if same and pair in together)
    fp = sum(1 for pair, same in truth.items() if not same and pair in together)
    fn = sum(1 for pair, same in truth.items() if same and pair not in together)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairs_of_groups(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {tuple(sorted(p)) for group in groups for p in combinations(group, 2)}


def by_kind(rows: list[Judged], group_one_kind) -> set[tuple[int, int]]:
    together = set()
    for kind in ("lever", "obstacle"):
        index = [i for i, r in enumerate(rows) if r.kind == kind]
        for group in group_one_kind([rows[i] for i in index]):
            together |= _pairs_of_groups([[index[i] for i in group]])
    return together


def shared_word(rows: list[Judged]) -> list[list[int]]:
    """Connected components of "shares a stemmed content word"."""
    parent = list(range(len(rows)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders = defaultdict(list)
    for i, row in enumerate(rows):
        for word in set(grouping._stems(row.text)):
            holders[word].append(i)
    for members in holders.values():
        for i in members[1:]:
            parent[root(i)] = root(members[0])
    groups = defaultdict(list)
    for i in range(len(rows)):
        groups[root(i)].append(i)
    return list(groups.values())


def word_pairs(rows: list[Judged]) -> list[list[int]]:
    """The previous method: one group per adjacent word pair stated by two experiences or more,
    a pair whose statements are those of a wider one folded into it (as recurrences did)."""
    from wiki.content.sections import normalise_item

    statements, pages = defaultdict(set), defaultdict(set)
    for i, row in enumerate(rows):
        for concept in grouping.baseline_pairs(normalise_item(row.text)):
            statements[concept].add(i)
            pages[concept].add(row.source if row.source != "own" else f"own-{i}")
    ranked = sorted(
        (c for c in statements if len(pages[c]) >= 2),
        key=lambda c: (-len(pages[c]), -len(statements[c]), c),
    )
    shown: list[set[int]] = []
    for concept in ranked:
        if not any(statements[concept] <= earlier for earlier in shown):
            shown.append(statements[concept])
    return [sorted(s) for s in shown]


def tfidf_profiles(rows: list[Judged]):
    """Plain TF-IDF over stems (no thesaurus, no head): the textbook alternative."""
    docs = [Counter(grouping._stems(r.text)) for r in rows]
    df = Counter(word for doc in docs for word in doc)
    n = len(docs)
    vectors = {}
    for row, doc in zip(rows, docs, strict=True):
        weights = {w: tf * math.log((1 + n) / (1 + df[w])) for w, tf in doc.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        vectors[row.text] = {w: v / norm for w, v in weights.items()}
    return vectors


def tfidf_groups(rows: list[Judged], threshold: float) -> list[list[int]]:
    vectors = tfidf_profiles(rows)
    items = [grouping.Item(i, r.text) for i, r in enumerate(rows)]
    return grouping.cluster(
        items,
        threshold,
        profile_of=lambda text: grouping.Profile(vectors[text], {}),
        similar=lambda a, b: sum(
            a.weights[w] * b.weights[w] for w in a.weights.keys() & b.weights.keys()
        ),
    )


def concept_groups(rows, threshold=None, words=None, detail_weight=None) -> list[list[int]]:
    words = grouping.thesaurus() if words is None else words
    weight = grouping.DETAIL_WEIGHT if detail_weight is None else detail_weight
    items = [grouping.Item(i, r.text) for i, r in enumerate(rows)]
    return grouping.cluster(
        items,
        grouping.THRESHOLD if threshold is None else threshold,
        profile_of=lambda text: grouping.make_profile(text, words, weight),
    )


def no_thesaurus() -> grouping.Thesaurus:
    return grouping.Thesaurus({}, grouping.thesaurus().incidental, 1)


def methods(sweep: bool):
    yield "shared word (baseline)", shared_word
    yield "word pairs (before)", word_pairs
    for t in (0.2, 0.3, 0.4, 0.5) if sweep else (0.3,):
        yield f"TF-IDF cosine ≥ {t}", lambda rows, t=t: tfidf_groups(rows, t)
    yield "concepts, no thesaurus", lambda rows: concept_groups(rows, words=no_thesaurus())
    yield "concepts, head = details", lambda rows: concept_groups(rows, detail_weight=1.0)
    for t in (0.3, 0.4, 0.5, 0.6, 0.7) if sweep else ():
        yield f"concepts ≥ {t}", lambda rows, t=t: concept_groups(rows, threshold=t)
    yield f"concepts ≥ {grouping.THRESHOLD} (chosen)", concept_groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweep", action="store_true", help="also print other thresholds")
    parser.add_argument("--heldout", action="store_true", help="score the held-out set instead")
    args = parser.parse_args()
    rows = load(HELD_OUT if args.heldout else JUDGED)
    truth = judged_pairs(rows)
    same = sum(truth.values())
    print(
        f"{len(rows)} statements, {len(truth)} judged pairs ({same} same idea, "
        f"{len(truth) - same} different)"
    )
    print(f"{'method':34} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, method in methods(args.sweep):
        precision, recall, f1 = score(rows, by_kind(rows, method))
        print(f"{name:34} {precision:9.3f} {recall:7.3f} {f1:6.3f}")


if __name__ == "__main__":
    main()
