"""Grouping statements by the idea they state: concepts, similarity, clusters (no database).

A lever or obstacle is written as a head that names the idea and details that tell the local
story: "Le soutien des élus, avec une adjointe qui a porté le projet…". Statements are compared
by their concepts — stemmed content words, with the words of one idea mapped to one concept by
a small transition thesaurus (thesaurus.toml) — the head counting four times as much as the
details. Two statements are alike by the weighted share of concepts they have in common, and
groups are formed by average linkage above a threshold, so one incidental shared word ("première
année") never joins two ideas, and a chain of loosely related statements never makes one group.
The method and its threshold were chosen on a judged set of pairs: see bench/invariants.py.
"""

from __future__ import annotations

import heapq
import math
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from wiki.content.text import fold

# The head ends where the details start: a colon, a comma, a bracket, a dash, a relative pronoun.
_HEAD_END = re.compile(r"\s*(?:[:;,(—–]|\s-\s|\b(?:qui|dont|who|which)\b)")
DETAIL_WEIGHT = 0.25
THRESHOLD = 0.3
_STOP_WORDS = frozenset(
    """a au aux avec c ce ces cet cette d dans de des du en et il ils elle elles est etc l la
    le les leur leurs lui ma mes mon n ou par pour qu que qui s sa se ses son sont sur ta tes
    ton un une vos votre nos notre y the of and an to in on for with by at is are a be from
    was were has have had its""".split()
)


@cache
def _stemmer():
    from whoosh.lang import stemmer_for_language

    return stemmer_for_language("fr")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A folded word's stem; plural first, Snowball keeps "elus" and "elu" apart."""
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    return _stemmer()(word)


def _stems(text: str) -> list[str]:
    return [stem(w) for w in fold(text).split() if w not in _STOP_WORDS and not w.isdigit()]


@dataclass(frozen=True)
class Thesaurus:
    """Phrases (tuples of stems) mapped to their concept, and the incidental stems to drop."""

    phrases: dict[tuple[str, ...], str]
    incidental: frozenset[str]
    longest: int


@cache
def thesaurus() -> Thesaurus:
    source = resources.files("wiki.knowledge").joinpath("thesaurus.toml").read_text("utf-8")
    data = tomllib.loads(source)
    phrases: dict[tuple[str, ...], str] = {}
    for concept, words in data["concepts"].items():
        for phrase in [concept, *words]:
            stems = tuple(_stems(phrase))
            if stems:
                phrases.setdefault(stems, concept)
    incidental = frozenset(s for w in data["incidental"]["words"] for s in _stems(w))
    return Thesaurus(phrases, incidental, max(len(p) for p in phrases))


def _concepts(text: str, words: Thesaurus) -> list[tuple[str, str]]:
    """(concept, the word as written) pairs: thesaurus phrases longest first, else stems."""
    stems = _stems(text)
    # The words as written (accents kept) for labels, aligned on the folded words when both
    # split the same way, which they do but for rare signs.
    folded = fold(text).split()
    written = re.findall(r"[^\W_]+", text.lower())
    surface = written if len(written) == len(folded) else folded
    kept = [i for i, w in enumerate(folded) if w not in _STOP_WORDS and not w.isdigit()]
    found, i = [], 0
    while i < len(stems):
        for size in range(min(words.longest, len(stems) - i), 0, -1):
            concept = words.phrases.get(tuple(stems[i : i + size]))
            if concept:
                found.append((concept, concept))
                i += size
                break
        else:
            if stems[i] not in words.incidental and len(stems[i]) > 1:
                found.append((stems[i], surface[kept[i]]))
            i += 1
    return found


def head_and_details(text: str) -> tuple[str, str]:
    """ "Le soutien des élus, avec une adjointe" -> ("Le soutien des élus", "avec une adjointe")."""
    match = _HEAD_END.search(text, 1)
    if not match or not text[: match.start()].strip():
        return text, ""
    return text[: match.start()], text[match.end() :]


@dataclass
class Profile:
    """What a statement says, for comparing: concept weights and how each concept was written."""

    weights: dict[str, float]
    written: dict[str, str]


@lru_cache(maxsize=65536)
def profile(text: str) -> Profile:
    return make_profile(text, thesaurus(), DETAIL_WEIGHT)


def make_profile(text: str, words: Thesaurus, detail_weight: float) -> Profile:
    """The profile of `text` for a thesaurus and a weight of details (the bench varies both)."""
    head, details = head_and_details(text) if detail_weight < 1 else (text, "")
    weights: dict[str, float] = {}
    written: dict[str, str] = {}
    for part, weight in ((head, 1.0), (details, detail_weight)):
        for concept, shown in _concepts(part, words):
            if weight > weights.get(concept, 0.0):
                weights[concept] = weight
            written.setdefault(concept, shown)
    return Profile(weights, written)


def similarity(a: Profile, b: Profile) -> float:
    """Weighted share of concepts in common (0 to 1): the shorter statement's view of the other."""
    common = sum(min(a.weights[c], b.weights[c]) for c in a.weights.keys() & b.weights.keys())
    if not common:
        return 0.0
    smaller = min(sum(a.weights.values()), sum(b.weights.values()))
    larger = max(sum(a.weights.values()), sum(b.weights.values()))
    # The geometric mean of the two shares (cosine-like) keeps a one-word statement from
    # matching every long one that mentions its word in passing.
    return common / math.sqrt(smaller * larger)


@dataclass
class Item:
    """A statement to group: `pin` is a moderator's group for it (kept across saves), or None."""

    ref: Hashable
    text: str
    pin: Hashable | None = None


@dataclass
class _Cluster:
    members: list[int]
    pins: set
    links: dict[int, float] = field(default_factory=dict)  # other cluster -> sum of similarities


def _start(items: Sequence[Item]) -> tuple[list[_Cluster], list[int]]:
    """First clusters: the items of one moderator group together, identical unpinned texts
    together (they are one idea, and this keeps thousands of copies cheap)."""
    clusters: list[_Cluster] = []
    index: dict[tuple, int] = {}
    owner = []
    for i, item in enumerate(items):
        key = ("pin", item.pin) if item.pin is not None else ("text", item.text)
        if key not in index:
            index[key] = len(clusters)
            clusters.append(_Cluster([], {item.pin} - {None}))
        clusters[index[key]].members.append(i)
        owner.append(index[key])
    return clusters, owner


class Neighbours:
    """The similar texts of each text, computed once and read for many subsets (themes)."""

    def __init__(self, texts: Iterable[str], profile_of=profile, similar=None):
        texts = sorted(set(texts))
        sims = _pair_similarities([profile_of(text) for text in texts], similar or similarity)
        self.of: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for (x, y), value in sims.items():
            if value > 0:
                self.of[texts[x]].append((texts[y], value))
                self.of[texts[y]].append((texts[x], value))

    def among(self, texts: list[str]) -> dict[tuple[int, int], float]:
        """Similarities of the pairs of `texts` (by position) that have any."""
        at = {text: i for i, text in enumerate(texts)}
        found = {}
        for text, i in at.items():
            for other, value in self.of.get(text, ()):
                j = at.get(other)
                if j is not None and i < j:
                    found[(i, j)] = value
        return found


def cluster(
    items: Sequence[Item],
    threshold: float = THRESHOLD,
    profile_of=profile,
    similar=None,
    neighbours: Neighbours | None = None,
) -> list[list[int]]:
    """Indices of `items` in groups of one idea: average linkage above `threshold`.

    The two groups whose statements are on average the most alike are joined first, until no
    pair of groups reaches the threshold. Items pinned to one moderator group start together;
    items pinned to two different groups are never joined, whatever their words.
    """
    clusters, owner = _start(items)
    texts = sorted({item.text for item in items})
    at = {text: n for n, text in enumerate(texts)}
    if neighbours is None:
        neighbours = Neighbours(texts, profile_of, similar)
    sims = neighbours.among(texts)
    # Which first clusters hold each text, how many times: a text said by 300 pages is one
    # row of the similarity table, weighing 300.
    by_text: dict[int, Counter] = defaultdict(Counter)
    for i, item in enumerate(items):
        by_text[at[item.text]][owner[i]] += 1
    for (x, y), value in sims.items():
        for a, times_a in by_text[x].items():
            for b, times_b in by_text[y].items():
                if a != b:
                    weight = value * times_a * times_b
                    clusters[a].links[b] = clusters[a].links.get(b, 0.0) + weight
                    clusters[b].links[a] = clusters[b].links.get(a, 0.0) + weight
    alive = set(range(len(clusters)))
    heap = []
    for a in alive:
        for b, total in clusters[a].links.items():
            if a < b:
                _push(heap, clusters, a, b, total, threshold)
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in alive or b not in alive:
            continue
        alive -= {a, b}
        merged = _Cluster(
            clusters[a].members + clusters[b].members, clusters[a].pins | clusters[b].pins
        )
        new = len(clusters)
        clusters.append(merged)
        for old in (a, b):
            for other, total in clusters[old].links.items():
                if other in alive:
                    merged.links[other] = merged.links.get(other, 0.0) + total
                    clusters[other].links.pop(old, None)
        for other, total in merged.links.items():
            clusters[other].links[new] = total
            _push(heap, clusters, new, other, total, threshold)
        alive.add(new)
    return sorted((sorted(clusters[c].members) for c in alive), key=lambda g: g[0])


def _push(heap: list, clusters: list[_Cluster], a: int, b: int, total: float, threshold: float):
    first, second = clusters[a], clusters[b]
    if first.pins and second.pins:
        return  # two moderator groups stay apart
    average = total / (len(first.members) * len(second.members))
    if average >= threshold:
        heapq.heappush(heap, (-average, min(a, b), max(a, b)))


def _pair_similarities(profiles: list[Profile], similar) -> dict[tuple[int, int], float]:
    """Similarity of every pair that shares a concept (the others are 0), found by an index."""
    by_concept: dict[str, list[int]] = defaultdict(list)
    for i, each in enumerate(profiles):
        for concept in each.weights:
            by_concept[concept].append(i)
    candidates = set()
    for holders in by_concept.values():
        for x, i in enumerate(holders):
            candidates.update((i, j) for j in holders[x + 1 :])
    return {(i, j): similar(profiles[i], profiles[j]) for i, j in candidates}


def label(texts: Iterable[str], limit: int = 3) -> list[str]:
    """The concept words a group shares: those of at least half its statements and of two at
    least (a detail counting for a quarter), most shared first, as written most often — a
    neutral name, no one experience's sentence."""
    texts = list(texts)
    counts: Counter = Counter()
    written: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        each = profile(text)
        for concept, weight in each.weights.items():
            counts[concept] += weight
            written[concept][each.written[concept]] += 1
    needed = min(len(texts), max(2.0, len(texts) / 2 + 0.5))  # more than half
    shared = [c for c, n in counts.most_common() if n >= needed]
    return [written[c].most_common(1)[0][0] for c in shared[:limit]]


def baseline_pairs(key: str) -> frozenset[str]:
    """The method before this one: adjacent pairs of stemmed content words ("soutien elu")."""
    words = [stem(w) for w in key.split() if len(w) > 2 and not w.isdigit()]
    if len(words) == 1:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b)
