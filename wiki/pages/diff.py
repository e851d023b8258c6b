"""Line diffs between two revisions, with word-level highlighting inside changed lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# Words (letters with accents, digits) or single other characters, so that "énergies" vs
# "énergie" highlights one word, and spacing changes stay visible.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


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

    @property
    def identical(self) -> bool:
        return not self.hunks


def _empty() -> Side:
    return Side(None, [], "empty")


def _word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Segment("".join(a[i1:i2])))
            right.append(Segment("".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), True))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), True))
    return left, right


def _rows(old_lines, new_lines, opcodes) -> list[Row]:
    rows = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for k in range(i2 - i1):
                text = old_lines[i1 + k]
                rows.append(
                    Row(
                        Side(i1 + k + 1, [Segment(text)], "equal"),
                        Side(j1 + k + 1, [Segment(text)], "equal"),
                    )
                )
            continue
        pairs = max(i2 - i1, j2 - j1)
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            has_old, has_new = i < i2, j < j2
            if has_old and has_new:
                left, right = _word_diff(old_lines[i], new_lines[j])
                rows.append(Row(Side(i + 1, left, "delete"), Side(j + 1, right, "insert")))
            elif has_old:
                rows.append(Row(Side(i + 1, [Segment(old_lines[i], True)], "delete"), _empty()))
            else:
                rows.append(Row(_empty(), Side(j + 1, [Segment(new_lines[j], True)], "insert")))
    return rows


def diff_texts(old: str, new: str, context: int = 3) -> Diff:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        hunk = Hunk(group[0][1] + 1, group[0][3] + 1, _rows(old_lines, new_lines, group))
        hunks.append(hunk)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return Diff(hunks, added, removed)
