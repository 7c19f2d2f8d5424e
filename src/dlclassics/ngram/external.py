"""Counting n-grams in a fixed memory budget: hash tables spilled to disk as sorted runs, merged.

:func:`~dlclassics.ngram.counts.count_ngrams` holds the whole encoded corpus while it
counts (about 20 bytes a token), so its memory grows with the text even when the text only
repeats n-grams it has seen. Here memory depends on the distinct n-grams and the budget,
not on the length of the corpus — the approach of kenlm's ``lmplz -S`` (Heafield et al.
2013, "Scalable Modified Kneser–Ney Language Model Estimation", §3: count in hash tables,
sort each full table, merge the sorted streams from disk):

1. **vocabulary pass** — one streaming pass counts the word types; the vocabulary follows
   the rules of the in-memory path (``min_count``, ``max_size``, count descending then code
   points), so both paths give every word the same id. A plain UTF-8 file is split at
   compiled speed (:mod:`dlclassics.data.wordscan`), other text line by line;
2. **counting pass** — a second pass reads the framed text a block of tokens at a time
   and counts every order in the hash tables of :mod:`dlclassics.ngram.hashcount`, sized
   by the budget. When a table is full, each order's table is *spilled* — its distinct
   n-grams as word-id rows in lexicographic order, and their counts — to a run file in a
   temporary directory, and counting goes on in empty tables. A corpus whose distinct
   n-grams fit never spills: its tables are the counts, with no merge;
3. **merge** — order by order, the k-way merge of :mod:`dlclassics.data.spill` reads every
   run a slice of ``merge_rows`` rows at a time, maps each row w_1 … w_n to the key
   ``index(w_1 … w_{n−1}) · V + w_n`` of the (already merged) lower orders, and sums equal
   keys. All rows up to the smallest last key of the runs' current slices are final, so at
   most one slice per run is held.

The merged tables equal the in-memory path's (tested), so every smoother and
:func:`~dlclassics.ngram.arpa.write_arpa` produce the same ARPA file, byte for byte.

Memory: the budget bounds the block being read (:data:`READ_SHARE`), the hash tables
(:data:`~dlclassics.ngram.hashcount.BYTES_PER_ENTRY` per n-gram per order, the rest) and
the merge slices (:data:`MERGE_SHARE`). What it does not bound is the result — about 24
bytes per distinct n-gram, and the smoother's arrays after it — which is held in memory as
in the in-memory path, nor the vocabulary pass's word types (a few dozen bytes per type).

The same merge sums tables counted elsewhere: :mod:`dlclassics.ngram.cluster` counts the
files of a corpus on Dask workers and merges their tables here.

>>> counts = count_ngrams_external([["a", "b"], ["a"]], order=2, entries=2)  # spills
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
from dlclassics.data.corpora import RESERVED, word_scan
from dlclassics.data.vocab import SPECIALS, Vocab
from dlclassics.data.wordscan import NotFast, WordScan
from dlclassics.errors import ConfigError, DataError
from dlclassics.ngram.counts import NGramCounts, count_chunks
from dlclassics.ngram.hashcount import BYTES_PER_ENTRY, BlockTables, HashCounter
from dlclassics.ngram.trie import (
    Chunk,
    NGramIndex,
    _blocks,
    _build_vocab,
    _reserved_error,
    encode,
    frame,
    scanned_vocab,
)

__all__ = [
    "MIN_TABLE_ENTRIES",
    "BlockTables",
    "count_block",
    "count_ngrams_external",
    "merge_tables",
    "parse_memory",
    "read_tokens_for",
    "table_entries_for",
    "vocabulary_pass",
]

MIN_TABLE_ENTRIES = 1 << 12  # n-grams per order: a smaller table spills too often
MIN_READ_TOKENS = 1 << 12
MAX_READ_TOKENS = 1 << 20  # tokens read and encoded at a time; more gains nothing
BYTES_PER_READ_TOKEN = 100  # a read token: its string (line by line) or id, its framing
READ_SHARE = 0.1  # of the budget, for the block of text being read
MERGE_SHARE = 0.25  # of the budget, for the merge's slices (one per run)

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_memory(text: str) -> int:
    """Bytes of a size such as ``500M``, ``1G``, ``1.5GiB`` or ``65536`` (binary units)."""
    m = _SIZE.fullmatch(text.strip())
    if m is None:
        raise ConfigError(f"--memory {text!r} is not a size; write e.g. 500M, 1G or 2.5G")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def table_entries_for(memory: int, order: int) -> int:
    """n-grams per order the hash tables hold under a budget of ``memory`` bytes;
    ConfigError if that is below one block (:data:`MIN_TABLE_ENTRIES`)."""
    per_entry = BYTES_PER_ENTRY * max(order - 1, 1)  # one entry in each order's table
    share = 1 - MERGE_SHARE - READ_SHARE
    entries = int(memory * share) // per_entry
    entries = 1 << (entries.bit_length() - 1) if entries > 0 else 0  # the slots: 2 entries
    if entries < MIN_TABLE_ENTRIES:
        need = -(-MIN_TABLE_ENTRIES * per_entry // share)
        raise ConfigError(
            f"--memory {memory:,} bytes cannot hold one block: counting {order}-grams takes "
            f"about {per_entry} bytes per distinct n-gram and a block at least "
            f"{MIN_TABLE_ENTRIES:,} of them; give --memory {int(need) // 2**20 + 1}M or more"
        )
    return entries


def read_tokens_for(memory: int) -> int:
    """Tokens read at a time under a budget of ``memory`` bytes."""
    tokens = int(memory * READ_SHARE) // BYTES_PER_READ_TOKEN
    return min(max(tokens, MIN_READ_TOKENS), MAX_READ_TOKENS)


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
    entries: int | None = None,
    min_count: int = 1,
    max_size: int | None = None,
    tmp_dir: str | Path | None = None,
) -> NGramCounts:
    """:func:`~dlclassics.ngram.counts.count_ngrams`'s counts in bounded memory.

    ``sentences`` must be re-iterable when ``vocab`` is None (a vocabulary pass, then the
    counting pass: a :class:`~dlclassics.data.corpora.Text` is). Give ``memory`` (bytes:
    the budget, see the module doc) or ``entries`` (n-grams per order in a block, and
    tokens read at a time: small values force spills, for tests).
    Runs are spilled under ``tmp_dir`` (the system's temporary directory when None).
    """
    if order < 1:
        raise ConfigError(f"order={order} must be ≥ 1 (n of the n-gram model)")
    if entries is None:
        if memory is None:
            raise ConfigError("give a memory budget or a table size")
        entries = table_entries_for(memory, order)
        read_tokens = read_tokens_for(memory)
        merge_rows = max(1 << 12, int(memory * MERGE_SHARE) // (64 * order))
    else:
        read_tokens, merge_rows = entries, 1 << 16
    blocks: Iterator[Chunk] | None = None
    scan = word_scan(sentences) if vocab is None else None
    if scan is not None:  # a file split at compiled speed: two passes of the same scan
        try:
            for _ in scan.blocks(read_tokens):
                pass
            vocab, final = scanned_vocab(scan, min_count=min_count, max_size=max_size)
            blocks = _scanned_blocks(scan, final, read_tokens)
        except NotFast:  # the line-by-line reader takes over (and words the error, if any)
            pass
    if vocab is None:
        vocab = vocabulary_pass(
            sentences, min_count=min_count, max_size=max_size, chunk_tokens=read_tokens
        )
    if blocks is None:
        blocks = encode(sentences, vocab, chunk_tokens=read_tokens)
    counter = HashCounter(len(vocab), order, entries)
    with tempfile.TemporaryDirectory(prefix="dlc-ngram-", dir=tmp_dir) as tmp:
        unigrams = np.zeros(len(vocab), dtype=np.int64)
        runs: list[list[spill.Run]] = [[] for _ in range(order - 1)]
        n_sentences = 0

        def take(block: BlockTables, where: Path | None) -> None:
            """Sum a block's unigrams; its tables become runs (on disk unless the last)."""
            nonlocal unigrams, n_sentences
            unigrams += block.unigrams
            n_sentences += block.sentences
            for n in range(2, order + 1):
                words, counts = block.words[n - 2], block.counts[n - 2]
                if where is None:
                    runs[n - 2].append(spill.MemoryRun(words, counts))
                else:
                    stem = where.with_name(f"{where.name}.o{n}")
                    runs[n - 2].append(spill.FileRun.write(stem, words, counts))

        spills = 0
        for chunk in blocks:
            done = counter.add(chunk)
            while not done:  # the tables are full: spill them as one sorted run per order
                take(counter.tables(), Path(tmp) / f"b{spills}")
                spills += 1
                done = counter.resume()
            del chunk  # freed before the next block is read
        if spills == 0:  # the tables hold every count: no merge
            return counter.ngram_counts(vocab)
        take(counter.tables(), None)  # the last tables stay in memory
        del counter
        per_run = max(1 << 10, merge_rows // max(1, len(runs[0]) if runs else 1))
        return merge_tables(vocab, unigrams, runs, sentences=n_sentences, merge_rows=per_run)


def _scanned_blocks(scan: WordScan, final: np.ndarray, block_tokens: int) -> Iterator[Chunk]:
    """The second pass of a scan: each block framed with vocabulary ids (``final[type]``)."""
    try:
        for ids, lengths in scan.blocks(block_tokens):
            yield frame(final[ids], lengths.tolist())
    except NotFast as err:  # the first pass read these very files
        raise DataError(f"{err}: the corpus changed while it was read; build again") from None
