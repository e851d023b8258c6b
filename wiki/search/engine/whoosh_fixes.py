"""Corrections to Whoosh's own code (whoosh-reloaded 2.7.x), applied once on import.

- Speed fixes of index writing that leave what the index answers unchanged: a segment's missing
  columns remembered; the prose fields' words (wiki.search.analysis.french_analyzer) counted in
  one loop instead of through Whoosh's chain of token generators; each spelling word written
  once per segment instead of once per document. tests/search/engine/test_speed.py checks that
  an index built with them equals one built without (every posting, length and spelling word).
- Segment names drawn from the operating system's randomness, not from the `random` module.
- A segment reader holds its column files open from the start, so that a merge by another
  process cannot take them away in between.
"""

from __future__ import annotations

import secrets
import threading

from whoosh import fields, formats, writing
from whoosh.analysis import CompositeAnalyzer, RegexTokenizer
from whoosh.codec import base, whoosh3
from whoosh.util import IDCHARS

from wiki.search import analysis

_original_cached_reader = whoosh3.W3PerDocReader._cached_reader


def _cached_reader(self, fieldname, column):
    """Remember that a segment has *no* column for a field, not only the columns it has.

    Whoosh asks for the length of every posting of every field when it writes a segment; for
    fields without lengths (ID, KEYWORD, NUMERIC…) it looked for the missing file on disk each
    time: one stat() per posting, about a fifth of the time of a full reindex.
    A segment's files never change once written, so the answer can be kept.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = None
        if self.has_column(fieldname):
            reader = self.column_reader(fieldname, column)
        self._readers[fieldname] = reader
        return reader


_original_perdoc_init = whoosh3.W3PerDocReader.__init__


class SegmentGone(FileNotFoundError):
    """The segment was merged away (by another process) since the index's table of contents
    was read: open the index again."""


def _perdoc_init(self, storage, segment):
    """Open the segment's column files (stored fields, field lengths…) at once, not at their
    first read.

    Whoosh opened each column file the first time it was read. When another process merged
    that segment away in between, its files were gone: the stored fields read as None and the
    caller failed with "'NoneType' object is not subscriptable" (seen in CI: the search index
    check of tests/reliability/test_gunicorn.py, while a restarted server merged; a search
    racing a save's merge could fail the same way on a field's lengths). An open file stays
    readable after another process deletes it, so opening them at once closes the window to
    the time between reading the table of contents and this call, where SegmentGone says to
    open the index again.
    """
    _original_perdoc_init(self, storage, segment)
    prefix, ext = segment.make_filename("."), whoosh3.W3Codec.COLUMN_EXT
    for name in storage.list():
        if name.startswith(prefix) and name.endswith(ext):
            fieldname = name[len(prefix) : -len(ext)]
            try:
                self._colfiles[fieldname] = self._get_column_file(fieldname)
            except OSError:
                break  # deleted while listing: the whole segment is gone
    if self._doccount and "_stored" not in self._colfiles:
        self.close()
        raise SegmentGone(f"segment {segment.segment_id()} was merged away")


def _has_column(self, fieldname):
    """A column the reader holds open is there, even once another process deleted its file."""
    return fieldname in self._colfiles or _original_has_column(self, fieldname)


_original_has_column = whoosh3.W3PerDocReader.has_column


_original_random_id = base.Segment.__dict__["_random_id"]


def _random_id(cls, size: int = 16) -> str:
    """A new segment's name, from `secrets` rather than the `random` module.

    Whoosh names each new segment with random.choice(): anything that seeds the process-wide
    `random` module (Hypothesis does before every example it runs; so does any library that calls
    random.seed) makes the next segment take the name of an existing one, and its writer then
    truncates that segment's files while the table of contents still lists it: the index on disk
    is broken and searches answer 500 until a rebuild (found by bench/api_writes_then_search.py;
    tests/search/engine/test_segment_names.py).
    """
    return "".join(secrets.choice(IDCHARS) for _ in range(size))


_original_word_values = formats.Positions.word_values
_original_spellable_words = fields.FieldType.spellable_words


def _french(analyzer):
    """The word pattern of `analyzer` if it is french_analyzer(), else None (compared by its
    parts: a writer's schema is unpickled from the index's table of contents)."""
    items = getattr(analyzer, "items", ())
    if (
        type(analyzer) is CompositeAnalyzer
        and len(items) == 3
        and type(items[0]) is RegexTokenizer
        and type(items[1]) is analysis.FoldStopFilter
        and type(items[2]) is analysis.FrenchStemFilter
        and not items[0].gaps
        and items[0].expression.pattern == analysis.WORD_PATTERN
    ):
        return items[0].expression
    return None


def _word_values(self, value, analyzer, **kwargs):
    """Positions.word_values for a prose field at indexing: (stem, count, weight, positions).

    Whoosh runs a token generator per filter and sets a dozen attributes per token: a third of
    a full reindex. This loop gives the same terms, frequencies, weights and encoded positions
    (tokens of the regular expression; folded and stop words dropped through
    analysis.FoldStopFilter's cache, the others numbered without gaps from the first one's
    place; stems through FrenchStemFilter's cache; weight = count × field boost).
    """
    expression = _french(analyzer) if isinstance(value, str) else None
    if expression is None or type(self) is not formats.Positions or kwargs != {"mode": "index"}:
        return _original_word_values(self, value, analyzer, **kwargs)
    return _french_word_values(self, value, expression)


def _french_word_values(fmt, value, expression):
    folded, stems = analysis._FOLDED, analysis._STEMS
    places: dict[str, list[int]] = {}
    pos = None
    for index, word in enumerate(expression.findall(value)):
        entry = folded.get(word)
        text, stop = entry if entry is not None else analysis._folded(word)
        if stop:
            continue
        pos = index if pos is None else pos + 1
        stem = stems.get(text)
        if stem is None:
            stem = analysis._stem(text)
        found = places.get(stem)
        if found is None:
            places[stem] = [pos]
        else:
            found.append(pos)
    boost, encode = fmt.field_boost, fmt.encode
    for stem, poslist in places.items():
        yield (stem, len(poslist), float(len(poslist)) * boost, encode(poslist))


def _spellable_words(self, value):
    """FieldType.spellable_words for a prose field: its folded words, stop words left out, and
    only those the segment being written does not have yet.

    Whoosh adds every spelling word of every document as a posting of document 0 in the
    "spell_<field>" field: a quarter of all the postings a reindex sorts and writes, where
    only that field's list of words is ever read (Whoosh's corrector, for "did you mean";
    the frequencies it ranks by come from the field itself). Once per segment keeps the list.
    """
    expression = _french(self.analyzer) if isinstance(value, str) else None
    if expression is None:
        return _original_spellable_words(self, value)
    folded, words = analysis._FOLDED, set()
    for word in expression.findall(value):
        entry = folded.get(word)
        text, stop = entry if entry is not None else analysis._folded(word)
        if not stop:
            words.add(text)
    spelled = getattr(_writing, "spelled", None)
    if spelled is not None:
        words.difference_update(spelled)
        spelled.update(words)
    return iter(sorted(words))


_writing = threading.local()  # .spelled: the spelling words of the segment being written
_original_add_document = writing.SegmentWriter.add_document


def _add_document(self, **fields):
    _writing.spelled = self.__dict__.setdefault("_essaim_spelled", set())
    try:
        return _original_add_document(self, **fields)
    finally:
        _writing.spelled = None


def apply() -> None:
    writing.SegmentWriter.add_document = _add_document
    formats.Positions.word_values = _word_values
    fields.FieldType.spellable_words = _spellable_words
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.__init__ = _perdoc_init
    whoosh3.W3PerDocReader.has_column = _has_column
    base.Segment._random_id = classmethod(_random_id)


def revert() -> None:
    """For the tests: Whoosh as shipped."""
    writing.SegmentWriter.add_document = _original_add_document
    formats.Positions.word_values = _original_word_values
    fields.FieldType.spellable_words = _original_spellable_words
    whoosh3.W3PerDocReader._cached_reader = _original_cached_reader
    whoosh3.W3PerDocReader.__init__ = _original_perdoc_init
    whoosh3.W3PerDocReader.has_column = _original_has_column
    base.Segment._random_id = _original_random_id


apply()
