"""What word vectors learn from: the words view of a corpus or a file, then ids in chunks.

``--corpus`` of ``dlc word2vec train`` and ``dlc glove train`` takes one string, resolved by
:class:`~dlclassics.data.corpora.Text` (the guide to every corpus is
:mod:`dlclassics.data.corpora`):

1. **an existing file**: text with one sentence per line and tokens separated by whitespace
   (the input of ``word2vec.c`` and gensim's ``LineSentence``), its tokens kept as given;
   ``--encoding`` if it is not UTF-8; ``--segment jieba`` for raw Chinese text, which jieba
   then segments into words (punctuation dropped). A ``.gz``, ``.bz2`` or ``.xz`` file is
   decompressed as it is read; a directory stands for its files (sorted, recursively);
2. otherwise **a registered corpus**, read whole (train, val and test) in its ``words``
   view: ``sotu`` (64,668 sentences, 1,803,902 words), ``brown`` (57,159 / 1,013,319),
   ``bible-en`` (30,861 verses, 745,709 words), ``moby-dick`` (10,152 / 212,249),
   ``en-mix`` (the four: 162,840 / 3,775,179; lowercased, 68,464 distinct words, 23,377 of
   them seen ≥ 5 times), ``peoples-daily`` (19,473 / 948,385, Chinese). English prose is
   tokenised by :class:`~dlclassics.data.tokenize.EnglishWords` and cut into sentences after
   ``.``, ``!`` and ``?``; tokens without a letter or digit (punctuation) are dropped.

``--lowercase`` folds case (recommended for English: the analogy and similarity sets are
matched case insensitively). ``<s>`` and the other tokens a language model reserves are
plain words here.

The stream is *re-iterable*: every ``iter()`` reads the source again from the start, so a
trainer makes one pass per epoch and never holds the corpus in memory.

>>> sentences = word_sentences("en-mix", lowercase=True)               # doctest: +SKIP
>>> next(iter(sentences))[:6]                                           # doctest: +SKIP
['fellow', 'citizens', 'of', 'the', 'senate', 'and']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from dlclassics.data.corpora import Segment, Text, TokenOptions

__all__ = ["MAX_SENTENCE", "Chunk", "Segment", "chunk_sentences", "word_sentences"]

MAX_SENTENCE = 10_000  # longer sentences are cut (gensim's MAX_WORDS_IN_BATCH)


def word_sentences(
    spec: str, *, lowercase: bool = False, segment: Segment = "none", encoding: str = "utf-8"
) -> Text:
    """The sentences ``--corpus spec`` names, as word vectors read them (module docstring)."""
    return Text(
        spec,
        split="all",
        options=TokenOptions(view="words", lowercase=lowercase),
        segment=segment,
        encoding=encoding,
        keep_reserved=True,
        flag="--corpus",
    )


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
