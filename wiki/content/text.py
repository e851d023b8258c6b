"""Folding of French words for comparison: case, accents, ligatures, punctuation."""

import re
import unicodedata

# NFKD leaves these letters whole; volunteers type them either way.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Saint-Étienne’s" -> "saint etienne s".

    For comparing names and labels; the search index folds its own way
    (wiki.search.analysis.fold_accents keeps punctuation for its tokenizer).
    """
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", ascii_text).strip()
