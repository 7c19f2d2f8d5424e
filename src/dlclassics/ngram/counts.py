"""Counting n-grams of any order over a streamed corpus — the input of every smoother.

Note 002 (统计语言模型): an n-gram model estimates P(w_i | w_{i−n+1} … w_{i−1}) from counts
c(w_{i−n+1} … w_i); the maximum-likelihood estimate is c(h, w) / c(h). This module produces
those counts for n = 1 … N in one vectorised pass per order:

1. one pass over the text, a block of ``chunk_tokens`` words at a time: each word gets an
   id (``<unk>`` for words outside a given vocabulary, or — when the vocabulary is built
   on the way, with ``min_count`` / ``max_size`` — for the rare ones), and each block is
   framed (``<s> … </s>``) into an ``int32`` chunk;
2. order by order, every n-gram inside a sentence becomes one ``int64`` key
   ``prefix · V + w`` (:mod:`dlclassics.ngram.trie`); each chunk's keys are counted by a
   linear-time radix sort (:func:`~dlclassics.ngram.trie.group`) and the per-chunk tables
   are merged. The sort also yields, for free, the index of the n-gram ending at every
   position — the prefixes of the next order — and each n-gram's suffix link w_2 … w_n
   (the (n−1)-gram ending where it ends), which Kneser–Ney's continuation counts and
   every smoother's lower-order lookups need.

Memory: the text is never held whole — one block of words at a time — and counting keeps
about 20 bytes per corpus token (ids, positions, the index of the n-gram ending at each
position; sorting one chunk's keys needs about 50 more while it runs) plus 24 bytes per
distinct n-gram (key, count, suffix link); no Python object per token or n-gram (NLTK
keeps a ``Counter`` entry of tuples for each).

>>> counts = count_ngrams([["a", "b"], ["a"]], order=2)
>>> counts.count(["<s>", "a"]), counts.count(["a", "</s>"]), counts.count(["b"])
(2, 1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.ngram.trie import (
    Chunk,
    NGramIndex,
    arpa_id,
    arpa_word,
    encode,
    encode_with_new_vocab,
    group,
)

__all__ = ["NGramCounts", "count_chunks", "count_ngrams", "predictable"]


def predictable(vocab_size: int) -> np.ndarray:
    """(V,) bool: the words a model predicts — all but ``<pad>`` and ``<s>``.

    ``<unk>`` and ``</s>`` are predicted like any word; ``<s>`` only starts a context.
    """
    mask = np.ones(vocab_size, dtype=bool)
    mask[[Vocab.pad_id, Vocab.bos_id]] = False
    return mask


@dataclass(frozen=True, eq=False)
class NGramCounts:
    """c(w_1 … w_n) for every n-gram of orders 1 … N seen in a corpus."""

    vocab: Vocab
    index: NGramIndex
    counts: tuple[np.ndarray, ...]  # counts[n − 1]: (m_n,) int64, aligned with index.keys
    sentences: int  # number of sentences counted
    tokens: int  # predicted tokens: words + one </s> per sentence (<s> excluded)

    @property
    def order(self) -> int:
        return self.index.order

    def _ids(self, words: Sequence[str]) -> np.ndarray:
        return np.array([arpa_id(self.vocab, w) for w in words], dtype=np.int64)[None]

    def count(self, words: Sequence[str]) -> int:
        """c(words) — ARPA spellings ``<s>``, ``</s>``, ``<unk>`` for the specials."""
        if not 1 <= len(words) <= self.order:
            return 0
        i = int(self.index.find_words(self._ids(words))[0])
        return 0 if i < 0 else int(self.counts[len(words) - 1][i])

    def items(self, n: int) -> Iterator[tuple[tuple[str, ...], int]]:
        """``(words, count)`` of every n-gram of order n with a count > 0, in table order."""
        for row, c in zip(self.index.words(n), self.counts[n - 1], strict=True):
            if c > 0:
                yield tuple(arpa_word(self.vocab, int(i)) for i in row), int(c)


class _Merger:
    """Sums (key, count, link) tables from chunks; merges when pending tables grow large.

    A link (the index of the n-gram's suffix) is a function of the key, so merging keeps
    any one of a key's links.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit  # pending entries before a merge
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pending = 0

    def add(self, uniq: np.ndarray, counts: np.ndarray, links: np.ndarray) -> None:
        """Add one chunk's table (sorted distinct keys, their counts and suffix links)."""
        self.parts.append((uniq, counts, links))
        self.pending += len(uniq)
        if self.pending > self.limit and len(self.parts) > 1:
            self.parts = [self.result()]
            self.pending = len(self.parts[0][0])

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        if len(self.parts) == 1:
            return self.parts[0]
        keys, counts, links = (np.concatenate(column) for column in zip(*self.parts, strict=True))
        uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        summed = np.bincount(inverse, weights=counts, minlength=len(uniq)).astype(np.int64)
        return uniq, summed, links[first]


def count_ngrams(
    sentences: Iterable[Sequence[str]],
    order: int,
    vocab: Vocab | None = None,
    *,
    min_count: int = 1,
    max_size: int | None = None,
    chunk_tokens: int = 1 << 20,
) -> NGramCounts:
    """Count all n-grams of orders 1 … ``order`` in ``sentences`` (token lists).

    Without ``vocab``, one is built in the same single pass over ``sentences``
    (:meth:`Vocab.build`'s rules): words seen fewer than ``min_count`` times, or beyond
    ``max_size`` entries, become ``<unk>``.
    """
    if order < 1:
        raise ConfigError(f"order={order} must be ≥ 1 (n of the n-gram model)")
    if vocab is None:
        vocab, chunks = encode_with_new_vocab(
            sentences, min_count=min_count, max_size=max_size, chunk_tokens=chunk_tokens
        )
    else:
        chunks = list(encode(sentences, vocab, chunk_tokens=chunk_tokens))
    return count_chunks(chunks, vocab, order, merge_limit=4 * chunk_tokens)


def count_chunks(
    chunks: list[Chunk], vocab: Vocab, order: int, *, merge_limit: int = 1 << 22
) -> NGramCounts:
    """The counts of encoded ``chunks`` (all held in memory; :func:`count_ngrams` reads text).

    ``merge_limit``: pending per-chunk table entries before they are merged.
    """
    n_sentences = sum(c.sentences for c in chunks)
    if n_sentences == 0:
        raise DataError("the corpus has no sentences; point --text at a non-empty corpus")
    V = len(vocab)
    unigrams = np.zeros(V, dtype=np.int64)
    for chunk in chunks:
        unigrams += np.bincount(chunk.ids, minlength=V)
    keys: list[np.ndarray] = [np.arange(V, dtype=np.int64)]
    counts: list[np.ndarray] = [unigrams]
    suffixes: list[np.ndarray] = []  # [n − 2]: index of w_2 … w_n per n-gram of order n
    # index (at order n − 1) of the (n−1)-gram ending at each position of each chunk
    ending: list[np.ndarray] = [c.ids.astype(np.int64) for c in chunks]
    for n in range(2, order + 1):
        merger = _Merger(limit=merge_limit)
        # per chunk: the positions p where an n-gram ends, its distinct n-grams, which is at p
        local: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for chunk, before in zip(chunks, ending, strict=True):
            p = np.flatnonzero(chunk.pos >= n - 1)  # where an n-gram ends inside a sentence
            grams = group(before[p - 1] * V + chunk.ids[p], len(keys[-1]) * V)
            # the suffix w_2 … w_n of the n-gram ending at p is the (n−1)-gram ending at p
            merger.add(grams.keys, grams.counts, before[p[grams.first]])
            if n < order:  # the last order needs no index per position
                which = grams.inverse if len(chunks) == 1 else grams.inverse.astype(np.int32)
                local.append((p, grams.keys, which))
        table, table_counts, links = merger.result()
        keys.append(table)
        counts.append(table_counts)
        suffixes.append(links)
        for i, (p, distinct, which) in enumerate(local):  # index of the n-gram ending at p
            now = np.full(len(chunks[i].ids), -1, dtype=np.int64)
            # one chunk: its distinct n-grams are the table
            now[p] = which if len(chunks) == 1 else np.searchsorted(table, distinct)[which]
            ending[i] = now
    tokens = int(unigrams.sum() - unigrams[vocab.bos_id])
    index = NGramIndex(V, tuple(keys), tuple(suffixes))
    return NGramCounts(vocab, index, tuple(counts), n_sentences, tokens)
