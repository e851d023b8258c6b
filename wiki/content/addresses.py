"""E-mail addresses written in a page's front matter, kept out of what readers are shown.

`contact: camille@example.org` lets readers write to the people behind an experience through
the contact form (wiki.social.contact) without the address ever being shown: the page, its
print and sheets never render it, and a diff shows it masked.
"""

from __future__ import annotations

import re

# An address anywhere in the front matter (`contact:`, or a key the wiki does not know).
_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n)(.*?\n)(---[ \t]*(?:\n|\Z))", re.S)
# Bounded parts (RFC 5321 lengths): a hostile line of letters costs linear time, not quadratic.
_ANY_ADDRESS = re.compile(
    r"([^@\s<>\"'\[\],:]{1,64})@([^@\s<>\"'\[\],]{1,253}\.[^@\s<>\"'\[\],.]{1,63})"
)


def masked(text: str) -> str:
    """The text with the addresses of its front matter masked ("m…@loos.fr"), for readers of
    its source (a diff): the address reaches its owner through the contact form, never a
    harvester. The domain stays, so that a change of address still shows as a change."""
    found = _FRONT_MATTER.match(text or "")
    if found is None or "@" not in found.group(2):
        return text
    hidden = _ANY_ADDRESS.sub(_mask, found.group(2))
    return found.group(1) + hidden + found.group(3) + text[found.end() :]


def _mask(match: re.Match) -> str:
    return f"{match.group(1)[0]}…@{match.group(2)}"


def restored(text: str, original: str) -> str:
    """`text` with the masks of `original`'s addresses put back: a client that read the masked
    text (the API without a token) and sends it back does not replace an address by its mask."""
    before = _FRONT_MATTER.match(original or "")
    after = _FRONT_MATTER.match(text or "")
    if before is None or after is None or "…@" not in after.group(2):
        return text
    front = after.group(2)
    for found in _ANY_ADDRESS.finditer(before.group(2)):
        front = front.replace(_mask(found), found.group(0))
    return after.group(1) + front + after.group(3) + text[after.end() :]
