"""The word–word co-occurrence matrix X of GloVe, counted in bounded memory.

Pennington, Socher & Manning 2014 ("GloVe: Global Vectors for Word Representation", §3 and
the released ``cooccur.c``); note 001 §0.2 (glove) and §0.1's drawback "没有考虑全局文本信息"
(word2vec does not use global counts), which GloVe addresses by fitting X directly.

``X_ij`` sums, over every occurrence of word ``i``, ``1 / d`` for each occurrence of word
``j`` at distance ``d ≤ window`` on either side (a symmetric window; words outside the
vocabulary are removed first, as in ``cooccur.c``). X is symmetric.

Counting streams the corpus in chunks into a buffer of fixed size, set by ``memory_mb``: a
Numba kernel writes each pair's key ``i·V + j`` and weight into it. When the buffer is full
it is sorted by key and equal keys are summed (NumPy); if that leaves it more than half full,
the sorted entries are *spilled* to disk as a run, and the buffer starts again. At the end
the runs are merged a slice at a time (the external merge of :mod:`dlclassics.data.spill`,
as ``cooccur.c`` merges its overflow files). Memory is therefore the buffer plus the result
— it depends on ``memory_mb`` and on the distinct entries (the vocabulary), not on the
length of the corpus. The result (int32 row and column, float64 value: 16 bytes per
non-zero) is held in memory for training.

The weights are summed exactly: for a window up to :data:`EXACT_WINDOW` each ``1/d`` is
counted as the integer ``L/d``, ``L = lcm(1, …, window)`` (2,520 for a window of 10), and
``X_ij`` is the integer sum divided by ``L`` once. So X does not depend on the order in which
entries were summed: a spilled count equals the in-memory count bit for bit. Wider windows
sum ``1/d`` in float64, equal up to rounding.

>>> import numpy as np
>>> X = count_cooccurrences([np.array([0, 1, 2], np.int32)], vocab_size=3, window=2)
>>> X.to_dense().tolist()
[[0.0, 1.0, 0.5], [1.0, 0.0, 1.0], [0.5, 1.0, 0.0]]
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlclassics.data import spill
from dlclassics.embeddings import kernels
from dlclassics.embeddings.corpus import chunk_sentences

__all__ = ["EXACT_WINDOW", "Cooccurrence", "count_cooccurrences"]

# buffer bytes per entry: its int64 key and value (16), and the sort's index and copy (16);
# a few more for the sum's masks
ENTRY_BYTES = 36
MIN_ENTRIES = 1 << 10  # the smallest buffer, whatever the budget
EXACT_WINDOW = 22  # lcm(1, …, 22) < 2^31: integer weights cannot overflow int64 in practice


@dataclass(frozen=True)
class Cooccurrence:
    """The non-zero entries of X, sorted by (row, column)."""

    rows: np.ndarray  # (nnz,) int32: word i
    cols: np.ndarray  # (nnz,) int32: context word j
    values: np.ndarray  # (nnz,) float64: X_ij
    vocab_size: int
    spills: int = 0  # how many sorted runs counting wrote to disk

    def __len__(self) -> int:
        return len(self.values)

    def to_dense(self) -> np.ndarray:
        """The V × V matrix (small vocabularies only: tests and examples)."""
        X = np.zeros((self.vocab_size, self.vocab_size))
        X[self.rows, self.cols] = self.values
        return X


def distance_weights(window: int) -> tuple[np.ndarray, int]:
    """``weights[d]`` for d = 0 … window, and the unit L they count in: ``X = Σ weights / L``.

    Integers ``L/d`` with ``L = lcm(1, …, window)`` up to :data:`EXACT_WINDOW`, else
    float64 ``1/d`` with L = 1.
    """
    d = np.arange(window + 1)
    if window <= EXACT_WINDOW:
        L = math.lcm(*range(1, window + 1))
        return np.concatenate(([0], L // d[1:])).astype(np.int64), L
    return np.concatenate(([0.0], 1.0 / d[1:])), 1


def _sum_in_place(keys: np.ndarray, values: np.ndarray, n: int) -> int:
    """Sort the buffer's first n entries by key and sum equal keys; the distinct count."""
    order = np.argsort(keys[:n])
    keys[:n] = keys[:n][order]
    values[:n] = values[:n][order]
    del order
    distinct, sums = spill.sum_sorted(keys[:n], values[:n])
    m = len(distinct)
    keys[:m], values[:m] = distinct, sums
    return m


def count_cooccurrences(
    sentences: Iterable[np.ndarray],
    vocab_size: int,
    *,
    window: int = 10,
    memory_mb: float = 256.0,
    chunk_words: int = 100_000,
    tmp_dir: str | Path | None = None,
) -> Cooccurrence:
    """X from a stream of id arrays (one per sentence, ids in ``[0, vocab_size)``).

    ``memory_mb`` sizes the buffer (:data:`ENTRY_BYTES` per entry, sorting included);
    ``chunk_words``: words handed to the kernel at a time (fewer if the buffer is small);
    sorted runs are spilled under ``tmp_dir`` (the system's temporary directory when None).
    """
    if window < 1:
        raise ValueError(f"window={window} must be ≥ 1")
    V = vocab_size
    weights, L = distance_weights(window)
    capacity = max(MIN_ENTRIES, int(memory_mb * 2**20 / ENTRY_BYTES))  # buffer entries
    keys = np.empty(capacity, np.int64)  # pages are touched only as the buffer fills
    values = np.empty(capacity, weights.dtype)
    n = 0  # entries in the buffer
    words_per_chunk = max(1, min(chunk_words, capacity // (8 * window)))  # ≤ ¼ of the buffer
    with tempfile.TemporaryDirectory(prefix="dlc-cooccur-", dir=tmp_dir) as tmp:
        runs: list[spill.FileRun] = []

        def write_run(run_keys: np.ndarray, run_values: np.ndarray) -> None:
            runs.append(spill.FileRun.write(Path(tmp) / f"run{len(runs)}", run_keys, run_values))

        for chunk in chunk_sentences(sentences, words_per_chunk):
            need = kernels.pair_bound(chunk.starts, window)
            if n + need > capacity:  # full: sum it, and spill it unless that freed half
                n = _sum_in_place(keys, values, n)
                if n > capacity // 2 or n + need > capacity:
                    write_run(keys[:n], values[:n])
                    n = 0
            if need > capacity:  # one chunk beyond the whole buffer (a tiny budget)
                k, v = np.empty(need, np.int64), np.empty(need, weights.dtype)
                kernels.cooccurrence_pairs(chunk.ids, chunk.starts, window, V, weights, k, v, 0)
                write_run(*spill.sort_and_sum(k, v))
                continue
            n = kernels.cooccurrence_pairs(
                chunk.ids, chunk.starts, window, V, weights, keys, values, n
            )
        n = _sum_in_place(keys, values, n)
        if not runs:
            return _result(keys[:n], values[:n], V, L, spills=0)
        write_run(keys[:n], values[:n])
        del keys, values  # the buffer; the merge holds a slice of each run instead
        return _merge(runs, V, L, Path(tmp), slice_rows=max(1, capacity // (2 * len(runs))))


def _result(keys: np.ndarray, values: np.ndarray, V: int, L: int, spills: int) -> Cooccurrence:
    return Cooccurrence(
        (keys // V).astype(np.int32), (keys % V).astype(np.int32), values / L, V, spills
    )


def _merge(runs: list[spill.FileRun], V: int, L: int, tmp: Path, slice_rows: int) -> Cooccurrence:
    """Merge the runs into X, writing it to disk as it comes so only X itself is held."""
    paths = [tmp / "X.rows", tmp / "X.cols", tmp / "X.values"]
    with paths[0].open("wb") as rows, paths[1].open("wb") as cols, paths[2].open("wb") as xs:
        for keys, values in spill.merge_runs(runs, slice_rows):
            (keys // V).astype(np.int32).tofile(rows)
            (keys % V).astype(np.int32).tofile(cols)
            (values / L).tofile(xs)
    return Cooccurrence(
        np.fromfile(paths[0], np.int32),
        np.fromfile(paths[1], np.int32),
        np.fromfile(paths[2], np.float64),
        V,
        len(runs),
    )
