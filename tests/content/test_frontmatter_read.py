"""read(), the reader of page views and indexing, gives exactly what split() gives.

read() takes libyaml's (YAML 1.1) reading of simple front matter and falls back to split()
(ruamel, YAML 1.2) for anything else; a difference between the two would show a reader other
metadata than the editor saved. Hypothesis writes front matter from pieces on which the two
YAML versions disagree (yes, on, 0o17, 1:20, dates, ~, duplicated keys, escapes, odd
characters) and the comparison covers values and errors.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiki.content import frontmatter
from wiki.content.frontmatter import FrontMatterError, read, split

TRICKY_SCALARS = [
    "yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "", "0o17", "017", "0x1F",
    "1_000", "1:20", "1:20:30", "2020-01-01", "2020-02-30", "2020-01-01 10:00:00", ".inf",
    "-.5", "1e3", "+12", "=", "<<", "idée", "Saint-Étienne", "a b", "a: b", "a #b", "R&D",
    "50 %", "x\\/y", "café\u00a0bio", "tab\there", "\u2028", "\x85", "\ufeff", "\U0001f41d",
    "[a", "'", '"', "- a", "@x", "`x", "!x", "*x", "&x", "a,b", "{a}", "?", "|", ">",
]  # fmt: skip

keys = st.sampled_from(["type", "territory", "themes", "tags", "status", "started", "yes", "1"])
scalar_text = st.one_of(st.sampled_from(TRICKY_SCALARS), st.text(max_size=12))


@st.composite
def scalars(draw) -> str:
    text = draw(scalar_text)
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@st.composite
def values(draw) -> str:
    kind = draw(st.sampled_from(["scalar", "flow", "block", "nested"]))
    if kind == "scalar":
        return " " + draw(scalars())
    items = draw(st.lists(scalars(), max_size=4))
    if kind == "flow":
        return " [" + ", ".join(items) + "]"
    if kind == "block":
        return "".join(f"\n  - {item}" for item in items) or " []"
    return "".join(f"\n  {draw(keys)}: {item}" for item in items) or " {}"


@st.composite
def front_matters(draw) -> str:
    lines = [f"{draw(keys)}:{draw(values())}" for _ in range(draw(st.integers(0, 5)))]
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n# Titre\n\nTexte.\n"


def comparable(value):
    """Plain data; ruamel's TaggedScalar (`key: =`) has no equality, so it is compared by repr."""
    if isinstance(value, dict):
        return {comparable(k): comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if type(value).__name__ == "TaggedScalar":
        return ("tagged", repr(value))
    return value


def outcome(reader, text):
    try:
        meta, body = reader(text)
    except FrontMatterError as error:
        return "error", str(error)
    return comparable(frontmatter._plain(meta)), body


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(front_matters())
def test_read_gives_what_split_gives(text):
    assert outcome(read, text) == outcome(split, text)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntype: experience\nterritory: Aurillac\nthemes: [alimentation, energie]\n---\nx",
        "---\nstatus: yes\n---\n",  # a string for YAML 1.2, a boolean for libyaml
        "---\nstarted: 2021-03-01\n---\n",  # a date: split() builds it
        "---\na: b\na: c\n---\n",  # a repeated key: split()'s French error
        "---\nterritory: [a\n---\n",  # an unclosed list: the same error and line
        "---\n---\nbody",
        "no front matter",
    ],
)
def test_usual_and_special_front_matter(text):
    assert outcome(read, text) == outcome(split, text)


def test_the_fast_reader_is_taken_for_usual_front_matter(monkeypatch):
    """The usual page's front matter never reaches ruamel (that is read()'s point)."""
    calls = []
    monkeypatch.setattr(frontmatter, "split", lambda text: calls.append(text) or ({}, text))
    meta, _body = read("---\ntype: experience\nthemes: [alimentation]\nstatus: idée\n---\nx")
    assert meta == {"type": "experience", "themes": ["alimentation"], "status": "idée"}
    assert calls == []
    read("---\nstatus: yes\n---\nx")
    assert len(calls) == 1
