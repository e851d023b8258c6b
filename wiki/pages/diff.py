"""Line diffs between two revisions, with word-level highlighting inside changed lines."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

# Words (letters with accents, digits) or single other characters, so that "énergies" vs
# "énergie" highlights one word, and spacing changes stay visible.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

# Budgets. Myers' algorithm (diff-match-patch) costs O(N·D): on texts that differ everywhere it
# would run for minutes, so past TIME_BUDGET seconds what is left is shown as one replaced block
# (`Diff.coarse`). Rows past MAX_ROWS are not built (`Diff.truncated`): nobody reads them, and a
# 1 MB diff would otherwise be a 50 MB page. Words are compared only inside lines shorter than
# MAX_WORD_DIFF_CHARS; longer ones are marked changed as a whole.
TIME_BUDGET = 2.0
MAX_ROWS = 3000
MAX_WORD_DIFF_CHARS = 5000


@dataclass
class Segment:
    text: str
    changed: bool = False


@dataclass
class Side:
    number: int | None  # line number in its text, None for a blank cell
    segments: list[Segment]
    kind: str  # equal | delete | insert | empty


@dataclass
class Row:
    """One row of the side-by-side view; the inline view shows left then right when they differ."""

    left: Side
    right: Side

    @property
    def kind(self) -> str:
        if self.left.kind == "equal":
            return "equal"
        if self.left.kind == "empty":
            return "insert"
        if self.right.kind == "empty":
            return "delete"
        return "replace"


@dataclass
class Hunk:
    old_start: int
    new_start: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class Diff:
    hunks: list[Hunk]
    added: int
    removed: int
    coarse: bool = False  # the time budget ran out: part of the change is shown as one block
    truncated: bool = False  # more than MAX_ROWS rows: the rest is not shown

    @property
    def identical(self) -> bool:
        return not self.hunks


def _empty() -> Side:
    return Side(None, [], "empty")


class _Budget:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.exceeded = False

    def left(self) -> float:
        return self.deadline - time.monotonic()


def _opcodes(a: list[str], b: list[str], budget: _Budget) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes between two sequences of strings, by diff-match-patch on one
    character per distinct string, within the budget (then the middle is one replace)."""
    codes: dict[str, str] = {}

    def encode(items: list[str]) -> str:
        out = []
        for item in items:
            char = codes.get(item)
            if char is None:
                n = len(codes) + 1
                char = codes[item] = chr(n + 0x800 if n >= 0xD800 else n)  # skip surrogates
            out.append(char)
        return "".join(out)

    matcher = diff_match_patch()
    left = budget.left()
    matcher.Diff_Timeout = max(left, 0.001)
    deadline = time.time() + matcher.Diff_Timeout
    pieces = matcher.diff_main(encode(a), encode(b), checklines=False, deadline=deadline)
    if time.time() >= deadline:
        budget.exceeded = True
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for op, chunk in pieces:
        n = len(chunk)
        if op == 0:
            opcodes.append(("equal", i, i + n, j, j + n))
            i, j = i + n, j + n
        elif op < 0:
            opcodes.append(("delete", i, i + n, j, j))
            i += n
        else:
            if opcodes and opcodes[-1][0] == "delete" and opcodes[-1][4] == j:
                _tag, i1, i2, j1, _j2 = opcodes.pop()
                opcodes.append(("replace", i1, i2, j1, j + n))
            else:
                opcodes.append(("insert", i, i, j, j + n))
            j += n
    return opcodes or [("equal", 0, 0, 0, 0)]


class _Matcher(SequenceMatcher):
    """difflib's hunk grouping (get_grouped_opcodes) over opcodes computed elsewhere."""

    def __init__(self, opcodes):
        super().__init__(None, [], [])
        self.opcodes = opcodes

    def get_opcodes(self):
        return self.opcodes


def _word_diff(old: str, new: str, budget: _Budget) -> tuple[list[Segment], list[Segment]]:
    if budget.exceeded or len(old) + len(new) > MAX_WORD_DIFF_CHARS or budget.left() <= 0:
        return [Segment(old, True)], [Segment(new, True)]
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b, budget):
        if tag == "equal":
            left.append(Segment("".join(a[i1:i2])))
            right.append(Segment("".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), True))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), True))
    return left, right


def _rows(old_lines, new_lines, opcodes, budget: _Budget, room: int) -> list[Row]:
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if len(rows) >= room:
            break
        if tag == "equal":
            for k in range(min(i2 - i1, room - len(rows))):
                text = old_lines[i1 + k]
                rows.append(
                    Row(
                        Side(i1 + k + 1, [Segment(text)], "equal"),
                        Side(j1 + k + 1, [Segment(text)], "equal"),
                    )
                )
            continue
        pairs = min(max(i2 - i1, j2 - j1), room - len(rows))
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            has_old, has_new = i < i2, j < j2
            if has_old and has_new:
                left, right = _word_diff(old_lines[i], new_lines[j], budget)
                rows.append(Row(Side(i + 1, left, "delete"), Side(j + 1, right, "insert")))
            elif has_old:
                rows.append(Row(Side(i + 1, [Segment(old_lines[i], True)], "delete"), _empty()))
            else:
                rows.append(Row(_empty(), Side(j + 1, [Segment(new_lines[j], True)], "insert")))
    return rows


def diff_texts(
    old: str,
    new: str,
    context: int = 3,
    time_budget: float | None = None,
    max_rows: int = MAX_ROWS,
) -> Diff:
    """Line diff of two texts, within `time_budget` seconds and `max_rows` rows (see above)."""
    budget = _Budget(TIME_BUDGET if time_budget is None else time_budget)
    old_lines, new_lines = old.splitlines(), new.splitlines()
    opcodes = _opcodes(old_lines, new_lines, budget)
    coarse = budget.exceeded
    hunks = []
    shown = 0
    truncated = False
    for group in _Matcher(opcodes).get_grouped_opcodes(context):
        if shown >= max_rows:
            truncated = True
            break
        rows = _rows(old_lines, new_lines, group, budget, max_rows - shown)
        shown += len(rows)
        hunks.append(Hunk(group[0][1] + 1, group[0][3] + 1, rows))
    added = removed = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    truncated = truncated or shown >= max_rows and _more_rows(opcodes, context, shown)
    return Diff(hunks, added, removed, coarse=coarse, truncated=truncated)


def _more_rows(opcodes, context: int, shown: int) -> bool:
    total = sum(
        max(i2 - i1, j2 - j1)
        for group in _Matcher(opcodes).get_grouped_opcodes(context)
        for _tag, i1, i2, j1, j2 in group
    )
    return total > shown


_CACHE: OrderedDict[tuple[bytes, bytes], Diff] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def cached_diff(old: str, new: str) -> Diff:
    """diff_texts() for the diff page, which anyone may open: revisions never change, so the
    last few diffs are kept and a reader reloading an expensive one costs nothing."""
    key = (_digest(old), _digest(new))
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    result = diff_texts(old, new)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result
