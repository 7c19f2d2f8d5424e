"""Counting n-grams in hash tables until they fill — the first pass of kenlm's ``lmplz``.

Heafield et al. 2013 ("Scalable Modified Kneser–Ney Language Model Estimation", §3.1)
count with a hash table held in the memory budget; when it is full, its n-grams are sorted
and written to disk as one sorted run, and the runs are merged afterwards
(:mod:`dlclassics.ngram.external`). Memory then follows the distinct n-grams, not the length
of the text: a corpus that repeats itself fills the tables once.

One table per order n = 2 … N. An n-gram w_1 … w_n is stored as one ``int64`` key

    key = s(w_1 … w_{n−1}) · V + w_n,

where s(·) is the slot of its prefix in the order-(n−1) table (for n = 2, the word id), so
each position of a sentence costs one probe per order: the slot of the n-gram ending at
position p is found from the slot of the (n−1)-gram that ended at p − 1 — the keys of
:mod:`dlclassics.ngram.trie`, with slots for sorted indices. A slot holds the key and its
count side by side (one cache line per probe); probing is linear in a table at most half
full, and the hash is Fibonacci hashing (the key times 2⁶⁴/φ, its top bits).

:meth:`HashCounter.tables` turns the tables into what a run holds: each order's distinct
n-grams as word rows in lexicographic order, with their counts. Sorting order n needs
only one ``int64`` per n-gram —
rank(w_1 … w_{n−1}) · V + w_n, with the rank of the prefix from order n − 1.

>>> from dlclassics.ngram.trie import frame
>>> counter = HashCounter(vocab_size=6, order=2, entries=16)
>>> counter.add(frame(np.array([4, 5, 4], dtype=np.int32), [2, 1]))  # "a b", "a"
True
>>> tables = counter.tables()
>>> tables.words[0].tolist(), tables.counts[0].tolist()  # <s> a, <s> a ... with ids
([[2, 4], [4, 3], [4, 5], [5, 3]], [2, 1, 1, 1])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from dlclassics.data.vocab import Vocab
from dlclassics.errors import DataError
from dlclassics.ngram.counts import NGramCounts
from dlclassics.ngram.trie import Chunk, NGramIndex

__all__ = ["BYTES_PER_ENTRY", "BlockTables", "HashCounter"]

# Bytes per n-gram a table of one order can hold: two slots of (key, count) while counting,
# and while the table becomes sorted rows (the row, its rank, sort key and order).
BYTES_PER_ENTRY = 64
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / φ: Fibonacci hashing


@dataclass(frozen=True)
class BlockTables:
    """One block's counts: dense unigrams and, per order n ≥ 2, its sorted word rows."""

    unigrams: np.ndarray  # (V,) int64
    words: tuple[np.ndarray, ...]  # [n − 2]: (m_n, n) int32 rows, lexicographic order
    counts: tuple[np.ndarray, ...]  # [n − 2]: (m_n,) int64
    sentences: int


@njit(cache=True, nogil=True)
def _count(
    ids: np.ndarray,  # (T,) int32: framed sentences <s> … </s>
    pos: np.ndarray,  # (T,) int32: position in the sentence, 0 at <s>
    start: int,  # where to start: a sentence's <s>
    V: int,
    table: np.ndarray,  # (N − 1, S, 2) int64: order n's slots in table[n − 2]: key + 1, count
    suffix: np.ndarray,  # (N − 1, S) int32: the slot (n > 2) or word (n = 2) of w_2 … w_n
    sizes: np.ndarray,  # (N − 1,) int64: slots used per order, at most S / 2
    unigrams: np.ndarray,  # (V,) int64
) -> int:
    """Count from ``start`` until a sentence would overfill a table: where it stopped."""
    N = table.shape[0] + 1
    S = table.shape[1]
    E = S // 2  # at most half full
    mask = S - 1
    shift = np.uint64(64 - int(np.log2(S)))
    prev = np.zeros(N + 1, dtype=np.int64)  # slot of the k-gram ending at p − 1, k = 1 … N
    cur = np.zeros(N + 1, dtype=np.int64)
    T = len(ids)
    p = start
    while p < T:
        if pos[p] == 0:  # a sentence starts: room for all its n-grams, or stop here
            q = p + 1
            while q < T and pos[q] != 0:
                q += 1
            for t in range(N - 1):
                if sizes[t] + (q - p) > E:
                    return p
        w = np.int64(ids[p])
        unigrams[w] += 1
        cur[1] = w
        for n in range(2, min(np.int64(pos[p]) + 1, N) + 1):
            t = n - 2
            key = prev[n - 1] * V + w  # the prefix's slot (n > 2) or word (n = 2), then w
            j = np.int64((np.uint64(key) * _GOLDEN) >> shift)
            while True:
                stored = table[t, j, 0]
                if stored == 0:  # a new n-gram
                    table[t, j, 0] = key + 1
                    suffix[t, j] = cur[n - 1]  # the (n−1)-gram ending here too
                    sizes[t] += 1
                    break
                if stored == key + 1:
                    break
                j = (j + 1) & mask
            table[t, j, 1] += 1
            cur[n] = j
        prev, cur = cur, prev
        p += 1
    return T


class HashCounter:
    """n-gram counts of orders 1 … ``order``, at most ``entries`` n-grams per order at once."""

    def __init__(self, vocab_size: int, order: int, entries: int) -> None:
        self.V, self.order = vocab_size, order
        S = 1 << (2 * max(entries, 1) - 1).bit_length()  # slots: a power of two ≥ 2 entries
        self._table = np.zeros((max(order - 1, 0), S, 2), dtype=np.int64)
        self._suffix = np.zeros((len(self._table), S), dtype=np.int32)
        self._sizes = np.zeros(len(self._table), dtype=np.int64)
        self._unigrams = np.zeros(vocab_size, dtype=np.int64)
        self._sentences = 0
        self._pending: tuple[Chunk, int] | None = None  # a chunk's rest, after a full table

    @property
    def empty(self) -> bool:
        return self._sentences == 0

    def add(self, chunk: Chunk) -> bool:
        """Count ``chunk``; False if the tables filled first (:meth:`tables`, then
        :meth:`resume` counts the rest)."""
        return self._add(chunk, 0)

    def resume(self) -> bool:
        """Count the rest of the chunk a full table stopped; as :meth:`add`."""
        assert self._pending is not None, "nothing stopped"
        chunk, start = self._pending
        self._pending = None
        return self._add(chunk, start)

    def _add(self, chunk: Chunk, start: int) -> bool:
        while True:
            stop = _count(
                chunk.ids, chunk.pos, start, self.V, self._table, self._suffix, self._sizes,
                self._unigrams,
            )  # fmt: skip
            self._sentences += int(np.count_nonzero(chunk.pos[start:stop] == 0))
            if stop == len(chunk.ids):
                return True
            if stop > start or not self.empty:
                self._pending = (chunk, stop)
                return False
            # one sentence longer than half a table: a bigger table
            self._table = np.zeros((len(self._table), 2 * self._table.shape[1], 2), np.int64)
            self._suffix = np.zeros(self._table.shape[:2], dtype=np.int32)

    def _orders(self, with_rows: bool) -> Iterator[_Order]:
        """Each order's n-grams sorted (lexicographically), with their trie keys, counts,
        suffix links and, if asked, word rows; then the tables are emptied."""
        V = self.V
        rank = np.arange(V, dtype=np.int64)  # order 1: a word's rank is its id
        rows = np.arange(V, dtype=np.int32)[:, None]  # (V, 1): the words of each n-gram
        at = np.arange(V, dtype=np.int64)  # order 1: a word's position is its id
        for t in range(len(self._table)):
            slots = np.flatnonzero(self._table[t, :, 0])  # (m,) the order's n-grams
            keys = self._table[t, slots, 0] - 1
            prefix = at[keys // V]  # position of the prefix among the lower order's
            last = keys % V
            trie = rank[prefix] * V + last  # the key of the sorted table (trie.py)
            order = np.argsort(trie)  # keys are distinct: lexicographic order
            suffix = rank[at[self._suffix[t, slots]]]  # index of w_2 … w_n in its order
            if with_rows:
                rows = np.column_stack([rows[prefix], last.astype(np.int32)])  # (m, n)
            yield _Order(trie[order], self._table[t, slots, 1][order], suffix[order],
                         rows[order] if with_rows else None)  # fmt: skip
            rank = np.empty(len(slots), dtype=np.int64)
            rank[order] = np.arange(len(slots))
            at = np.zeros(self._table.shape[1], dtype=np.int64)
            at[slots] = np.arange(len(slots))
        self._table[:] = 0
        self._sizes[:] = 0
        self._unigrams = np.zeros(V, dtype=np.int64)
        self._sentences = 0

    def tables(self) -> BlockTables:
        """The counts so far as a run's sorted word rows; the tables are emptied."""
        unigrams, sentences = self._unigrams, self._sentences
        orders = list(self._orders(with_rows=True))
        return BlockTables(
            unigrams,
            tuple(o.rows for o in orders if o.rows is not None),
            tuple(o.counts for o in orders),
            sentences,
        )

    def ngram_counts(self, vocab: Vocab) -> NGramCounts:
        """The counts so far as :class:`~dlclassics.ngram.counts.NGramCounts` (when they
        are all the counts: nothing was spilled); the tables are emptied."""
        unigrams, sentences = self._unigrams, self._sentences
        if sentences == 0:
            raise DataError("the corpus has no sentences; point --text at a non-empty corpus")
        V = len(vocab)
        orders = list(self._orders(with_rows=False))
        index = NGramIndex(
            V,
            (np.arange(V, dtype=np.int64), *(o.keys for o in orders)),
            tuple(o.suffix for o in orders),
        )
        tokens = int(unigrams.sum() - unigrams[vocab.bos_id])
        counts = (unigrams, *(o.counts for o in orders))
        return NGramCounts(vocab, index, counts, sentences, tokens)


class _Order(NamedTuple):
    keys: np.ndarray  # (m,) int64 sorted trie keys
    counts: np.ndarray  # (m,) int64
    suffix: np.ndarray  # (m,) int64 index of w_2 … w_n in order n − 1
    rows: np.ndarray | None  # (m, n) int32 words
