"""The n-gram table shared by counts and models: a trie stored as sorted NumPy arrays.

An n-gram model of note 002 (统计语言模型) stores one number per observed n-gram w_1 … w_n
for n = 1 … N. We keep no Python object per n-gram. With V the vocabulary size:

* order 1 is dense: the unigram w has index ``w`` (its vocabulary id);
* order n > 1 is a sorted ``int64`` array of keys ``key = prefix · V + w_n``, where
  ``prefix`` is the index of w_1 … w_{n−1} in the order-(n−1) table.

By induction the keys sort the n-grams lexicographically, so every n-gram that follows a
given context is a contiguous run, and ``np.searchsorted`` finds any n-gram in
O(log m) — the trie of kenlm, in arrays. Prefix links make the table a tree; suffix links
(w_2 … w_n, kept from counting or found by search) connect each n-gram to the lower-order
one that smoothing backs off to.

Sentences are framed as SRILM and kenlm do: ``<s> w_1 … w_m </s>``, and position ``pos``
counts from 0 at ``<s>``. The n-gram ending at a position exists only if it fits in the
sentence (``pos ≥ n − 1``): no n-gram crosses a boundary, and there is no extra padding
(the first word's context is ``<s>`` alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, count, islice, repeat
from typing import NamedTuple

import numpy as np
from numba import njit

from dlclassics.data.corpora import RESERVED, word_scan
from dlclassics.data.vocab import SPECIALS, UNK, Vocab
from dlclassics.data.wordscan import NotFast, WordScan
from dlclassics.errors import ConfigError, DataError

__all__ = [
    "ARPA_IDS",
    "ARPA_WORDS",
    "Chunk",
    "Groups",
    "NGramIndex",
    "arpa_id",
    "arpa_word",
    "check_vocab_words",
    "encode",
    "encode_with_new_vocab",
    "frame",
    "group",
    "reserved_lookup",
    "scanned_vocab",
]

# How the Vocab's specials are spelled in ARPA files (and in SRILM/kenlm): id -> word.
ARPA_WORDS = {Vocab.unk_id: "<unk>", Vocab.bos_id: "<s>", Vocab.eos_id: "</s>"}
ARPA_IDS = {w: i for i, w in ARPA_WORDS.items()}
_WHITESPACE = re.compile(r"\s")  # in str patterns: exactly the characters str.isspace() says


def arpa_id(vocab: Vocab, word: str) -> int:
    """The id of an ARPA-spelled word (``<s>``, ``</s>``, ``<unk>``, or a vocabulary word)."""
    return ARPA_IDS.get(word, vocab[word])


def arpa_word(vocab: Vocab, i: int) -> str:
    """The ARPA spelling of id ``i``: ``<s>``/``</s>``/``<unk>`` for the specials."""
    return ARPA_WORDS.get(i, vocab.itos[i])


@dataclass(frozen=True)
class Chunk:
    """A block of whole framed sentences, encoded."""

    ids: np.ndarray  # (T,) int32 token ids, each sentence as <s> w_1 … w_m </s>
    pos: np.ndarray  # (T,) int32 position within its sentence, 0 at <s>

    @property
    def sentences(self) -> int:
        return int(np.count_nonzero(self.pos == 0))


def _blocks(
    sentences: Iterable[Sequence[str]], chunk_tokens: int
) -> Iterator[tuple[list[str], list[int]]]:
    """Sentences gathered into blocks of about ``chunk_tokens`` tokens or more: (all their
    tokens, each sentence's length). Sentences are taken a slice at a time, so no Python
    bytecode runs per sentence."""
    it = iter(sentences)
    per_slice = max(1, chunk_tokens >> 8)  # sentences per slice: small next to a block
    flat: list[str] = []
    lengths: list[int] = []
    while batch := list(islice(it, per_slice)):
        flat.extend(chain.from_iterable(batch))
        lengths.extend(map(len, batch))
        if len(flat) >= chunk_tokens:
            # hand the block over without keeping a reference while suspended, so the
            # caller can free its strings before asking for the next block
            ready, flat, lengths = [(flat, lengths)], [], []
            yield ready.pop()
    if lengths:
        yield flat, lengths


def _reserved_error(token: str, position: int, lengths: Iterable[int]) -> DataError:
    """The error for a reserved token at word ``position`` of the concatenated sentences."""
    sentence = int(np.searchsorted(np.cumsum(list(lengths)), position, side="right")) + 1
    return DataError(
        f"sentence {sentence}: token {token!r} is reserved ({', '.join(sorted(RESERVED))}); "
        "sentence boundaries are added by the model — remove it or rename it"
    )


def frame(words: np.ndarray, lengths: list[int]) -> Chunk:
    """Insert <s> before and </s> after each sentence of the concatenated ``words``."""
    framed = np.asarray(lengths, dtype=np.int64) + 2
    starts = np.cumsum(framed) - framed  # position of each <s>
    ids = np.empty(int(framed.sum()), dtype=np.int32)
    inside = np.ones(len(ids), dtype=bool)
    inside[starts] = inside[starts + framed - 1] = False
    ids[starts] = Vocab.bos_id
    ids[starts + framed - 1] = Vocab.eos_id
    ids[inside] = words
    pos = np.arange(len(ids), dtype=np.int64) - np.repeat(starts, framed)
    return Chunk(ids, pos.astype(np.int32))


def encode(
    sentences: Iterable[Sequence[str]],
    vocab: Vocab,
    *,
    chunk_tokens: int = 1 << 20,
    lookup: dict[str, int] | None = None,
) -> Iterator[Chunk]:
    """Frame and encode sentences into chunks of about ``chunk_tokens`` ids each.

    Words not in ``vocab`` become ``<unk>``; a reserved token (``<s>``, ``</s>``, …) is a
    :class:`DataError` naming the sentence. ``lookup``: :func:`reserved_lookup` of
    ``vocab``, kept by a caller that encodes often (faster).
    """
    get, unk = (lookup if lookup is not None else vocab.stoi).get, vocab.unk_id
    done: list[int] = []  # lengths of the sentences of earlier blocks
    for flat, lengths in _blocks(sentences, chunk_tokens):
        if lookup is None and not RESERVED.isdisjoint(flat):
            at = next(i for i, t in enumerate(flat) if t in RESERVED)
            raise _reserved_error(flat[at], sum(done) + at, [*done, *lengths])
        words = np.fromiter(map(get, flat, repeat(unk)), dtype=np.int32, count=len(flat))
        if lookup is not None and (words < 0).any():  # a reserved token, found by the lookup
            at = int(np.argmax(words < 0))
            raise _reserved_error(flat[at], sum(done) + at, [*done, *lengths])
        done.extend(lengths)
        del flat  # the block's strings: not held while the caller counts the chunk
        yield frame(words, lengths)


def reserved_lookup(vocab: Vocab) -> dict[str, int]:
    """``vocab.stoi`` with every reserved token mapped to −1, for :func:`encode`'s
    ``lookup``: one dictionary pass both encodes and checks (no separate scan)."""
    return {**vocab.stoi, **dict.fromkeys(RESERVED, -1)}


def encode_with_new_vocab(
    sentences: Iterable[Sequence[str]],
    *,
    min_count: int = 1,
    max_size: int | None = None,
    chunk_tokens: int = 1 << 20,
) -> tuple[Vocab, list[Chunk]]:
    """Build the vocabulary and encode in one pass over ``sentences``.

    Each token first gets a provisional id (its type's order of first appearance); the
    counts of those ids make the :class:`Vocab`, and one table lookup maps provisional ids
    to final ones. Reserved tokens are found among the types, not token by token.

    A file read only to be split into words is split at compiled speed
    (:func:`~dlclassics.data.corpora.word_scan`); the result is the same.
    """
    scan = word_scan(sentences)
    if scan is not None:
        try:
            scanned = list(scan.blocks(chunk_tokens))
            vocab, final = scanned_vocab(scan, min_count=min_count, max_size=max_size)
            return vocab, [frame(final[ids], lengths.tolist()) for ids, lengths in scanned]
        except NotFast:  # the line-by-line reader takes over (and words the error, if any)
            pass
    # A type's provisional id is 1 + the position of its first occurrence, assigned by
    # dict.setdefault inside map() — no Python bytecode per token. A literal <unk> is <unk>.
    types = {SPECIALS[0]: 0}
    positions = count(1)
    blocks = []
    for flat, lengths in _blocks(sentences, chunk_tokens):
        first_seen = map(types.setdefault, flat, positions)
        blocks.append((np.fromiter(first_seen, dtype=np.int64, count=len(flat)), lengths))
    if not RESERVED.isdisjoint(types):
        token = next(t for t in types if t in RESERVED)
        raise _reserved_error(token, types[token] - 1, (n for _, ls in blocks for n in ls))
    words = list(types)[1:]  # every other type, in order of first appearance
    names = [*SPECIALS, *words]
    dense = np.zeros(next(positions), dtype=np.int64)  # provisional id -> index in names
    first = np.fromiter(types.values(), dtype=np.int64, count=len(types))
    dense[first[1:]] = np.arange(len(SPECIALS), len(names))
    blocks = [(dense[p], lengths) for p, lengths in blocks]
    counts = np.zeros(len(names), dtype=np.int64)
    for type_ids, _ in blocks:
        counts += np.bincount(type_ids, minlength=len(names))
    vocab, final = _build_vocab(names, counts, min_count=min_count, max_size=max_size)
    return vocab, [frame(final[p], lengths) for p, lengths in blocks]


def scanned_vocab(
    scan: WordScan, *, min_count: int = 1, max_size: int | None = None
) -> tuple[Vocab, np.ndarray]:
    """The vocabulary of a finished :class:`~dlclassics.data.wordscan.WordScan` pass (the
    rules of :func:`encode_with_new_vocab`) and each type id's vocabulary id.

    Raises :class:`~dlclassics.data.wordscan.NotFast` if a type is a reserved token, so that
    the line-by-line reader names its line.
    """
    types = scan.types
    if not RESERVED.isdisjoint(types):
        raise NotFast("a reserved token")
    words = [t for t in types if t != UNK]  # a literal <unk> is <unk>
    names = [*SPECIALS, *words]
    at = np.arange(len(SPECIALS), len(names))  # type id -> index in names
    if len(words) < len(types):
        at = np.insert(at, types.index(UNK), SPECIALS.index(UNK))
    counts = np.bincount(at, weights=scan.counts, minlength=len(names)).astype(np.int64)
    vocab, final = _build_vocab(names, counts, min_count=min_count, max_size=max_size)
    return vocab, final[at]


def _build_vocab(
    names: list[str], counts: np.ndarray, *, min_count: int, max_size: int | None
) -> tuple[Vocab, np.ndarray]:
    """``Vocab.build`` from type counts, ranked with NumPy (same rules; tested equal).

    ``names[:4]`` are the specials. Kept: count ≥ ``min_count``, by count (descending)
    then code points, at most ``max_size`` entries with the specials; the rest → ``<unk>``.
    Also returns each name's id in the vocabulary (``<unk>``'s for the dropped ones).
    """
    if min_count < 1:
        raise ConfigError(f"min_count={min_count} must be ≥ 1")
    if max_size is not None and max_size < len(SPECIALS):
        raise ConfigError(f"max_size={max_size} must be ≥ {len(SPECIALS)} (the specials)")
    k = len(SPECIALS)
    words = np.array(names[k:], dtype=str)
    word_counts = counts[k:]
    rank = np.lexsort((words, -word_counts))  # count descending, then the word
    rank = rank[word_counts[rank] >= min_count]
    if max_size is not None:
        rank = rank[: max_size - k]
    kept = words[rank].tolist()
    special_counts = dict(zip(SPECIALS, counts[:k].tolist(), strict=True))
    special_counts[SPECIALS[0]] += int(word_counts.sum() - word_counts[rank].sum())
    vocab = Vocab(
        kept, {**dict(zip(kept, word_counts[rank].tolist(), strict=True)), **special_counts}
    )
    ids = np.full(len(names), Vocab.unk_id, dtype=np.int32)
    ids[:k] = np.arange(k)
    ids[k + rank] = np.arange(k, k + len(rank))
    return vocab, ids


_DIGIT_BITS = 11  # at most 2,048 buckets per radix pass: the histogram stays in L1 cache


@njit(nogil=True, cache=True)
def _radix_sort(keys: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted keys, stable argsort) of int64 ``keys`` in [0, 2^bits): LSD radix sort.

    ⌈bits / 11⌉ passes of a counting sort on equal digits; each pass reads the keys in
    order and writes each to its bucket's next slot, carrying its input position along.
    """
    n = len(keys)
    passes = max(1, -(-bits // _DIGIT_BITS))
    width = -(-bits // passes)  # digit width in bits
    mask = (1 << width) - 1
    ordered, order = keys.copy(), np.arange(n)
    ordered_next, order_next = np.empty_like(ordered), np.empty_like(order)
    for p in range(passes):
        shift = p * width
        start = np.zeros((1 << width) + 1, dtype=np.int64)  # start[d]: next slot of digit d
        for i in range(n):
            start[((ordered[i] >> shift) & mask) + 1] += 1
        for d in range(1 << width):
            start[d + 1] += start[d]
        for i in range(n):
            d = (ordered[i] >> shift) & mask
            slot = start[d]
            ordered_next[slot] = ordered[i]
            order_next[slot] = order[i]
            start[d] = slot + 1
        ordered, ordered_next = ordered_next, ordered
        order, order_next = order_next, order
    return ordered, order


@njit(nogil=True, cache=True)
def _runs(
    ordered: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal keys in ``ordered`` = keys[order]: (distinct, counts, inverse, first)."""
    n = len(ordered)
    distinct = np.empty(n, dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    inverse = np.empty(n, dtype=np.int64)
    r = -1
    for i in range(n):
        if i == 0 or ordered[i] != ordered[i - 1]:
            r += 1
            distinct[r] = ordered[i]
            first[r] = order[i]  # the sort is stable: the earliest occurrence
        counts[r] += 1
        inverse[order[i]] = r
    return distinct[: r + 1], counts[: r + 1], inverse, first[: r + 1]


class Groups(NamedTuple):
    """The distinct values of an array of keys (``np.unique`` with every ``return_*``)."""

    keys: np.ndarray  # (k,) the distinct keys, sorted
    counts: np.ndarray  # (k,) occurrences of each
    inverse: np.ndarray  # (m,) index into ``keys`` of each input key
    first: np.ndarray  # (k,) position in the input of each key's first occurrence


def group(keys: np.ndarray, bound: int) -> Groups:
    """Group int64 ``keys`` in [0, ``bound``) — ``np.unique(keys, return_index=True,
    return_inverse=True, return_counts=True)`` in linear time (radix sort) rather than
    n log n, and with the first occurrences, which carry the suffix links of the counts."""
    keys = np.ascontiguousarray(keys, dtype=np.int64)
    if len(keys) < 4096:  # a comparison sort wins on small inputs
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
    else:
        ordered, order = _radix_sort(keys, max(int(bound - 1).bit_length(), 1))
    return Groups(*_runs(ordered, order))


@dataclass(frozen=True, eq=False)
class NGramIndex:
    """Sorted keys of the n-grams of orders 1 … N (see the module doc)."""

    vocab_size: int  # V, the radix of the keys
    keys: tuple[np.ndarray, ...]  # keys[n − 1]: (m_n,) int64, sorted; keys[0] = arange(V)
    suffixes: tuple[np.ndarray, ...] = ()  # [n − 2]: suffix links of order n, when known
    _cache: dict[tuple[str, int], np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @property
    def order(self) -> int:
        return len(self.keys)

    def size(self, n: int) -> int:
        """m_n, the number of n-grams of order n."""
        return len(self.keys[n - 1])

    def prefix(self, n: int) -> np.ndarray:
        """Index of w_1 … w_{n−1} in order n − 1, per n-gram of order n ≥ 2 (cached)."""
        hit = self._cache.get(("prefix", n))
        if hit is None:
            hit = self._cache["prefix", n] = self.keys[n - 1] // self.vocab_size
        return hit

    def last(self, n: int) -> np.ndarray:
        """The last word w_n of each n-gram of order n."""
        return self.keys[n - 1] % self.vocab_size

    def find(self, n: int, prefix: np.ndarray, word: np.ndarray) -> np.ndarray:
        """Index of n-gram (prefix-gram, word) at order n; −1 where absent or prefix < 0."""
        word = np.asarray(word, dtype=np.int64)
        if n == 1:
            return word.copy()
        keys = self.keys[n - 1]
        prefix = np.asarray(prefix, dtype=np.int64)
        if len(keys) == 0:
            return np.full(word.shape, -1, dtype=np.int64)
        query = np.where(prefix >= 0, prefix * self.vocab_size + word, 0)
        if query.size > 1024:  # search the sorted distinct queries: far fewer cache misses
            distinct = group(query.ravel(), self.size(n - 1) * self.vocab_size)
            i = np.searchsorted(keys, distinct.keys)[distinct.inverse.reshape(query.shape)]
        else:
            i = np.searchsorted(keys, query)
        i = np.minimum(i, len(keys) - 1)
        return np.where((prefix >= 0) & (keys[i] == query), i, -1)

    def find_words(self, words: np.ndarray) -> np.ndarray:
        """Index of each row of ``words`` (k, n) at order n; −1 where absent."""
        idx = words[:, 0].astype(np.int64)
        for j in range(1, words.shape[1]):
            idx = self.find(j + 1, idx, words[:, j])
        return idx

    def context_range(self, n: int, context: int) -> tuple[int, int]:
        """Rows [lo, hi) of order n whose first n − 1 words are n-gram ``context``."""
        keys = self.keys[n - 1]
        lo = int(np.searchsorted(keys, context * self.vocab_size))
        return lo, int(np.searchsorted(keys, (context + 1) * self.vocab_size))

    def suffix(self, n: int) -> np.ndarray:
        """Index of w_2 … w_n in order n − 1, per n-gram of order n ≥ 2 (cached).

        Always found for tables counted from a corpus (the suffix of an observed n-gram is
        observed), which come with these links (``suffixes``); −1 where an ARPA file lacks it.
        """
        if n - 2 < len(self.suffixes):
            return self.suffixes[n - 2]
        hit = self._cache.get(("suffix", n))
        if hit is not None:
            return hit
        if n == 2:
            out = self.last(2)
        else:
            prefix_suffix = self.suffix(n - 1)[self.prefix(n)]  # w_2 … w_{n−1}
            out = self.find(n - 1, prefix_suffix, self.last(n))
        self._cache["suffix", n] = out
        return out

    def first(self, n: int) -> np.ndarray:
        """The first word w_1 of each n-gram of order n (cached)."""
        hit = self._cache.get(("first", n))
        if hit is not None:
            return hit
        out = self.keys[0] if n == 1 else self.first(n - 1)[self.prefix(n)]
        self._cache["first", n] = out
        return out

    def words(self, n: int) -> np.ndarray:
        """(m_n, n) word ids of every n-gram of order n, in table order."""
        if n == 1:
            return self.keys[0][:, None]
        return np.column_stack([self.words(n - 1)[self.prefix(n)], self.last(n)])

    def ending_at(self, chunk: Chunk, max_order: int | None = None) -> list[np.ndarray]:
        """``out[n − 1][p]``: index of the n-gram ending at position p, −1 if absent.

        An n-gram that would reach back past ``<s>`` (``pos < n − 1``) is absent.
        """
        max_order = self.order if max_order is None else max_order
        out = [chunk.ids.astype(np.int64)]
        for n in range(2, max_order + 1):
            before = np.empty_like(out[-1])  # the (n−1)-gram ending one position earlier
            before[0] = -1
            before[1:] = out[-1][:-1]
            before[chunk.pos < n - 1] = -1
            out.append(self.find(n, before, chunk.ids))
        return out


def check_vocab_words(vocab: Vocab) -> None:
    """DataError if a vocabulary word cannot be written to an ARPA line."""
    if "" not in vocab.itos and not _WHITESPACE.search("\0".join(vocab.itos)):
        return  # the common case: one scan, in C
    for word in vocab.itos:  # name the word
        if not word or _WHITESPACE.search(word):
            raise DataError(f"vocabulary word {word!r} is empty or has whitespace")
