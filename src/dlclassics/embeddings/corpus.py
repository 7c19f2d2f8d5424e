"""Where word vectors learn from: a registered corpus or a text file, streamed as sentences.

``--corpus`` of ``dlc word2vec train`` and ``dlc glove train`` takes one string:

1. **an existing file**: text with one sentence per line and tokens separated by whitespace
   (the input of ``word2vec.c`` and gensim's ``LineSentence``); ``--encoding`` if it is not
   UTF-8; ``--segment jieba`` for raw Chinese text, which jieba then segments into words;
2. otherwise **a registered corpus** (all splits of the data set; fetched on first use):

   =================  ====================================================================
   ``sotu``           State of the Union addresses 1790–2021: 1,803,902 words, 64,668 sentences
   ``brown``          the Brown corpus (NLTK's tokens): 1,013,319 words, 57,159 sentences
   ``bible-en``       the World English Bible, one verse a sentence: 745,709 words
   ``moby-dick``      *Moby-Dick*, chapters 1–135: 212,249 words, 10,152 sentences
   ``en-mix``         the four above, in that order: 3,775,179 words, 162,840 sentences;
                      lowercased, 68,464 distinct words, 23,377 of them seen ≥ 5 times
   ``peoples-daily``  People's Daily 1998, PKU segmentation: 948,385 words (Chinese)
   =================  ====================================================================

English corpora are tokenised by :class:`~dlclassics.data.tokenize.EnglishWords`; tokens
without a letter or digit (punctuation) are dropped in every registered corpus and from
jieba's output (a FILE's own whitespace tokens are kept as given), as in the usual
word2vec pre-processing, and prose is cut into sentences after ``.``, ``!`` and ``?``
(word counts above are after this). ``--lowercase``
folds case (recommended for English: the analogy and similarity sets are matched case
insensitively). People's Daily is used as segmented.

A corpus is *re-iterable*: every ``iter()`` reads the source again from the start, so a
trainer makes one pass per epoch and never holds the corpus in memory.

>>> sentences = Corpus("en-mix", lowercase=True)                   # doctest: +SKIP
>>> next(iter(sentences))[:6]                                       # doctest: +SKIP
['fellow', 'citizens', 'of', 'the', 'senate', 'and']
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from dlclassics.data.tokenize import EnglishWords, JiebaWords
from dlclassics.errors import DataError
from dlclassics.registry import Registry

__all__ = [
    "CORPORA",
    "MAX_SENTENCE",
    "Chunk",
    "Corpus",
    "Segment",
    "chunk_sentences",
    "english_sentences",
]

Segment = Literal["none", "jieba"]
SPLITS = ("train", "val", "test")  # a registered corpus is read whole, in this order
_WORD = re.compile(r"[^\W_]")  # a token with a letter or digit is a word
_SENTENCE_END = frozenset({".", "!", "?"})
MAX_SENTENCE = 10_000  # longer sentences are cut (gensim's MAX_WORDS_IN_BATCH)


def english_sentences(text: str, lowercase: bool) -> Iterator[list[str]]:
    """Tokenize prose, cut it into sentences after . ! ?, drop punctuation tokens."""
    sentence: list[str] = []
    for token in EnglishWords(lowercase=lowercase)(text):
        if _WORD.search(token):
            sentence.append(token)
        elif token in _SENTENCE_END and sentence:
            yield sentence
            sentence = []
    if sentence:
        yield sentence


def _words_only(tokens: Iterable[str], lowercase: bool) -> list[str]:
    return [t.lower() if lowercase else t for t in tokens if _WORD.search(t)]


def _sotu(lowercase: bool) -> Iterator[list[str]]:
    from dlclassics.data.sets import sotu

    for split in SPLITS:
        for text in sotu.texts(split):
            yield from english_sentences(text, lowercase)


def _brown(lowercase: bool) -> Iterator[list[str]]:
    from dlclassics.data.sets import brown

    for split in SPLITS:
        for record in brown.records(split):
            words = _words_only(record.words, lowercase)
            if words:
                yield words


def _bible_en(lowercase: bool) -> Iterator[list[str]]:
    from dlclassics.data.sets import bible_en_es

    for split in SPLITS:
        for en, _ in bible_en_es.pairs(split):
            words = _words_only(EnglishWords()(en), lowercase)
            if words:
                yield words


def _moby_dick(lowercase: bool) -> Iterator[list[str]]:
    from dlclassics.data.sets import moby_dick

    for split in SPLITS:
        paragraph: list[str] = []
        for line in [*moby_dick.lines(split), ""]:
            if line.strip():
                paragraph.append(line)
            elif paragraph:
                yield from english_sentences(" ".join(paragraph), lowercase)
                paragraph = []


def _en_mix(lowercase: bool) -> Iterator[list[str]]:
    for part in (_sotu, _brown, _bible_en, _moby_dick):
        yield from part(lowercase)


def _peoples_daily(lowercase: bool) -> Iterator[list[str]]:
    from dlclassics.data.sets import peoples_daily

    for split in SPLITS:
        for words in peoples_daily.segmented(split):
            words = _words_only(words, lowercase)
            if words:
                yield words


# corpus name -> its sentences (token lists), given `lowercase`
CORPORA: Registry[Callable[[bool], Iterator[list[str]]]] = Registry("corpus")
CORPORA.add("sotu", _sotu)
CORPORA.add("brown", _brown)
CORPORA.add("bible-en", _bible_en)
CORPORA.add("moby-dick", _moby_dick)
CORPORA.add("en-mix", _en_mix)
CORPORA.add("peoples-daily", _peoples_daily)


def _file_lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines of ``path``; a DataError names the byte offset of a bad byte."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise DataError(
            f"unknown --encoding {encoding!r}; try utf-8, gbk, gb18030 or latin-1"
        ) from None
    offset = 0
    with path.open("rb") as f:
        for line_no, raw in enumerate(f, 1):
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as err:
                raise DataError(
                    f"{path}, line {line_no}: not valid {encoding} ({err.reason}) at byte "
                    f"offset {offset + err.start} of the file; pass the file's encoding with "
                    "--encoding (e.g. --encoding gbk or latin-1) or re-encode it as UTF-8"
                ) from None
            offset += len(raw)
            if line_no == 1:
                text = text.removeprefix("\ufeff")
            yield text


@dataclass(frozen=True)
class Corpus:
    """A re-iterable stream of sentences (lists of tokens) named by a file path or corpus."""

    spec: str  # a file path, or a registered corpus name (see the module docstring)
    lowercase: bool = False  # fold case ("The" and "the" become one word)
    segment: Segment = "none"  # "jieba": segment each line of raw Chinese text into words
    encoding: str = "utf-8"  # of a file corpus

    def __post_init__(self) -> None:
        if not self.is_file and self.spec not in CORPORA:
            raise DataError(
                f"--corpus {self.spec!r} is neither a file nor a registered corpus; give a "
                "path to a text file with one sentence per line, or one of: " + ", ".join(CORPORA)
            )

    @property
    def is_file(self) -> bool:
        return Path(self.spec).is_file()

    def __str__(self) -> str:
        return self.spec

    def __iter__(self) -> Iterator[list[str]]:
        if not self.is_file:
            yield from CORPORA[self.spec](self.lowercase)
            return
        jieba = JiebaWords() if self.segment == "jieba" else None
        for line in _file_lines(Path(self.spec), self.encoding):
            if jieba is not None:  # jieba also emits punctuation marks: drop them, as above
                tokens = _words_only(jieba(line), self.lowercase)
            else:  # the file's own tokens, as given
                tokens = [t.lower() for t in line.split()] if self.lowercase else line.split()
            if tokens:
                yield tokens


# ------------------------------------------------------------- id streams, in chunks


class Chunk:
    """Sentences as one id array and their boundaries: ids[starts[s]:starts[s+1]]."""

    __slots__ = ("ids", "starts")

    def __init__(self, ids: np.ndarray, starts: np.ndarray) -> None:
        self.ids = ids  # (N,) int32
        self.starts = starts  # (S + 1,) int64

    @property
    def words(self) -> int:
        return len(self.ids)


def chunk_sentences(encoded: Iterable[np.ndarray], chunk_words: int) -> Iterator[Chunk]:
    """Group id arrays (sentences) into chunks of at least ``chunk_words`` words."""
    parts: list[np.ndarray] = []
    n = 0
    for ids in encoded:
        for cut in range(0, len(ids), MAX_SENTENCE):
            piece = ids[cut : cut + MAX_SENTENCE]
            if len(piece) == 0:  # every word out of vocabulary
                continue
            parts.append(piece)
            n += len(piece)
        if n >= chunk_words:
            yield _pack(parts)
            parts, n = [], 0
    if parts:
        yield _pack(parts)


def _pack(parts: list[np.ndarray]) -> Chunk:
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=starts[1:])
    return Chunk(np.concatenate(parts).astype(np.int32, copy=False), starts)
