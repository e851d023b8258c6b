"""Password rules after NIST SP 800-63B: length, and not a commonly used password."""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
# Long pass phrases are welcome; the ceiling only keeps hashing a megabyte out of reach.
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# French phrases the English-speaking list misses, at least 12 characters long.
FRENCH_COMMON = {
    "azertyuiopqsdf",
    "azertyuiop123",
    "azertyuiopqsdfghjklm",
    "motdepasse123",
    "motdepassemotdepasse",
    "jetaime123456",
    "jetaimejetaime",
    "soleil123456",
    "bonjour123456",
    "marseille13013",
    "allezlesbleus",
    "essaimessaim",
    "essaim123456",
}


# Runs typed along a keyboard or the alphabet ("123456789012", "azertyuiopqs") are as weak.
_RUNS = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "azertyuiopqsdfghjklmwxcvbnazertyuiopqsdfghjklmwxcvbn",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
)


def _is_run(text: str) -> bool:
    return any(text in run or text in run[::-1] for run in _RUNS)


class PasswordRefused(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_FILE, "rt", encoding="utf-8") as lines:
        listed = {line.strip() for line in lines}
    return frozenset(listed | FRENCH_COMMON)


def normalise(password: str) -> str:
    """NIST: passwords are compared after Unicode normalisation (NFKC)."""
    return unicodedata.normalize("NFKC", password or "")


def check(password: str, *, names: tuple[str, ...] = ()) -> None:
    """Raise PasswordRefused with a message saying what to do, or return quietly."""
    password = normalise(password)
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(_l("The password needs at least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(_l("The password is too long (%(n)s at most).", n=MAX_LENGTH))
    folded = password.casefold()
    squeezed = "".join(folded.split())
    if (
        folded in common_passwords()
        or squeezed in common_passwords()
        or len(set(folded)) < 4
        or _is_run(squeezed)
    ):
        raise PasswordRefused(
            _l("This password is one of the most common ones: choose a less expected sentence.")
        )
    for name in names:
        if name and name.casefold() in folded and len(name) * 2 > len(folded):
            raise PasswordRefused(_l("The password is too close to your name."))
