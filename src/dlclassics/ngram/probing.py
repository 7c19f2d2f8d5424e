"""Scoring text in one compiled pass: hash tables over the n-gram keys, kenlm's "probing".

:meth:`~dlclassics.ngram.backoff.BackoffLM.log10_probs` needs, at every position p of the
text, the longest listed n-gram ending at p and the backoff weights of the shorter
contexts (note 002, the backoff recursion of :mod:`dlclassics.ngram.backoff`):

    log10 P(w | w_1 … w_k) = log10 P(w | w_{k−L+2} … w_k)                (L: longest listed)
                             + Σ_{j = L … N−1} log10 bow(w_{k−j+1} … w_k)   (listed contexts)

The sorted-array trie (:mod:`dlclassics.ngram.trie`) finds an n-gram by binary search, a few
cache misses per level. Here, as in kenlm's ``probing`` data structure (Heafield 2011,
"KenLM: Faster and Smaller Language Model Queries", §3.1), each order gets an open-addressing
hash table from key ``prefix · V + w`` to the n-gram's row (linear probing, load ≤ 1/2), and
one Numba loop walks the text left to right: the n-gram ending at p is found from the one
ending at p − 1 with one probe per order. The tables (8 bytes per slot, 2–4 slots per
n-gram) are built on first use and kept with the model.

The loop adds the same numbers in the same order as the NumPy version it replaces, so the
log-probabilities are bit-identical (tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["ProbingTables", "build_tables", "log10_probs"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: key · 2^64/φ, top bits


@dataclass(frozen=True, eq=False)
class ProbingTables:
    """Hash tables of orders 2 … N, flattened (slots of order n at ``starts[n − 2]``), and
    the model's values of every order, concatenated."""

    slots: np.ndarray  # (Σ capacity, 2) int64: (key, row of keys[n − 1]); row −1: empty
    starts: np.ndarray  # (N,) int64: offset of each order's slots (last: the total)
    bits: np.ndarray  # (N − 1,) int64: log2 of each order's capacity
    logprob: np.ndarray  # (Σ m_n,) log10 P of orders 1 … N, concatenated
    backoff: np.ndarray  # (Σ m_n,) log10 bow of orders 1 … N, concatenated
    value_starts: np.ndarray  # (N + 1,) int64: offset of each order's values
    vocab_size: int  # V, the radix of the keys


@njit(cache=True, nogil=True)
def _slot(key: int, bits: int) -> int:  # pragma: no cover
    return np.int64((np.uint64(key) * _GOLDEN) >> np.uint64(64 - bits))  # type: ignore[return-value]


@njit(cache=True, nogil=True)
def _fill(slots: np.ndarray, keys: np.ndarray, bits: int) -> None:  # pragma: no cover
    mask = (1 << bits) - 1
    for row in range(len(keys)):
        s = _slot(keys[row], bits)
        while slots[s, 1] >= 0:
            s = (s + 1) & mask
        slots[s, 0] = keys[row]  # the key beside its row: one cache line per probe
        slots[s, 1] = row


def build_tables(
    keys: tuple[np.ndarray, ...], logprob: tuple[np.ndarray, ...], backoff: tuple[np.ndarray, ...]
) -> ProbingTables:
    """Hash tables over ``keys[1:]`` (orders 2 … N; order 1 is dense) and the model's values."""
    sizes = [len(k) for k in keys[1:]]
    bits = [max(4, int(2 * m).bit_length()) for m in sizes]  # capacity > 2m: load < 1/2
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum([1 << b for b in bits], out=starts[1:])
    slots = np.full((int(starts[-1]), 2), -1, dtype=np.int64)
    for i, order_keys in enumerate(keys[1:]):
        _fill(slots[starts[i] : starts[i + 1]], order_keys, bits[i])
    value_starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in logprob], out=value_starts[1:])
    return ProbingTables(
        slots,
        starts,
        np.array(bits, dtype=np.int64),
        np.concatenate(logprob),
        np.concatenate(backoff),
        value_starts,
        len(keys[0]),
    )


@njit(cache=True, nogil=True)
def _find(slots: np.ndarray, start: int, bits: int, key: int) -> int:  # pragma: no cover
    """The row of ``key`` in one order's table, −1 if absent."""
    mask = (1 << bits) - 1
    s = _slot(key, bits)
    while True:
        row = slots[start + s, 1]
        if row < 0 or slots[start + s, 0] == key:
            return row
        s = (s + 1) & mask


@njit(cache=True, nogil=True)
def _log10_probs(
    ids: np.ndarray,
    pos: np.ndarray,
    V: np.int64,
    N: np.int64,
    slots: np.ndarray,
    starts: np.ndarray,
    bits: np.ndarray,
    logprob: np.ndarray,
    backoff: np.ndarray,
    value_starts: np.ndarray,
) -> np.ndarray:  # pragma: no cover
    """log10 P at every position (NaN at <s>); the module doc's formula.

    ``logprob``/``backoff``: all orders concatenated, order n at ``value_starts[n − 1]``.
    """
    T = len(ids)
    # ending[n − 1, p]: row of the n-gram ending at p, −1 if not listed. Order by order, so
    # the probes of one order are independent and their cache misses overlap.
    ending = np.empty((N, T), dtype=np.int64)
    for p in range(T):
        ending[0, p] = ids[p]
    for n in range(2, N + 1):
        start, width = starts[n - 2], bits[n - 2]
        ending[n - 1, 0] = -1
        for p in range(1, T):
            prefix = ending[n - 2, p - 1]  # the (n − 1)-gram ending one position earlier
            row = -1
            if prefix >= 0 and pos[p] >= n - 1:
                row = _find(slots, start, width, prefix * V + ids[p])
            ending[n - 1, p] = row
    out = np.empty(T)
    for p in range(T):
        if pos[p] == 0:
            out[p] = np.nan
            continue
        found = 1  # L, the longest listed order ending at p
        for n in range(2, N + 1):
            if ending[n - 1, p] >= 0:
                found = n
        lp = logprob[value_starts[found - 1] + ending[found - 1, p]]
        for j in range(max(found, 1), N):  # contexts of length j ≥ L: their backoff weights
            context = ending[j - 1, p - 1]
            if context >= 0 and pos[p] >= j:
                lp = lp + backoff[value_starts[j - 1] + context]
        out[p] = lp
    return out


def log10_probs(tables: ProbingTables, ids: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """(T,) log10 P(token | history) at every position of a framed chunk; NaN at each <s>."""
    t = tables
    N = len(t.value_starts) - 1
    return _log10_probs(
        ids, pos, np.int64(t.vocab_size), np.int64(N), t.slots, t.starts, t.bits,
        t.logprob, t.backoff, t.value_starts,
    )  # fmt: skip


# ------------------------------------------------------------------ words from raw text

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@dataclass(frozen=True, eq=False)
class WordTable:
    """A vocabulary as an open-addressing hash table over UTF-8 bytes (FNV-1a)."""

    text: np.ndarray  # (Σ bytes,) uint8: the words' UTF-8 bytes, concatenated
    starts: np.ndarray  # (W + 1,) int64: word i is text[starts[i]:starts[i + 1]]
    ids: np.ndarray  # (W,) int32: the id of each word (−1: a reserved token)
    slots: np.ndarray  # (capacity,) int64: a word index, −1 for an empty slot
    bits: int  # log2 capacity


@njit(cache=True, nogil=True)
def _fnv(data: np.ndarray, a: int, b: int) -> np.uint64:  # pragma: no cover
    h = _FNV_OFFSET
    for i in range(a, b):
        h = (h ^ np.uint64(data[i])) * _FNV_PRIME
    return h


@njit(cache=True, nogil=True)
def _fill_words(
    text: np.ndarray, starts: np.ndarray, slots: np.ndarray, bits: int
) -> None:  # pragma: no cover
    mask = np.uint64((1 << bits) - 1)
    for i in range(len(starts) - 1):
        s = _fnv(text, starts[i], starts[i + 1]) & mask
        while slots[s] >= 0:
            s = (s + np.uint64(1)) & mask
        slots[s] = i


def word_table(words: dict[str, int]) -> WordTable:
    """The table of ``words`` (word → id; −1 marks a reserved token)."""
    encoded = [w.encode("utf-8") for w in words]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=starts[1:])
    text = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    bits = max(4, (2 * len(encoded)).bit_length())
    slots = np.full(1 << bits, -1, dtype=np.int64)
    _fill_words(text, starts, slots, bits)
    return WordTable(text, starts, np.array(list(words.values()), dtype=np.int32), slots, bits)


@njit(cache=True, nogil=True)
def _split_lookup(
    data: np.ndarray,
    text: np.ndarray,
    starts: np.ndarray,
    word_ids: np.ndarray,
    slots: np.ndarray,
    bits: int,
    unk: int,
) -> tuple[np.ndarray, np.ndarray, np.int64]:  # pragma: no cover
    """Word ids and per-line word counts of newline-separated ``data``; words split at ASCII
    spaces, tabs, carriage returns, vertical tabs and form feeds. Third value: the byte
    offset of the first reserved token, or −1."""
    n = len(data)
    ids = np.empty(n // 2 + 1, dtype=np.int32)  # at most one word per two bytes
    lengths = np.zeros(np.count_nonzero(data == 10) + 1, dtype=np.int64)
    mask = np.uint64((1 << bits) - 1)
    k, line, i = 0, 0, 0
    while i < n:
        c = data[i]
        if c == 10:  # \n
            line += 1
            i += 1
            continue
        if c == 32 or c == 9 or c == 13 or c == 11 or c == 12:
            i += 1
            continue
        j = i
        while j < n and not (
            data[j] == 10
            or data[j] == 32
            or data[j] == 9
            or data[j] == 13
            or data[j] == 11
            or data[j] == 12
        ):
            j += 1
        s = _fnv(data, i, j) & mask
        found = unk
        while True:
            w = slots[s]
            if w < 0:
                break
            a, b = starts[w], starts[w + 1]
            if b - a == j - i:
                same = True
                for t in range(j - i):
                    if text[a + t] != data[i + t]:
                        same = False
                        break
                if same:
                    found = word_ids[w]
                    break
            s = (s + np.uint64(1)) & mask
        if found < 0:
            return ids[:k], lengths, np.int64(i)
        ids[k] = found
        k += 1
        lengths[line] += 1
        i = j
    return ids[:k], lengths, np.int64(-1)


def split_lookup(table: WordTable, data: bytes, unk: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(word ids, words per line, byte offset of a reserved token or −1) of UTF-8 ``data``."""
    t = table
    ids, lengths, bad = _split_lookup(
        np.frombuffer(data, dtype=np.uint8), t.text, t.starts, t.ids, t.slots, t.bits, unk
    )
    return ids, lengths, int(bad)
