"""Counting n-grams in a fixed memory budget: sorted blocks spilled to disk, then merged.

:func:`~dlclassics.ngram.counts.count_ngrams` holds the whole encoded corpus while it
counts (about 20 bytes a token), so its memory grows with the text even when the text only
repeats n-grams it has seen. Here memory depends on the distinct n-grams and the budget,
not on the length of the corpus — the approach of kenlm's ``lmplz -S`` (Heafield et al.
2013, "Scalable Modified Kneser–Ney Language Model Estimation", §3: count in blocks, sort
each block, merge the sorted streams from disk):

1. **vocabulary pass** — one streaming pass counts the word types; the vocabulary follows
   the rules of the in-memory path (``min_count``, ``max_size``, count descending then code
   points), so both paths give every word the same id;
2. **block pass** — a second pass cuts the framed text into blocks of ``block_tokens``
   tokens (set by the budget), counts each block's n-grams of every order in memory (the
   radix-sort counting of :mod:`~dlclassics.ngram.counts`) and *spills* each order's
   table — the distinct n-grams as word-id rows in lexicographic order, and their
   counts — to a run file in a temporary directory;
3. **merge** — order by order, the k-way merge of :mod:`dlclassics.data.spill` reads every
   run a slice of ``merge_rows`` rows at a time, maps each row w_1 … w_n to the key
   ``index(w_1 … w_{n−1}) · V + w_n`` of the (already merged) lower orders, and sums equal
   keys. All rows up to the smallest last key of the runs' current slices are final, so at
   most one slice per run is held.

The merged tables equal the in-memory path's (tested), so every smoother and
:func:`~dlclassics.ngram.arpa.write_arpa` produce the same ARPA file, byte for byte.

Memory: the budget bounds the blocks (about :data:`BYTES_PER_TOKEN` per token while a block
is counted) and the merge slices. What it does not bound is the result — about 24 bytes per
distinct n-gram, and the smoother's arrays after it — which is held in memory as in the
in-memory path, nor the vocabulary pass's word counts (a few hundred bytes per type).

The same merge sums tables counted elsewhere: :mod:`dlclassics.ngram.cluster` counts the
files of a corpus on Dask workers and merges their tables here.

>>> counts = count_ngrams_external([["a", "b"], ["a"]], order=2, block_tokens=3)
>>> counts.count(["<s>", "a"]), counts.count(["a", "</s>"]), counts.count(["b"])
(2, 1, 1)
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from dlclassics.data import spill
from dlclassics.data.corpora import RESERVED
from dlclassics.data.vocab import SPECIALS, Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.ngram.counts import NGramCounts, count_chunks
from dlclassics.ngram.trie import Chunk, NGramIndex, _blocks, _build_vocab, _reserved_error, encode

__all__ = [
    "BYTES_PER_TOKEN",
    "MIN_BLOCK_TOKENS",
    "BlockTables",
    "block_tokens_for",
    "count_block",
    "count_ngrams_external",
    "merge_tables",
    "parse_memory",
    "vocabulary_pass",
]

# Peak bytes per block token while a block is counted (order 5, measured on Brown with
# peak RSS: the block's token strings, ids, positions, the radix sort's buffers and the
# per-order tables); higher orders add about 30 bytes a token each.
BYTES_PER_TOKEN = 300
MIN_BLOCK_TOKENS = 1 << 12  # a smaller block spends its time in per-block overhead
MERGE_SHARE = 0.25  # of the budget, for the merge's slices (one per run)

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_memory(text: str) -> int:
    """Bytes of a size such as ``500M``, ``1G``, ``1.5GiB`` or ``65536`` (binary units)."""
    m = _SIZE.fullmatch(text.strip())
    if m is None:
        raise ConfigError(f"--memory {text!r} is not a size; write e.g. 500M, 1G or 2.5G")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def _bytes_per_token(order: int) -> int:
    return BYTES_PER_TOKEN + 30 * max(order - 5, 0)


def block_tokens_for(memory: int, order: int) -> int:
    """Tokens per block under a budget of ``memory`` bytes; ConfigError if below one block."""
    per_token = _bytes_per_token(order)
    tokens = int(memory * (1 - MERGE_SHARE)) // per_token
    if tokens < MIN_BLOCK_TOKENS:
        need = -(-MIN_BLOCK_TOKENS * per_token // (1 - MERGE_SHARE))
        raise ConfigError(
            f"--memory {memory:,} bytes cannot hold one block: counting {order}-grams takes "
            f"about {per_token} bytes per token and a block at least {MIN_BLOCK_TOKENS:,} "
            f"tokens; give --memory {int(need) // 2**20 + 1}M or more"
        )
    return tokens


# ---------------------------------------------------------------- 1. the vocabulary pass


def vocabulary_pass(
    sentences: Iterable[Sequence[str]],
    *,
    min_count: int = 1,
    max_size: int | None = None,
    chunk_tokens: int = 1 << 20,
) -> Vocab:
    """The vocabulary the in-memory path builds for ``sentences``, in one streaming pass."""
    types: Counter[str] = Counter()
    before = 0  # sentences of earlier blocks
    for flat, lengths in _blocks(sentences, chunk_tokens):
        if not RESERVED.isdisjoint(flat):
            at = next(i for i, t in enumerate(flat) if t in RESERVED)
            raise _reserved_error(flat[at], at, chain(repeat(0, before), lengths))
        types.update(flat)
        before += len(lengths)
    return vocabulary_from_types(types, min_count=min_count, max_size=max_size)


def vocabulary_from_types(
    types: Counter[str], *, min_count: int = 1, max_size: int | None = None
) -> Vocab:
    """The vocabulary of word-type counts (``<unk>`` counted as a word means unknown)."""
    words = [w for w in types if w not in SPECIALS]
    names = [*SPECIALS, *words]
    counts = np.array([types.get(w, 0) for w in names], dtype=np.int64)
    vocab, _ = _build_vocab(names, counts, min_count=min_count, max_size=max_size)
    return vocab


# ---------------------------------------------------------------- 2. blocks and runs


@dataclass(frozen=True)
class BlockTables:
    """One block's counts: dense unigrams and, per order n ≥ 2, its sorted word rows."""

    unigrams: np.ndarray  # (V,) int64
    words: tuple[np.ndarray, ...]  # [n − 2]: (m_n, n) int32 rows, lexicographic order
    counts: tuple[np.ndarray, ...]  # [n − 2]: (m_n,) int64
    sentences: int


def count_block(chunks: list[Chunk], vocab: Vocab, order: int) -> BlockTables:
    """Count encoded ``chunks`` (:class:`~dlclassics.ngram.trie.Chunk`) as one block."""
    if not chunks:  # a partition that owns no line
        return BlockTables(
            np.zeros(len(vocab), dtype=np.int64),
            tuple(np.zeros((0, n), dtype=np.int32) for n in range(2, order + 1)),
            tuple(np.zeros(0, dtype=np.int64) for _ in range(2, order + 1)),
            0,
        )
    block = count_chunks(chunks, vocab, order)
    rows = block.index.keys[0][:, None].astype(np.int32)  # (V, 1)
    words, counts = [], []
    for n in range(2, order + 1):
        # the table's keys sort lexicographically: prefix rows, then the last word
        rows = np.column_stack([rows[block.index.prefix(n)], block.index.last(n)]).astype(
            np.int32
        )  # (m_n, n)
        words.append(rows)
        counts.append(block.counts[n - 1])
    return BlockTables(block.counts[0], tuple(words), tuple(counts), block.sentences)


# ---------------------------------------------------------------- 3. the merge


def _keys(index: NGramIndex, words: np.ndarray) -> np.ndarray:
    """key = index(w_1 … w_{n−1}) · V + w_n of each row, in the merged lower orders."""
    prefix = index.find_words(words[:, :-1])
    assert (prefix >= 0).all(), "a counted n-gram's prefix is always counted"
    return prefix * index.vocab_size + words[:, -1]


@dataclass(frozen=True)
class _KeyedRun:
    """A run of word rows read as the keys of :func:`_keys` (a :class:`spill.Run`)."""

    run: spill.Run
    index: NGramIndex

    @property
    def rows(self) -> int:
        return self.run.rows

    def read(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        words, counts = self.run.read(start, stop)
        return _keys(self.index, words.astype(np.int64)), counts


def _merge_order(
    index: NGramIndex, runs: Sequence[spill.Run], merge_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct keys of one order over all runs, and their summed counts."""
    merged = list(spill.merge_runs([_KeyedRun(run, index) for run in runs], merge_rows))
    if not merged:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate([k for k, _ in merged]), np.concatenate([c for _, c in merged])


def merge_tables(
    vocab: Vocab,
    unigrams: np.ndarray,
    runs: Sequence[Sequence[spill.Run]],
    *,
    sentences: int,
    merge_rows: int = 1 << 16,
) -> NGramCounts:
    """The counts of all blocks: ``runs[n − 2]`` holds each block's run of order n."""
    if sentences == 0:
        raise DataError("the corpus has no sentences; point --text at a non-empty corpus")
    V = len(vocab)
    index = NGramIndex(V, (np.arange(V, dtype=np.int64),))
    counts = [unigrams.astype(np.int64)]
    for order_runs in runs:
        keys, summed = _merge_order(index, order_runs, merge_rows)
        index = NGramIndex(V, (*index.keys, keys))
        counts.append(summed)
    order = index.order
    suffixes = tuple(index.suffix(n) for n in range(2, order + 1))  # found by search
    index = NGramIndex(V, index.keys, suffixes)
    tokens = int(unigrams.sum() - unigrams[vocab.bos_id])
    return NGramCounts(vocab, index, tuple(counts), sentences, tokens)


def count_ngrams_external(
    sentences: Iterable[Sequence[str]],
    order: int,
    vocab: Vocab | None = None,
    *,
    memory: int | None = None,
    block_tokens: int | None = None,
    min_count: int = 1,
    max_size: int | None = None,
    tmp_dir: str | Path | None = None,
) -> NGramCounts:
    """:func:`~dlclassics.ngram.counts.count_ngrams`'s counts in bounded memory.

    ``sentences`` must be re-iterable when ``vocab`` is None (a vocabulary pass, then the
    counting pass: a :class:`~dlclassics.data.corpora.Text` is). Give ``memory`` (bytes:
    the budget, see the module doc) or ``block_tokens`` (tokens per block, for tests).
    Runs are spilled under ``tmp_dir`` (the system's temporary directory when None).
    """
    if order < 1:
        raise ConfigError(f"order={order} must be ≥ 1 (n of the n-gram model)")
    if block_tokens is None:
        if memory is None:
            raise ConfigError("give a memory budget or a block size")
        block_tokens = block_tokens_for(memory, order)
        merge_rows = max(1 << 12, int(memory * MERGE_SHARE) // (64 * order))
    else:
        merge_rows = 1 << 16
    if vocab is None:
        vocab = vocabulary_pass(
            sentences, min_count=min_count, max_size=max_size, chunk_tokens=block_tokens
        )
    with tempfile.TemporaryDirectory(prefix="dlc-ngram-", dir=tmp_dir) as tmp:
        unigrams = np.zeros(len(vocab), dtype=np.int64)
        runs: list[list[spill.Run]] = [[] for _ in range(order - 1)]
        n_sentences = 0
        for b, chunk in enumerate(_stream_blocks(sentences, vocab, block_tokens)):
            block = count_block([chunk], vocab, order)
            del chunk  # freed before the next block is read
            unigrams += block.unigrams
            n_sentences += block.sentences
            for n in range(2, order + 1):
                stem = Path(tmp) / f"b{b}.o{n}"
                words = block.words[n - 2].astype(np.int32, copy=False)
                counts = block.counts[n - 2].astype(np.int64, copy=False)
                runs[n - 2].append(spill.FileRun.write(stem, words, counts))
            del block
        per_run = max(1 << 10, merge_rows // max(1, len(runs[0]) if runs else 1))
        return merge_tables(vocab, unigrams, runs, sentences=n_sentences, merge_rows=per_run)


def _stream_blocks(
    sentences: Iterable[Sequence[str]], vocab: Vocab, block_tokens: int
) -> Iterator[Chunk]:
    return encode(sentences, vocab, chunk_tokens=block_tokens)
