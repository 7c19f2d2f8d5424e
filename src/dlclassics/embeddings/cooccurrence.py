"""The word–word co-occurrence matrix X of GloVe, counted in bounded memory.

Pennington, Socher & Manning 2014 ("GloVe: Global Vectors for Word Representation", §3 and
the released ``cooccur.c``); note 001 §0.2 (glove) and §0.1's drawback "没有考虑全局文本信息"
(word2vec does not use global counts), which GloVe addresses by fitting X directly.

``X_ij`` sums, over every occurrence of word ``i``, ``1 / d`` for each occurrence of word
``j`` at distance ``d ≤ window`` on either side (a symmetric window; words outside the
vocabulary are removed first, as in ``cooccur.c``). X is symmetric.

Counting streams the corpus in chunks: a Numba kernel lists a chunk's (i, j, 1/d) entries,
they are sorted by the key ``i·V + j`` and summed (NumPy), and merged into the runs held in
memory whenever the runs added since the last merge outgrow its result, so memory follows
the distinct entries, not the corpus length. When those exceed ``memory_mb``, they are
*spilled*: appended to ``partitions`` files in a temporary directory, split by row range. At
the end each partition is read, sorted and summed on its own, so counting never holds more
than about ``memory_mb`` plus one partition. The result (int32 row and column, float64
value: 16 bytes per non-zero) is held in memory for training.

>>> import numpy as np
>>> X = count_cooccurrences([np.array([0, 1, 2], np.int32)], vocab_size=3, window=2)
>>> X.to_dense().tolist()
[[0.0, 1.0, 0.5], [1.0, 0.0, 1.0], [0.5, 1.0, 0.0]]
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlclassics.embeddings import kernels
from dlclassics.embeddings.corpus import chunk_sentences

__all__ = ["Cooccurrence", "count_cooccurrences"]

ENTRY_BYTES = 16  # an int64 key and a float64 sum per entry while counting


@dataclass(frozen=True)
class Cooccurrence:
    """The non-zero entries of X, sorted by (row, column)."""

    rows: np.ndarray  # (nnz,) int32: word i
    cols: np.ndarray  # (nnz,) int32: context word j
    values: np.ndarray  # (nnz,) float64: X_ij
    vocab_size: int
    spills: int = 0  # how many times counting spilled to disk

    def __len__(self) -> int:
        return len(self.values)

    def to_dense(self) -> np.ndarray:
        """The V × V matrix (small vocabularies only: tests and examples)."""
        X = np.zeros((self.vocab_size, self.vocab_size))
        X[self.rows, self.cols] = self.values
        return X


def _reduce(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by key and sum the values of equal keys."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    if len(keys) == 0:
        return keys, values
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.add.reduceat(values, first)


class _Spill:
    """Row-range partitions on disk; each is appended to, then reduced on its own."""

    def __init__(self, directory: Path, vocab_size: int, partitions: int) -> None:
        self.directory = directory
        self.partitions = partitions
        # key boundaries of the partitions: rows [p·V/P, (p+1)·V/P)
        rows = (np.arange(partitions + 1, dtype=np.int64) * vocab_size) // partitions
        self.bounds = rows * vocab_size
        self.count = 0

    def _paths(self, p: int) -> tuple[Path, Path]:
        return self.directory / f"part{p}.keys", self.directory / f"part{p}.values"

    def write(self, keys: np.ndarray, values: np.ndarray) -> None:
        cuts = np.searchsorted(keys, self.bounds)
        for p in range(self.partitions):
            a, b = cuts[p], cuts[p + 1]
            if b > a:
                key_path, value_path = self._paths(p)
                with key_path.open("ab") as f:
                    f.write(keys[a:b].tobytes())
                with value_path.open("ab") as f:
                    f.write(values[a:b].tobytes())
        self.count += 1

    def read(self) -> Iterable[tuple[np.ndarray, np.ndarray]]:
        for p in range(self.partitions):
            key_path, value_path = self._paths(p)
            if key_path.exists():
                yield _reduce(np.fromfile(key_path, np.int64), np.fromfile(value_path, np.float64))


def count_cooccurrences(
    sentences: Iterable[np.ndarray],
    vocab_size: int,
    *,
    window: int = 10,
    memory_mb: float = 1024.0,
    chunk_words: int = 100_000,
    partitions: int = 16,
    tmp_dir: str | Path | None = None,
) -> Cooccurrence:
    """X from a stream of id arrays (one per sentence, ids in ``[0, vocab_size)``)."""
    V = vocab_size
    budget = max(1, int(memory_mb * 2**20 / ENTRY_BYTES))  # entries held before a spill
    runs: list[tuple[np.ndarray, np.ndarray]] = []
    held = 0  # entries in runs
    merged = 0  # entries of runs[0] at the last merge
    with tempfile.TemporaryDirectory(prefix="dlc-cooccur-", dir=tmp_dir) as tmp:
        spill = _Spill(Path(tmp), V, partitions)
        for chunk in chunk_sentences(sentences, chunk_words):
            rows, cols, weights = kernels.cooccurrence_pairs(chunk.ids, chunk.starts, window)
            run = _reduce(rows.astype(np.int64) * V + cols, weights)
            runs.append(run)
            held += len(run[0])
            # merge once the runs since the last merge outgrow its result (geometric, so
            # memory stays near the distinct entries however long the corpus), or the budget
            if len(runs) > 1 and (held - merged > merged or held > budget // 2):
                runs = [_reduce(np.concatenate([k for k, _ in runs]),
                                np.concatenate([v for _, v in runs]))]  # fmt: skip
                held = merged = len(runs[0][0])
            if held > budget // 2:  # still too big: spill
                spill.write(*runs[0])
                runs, held, merged = [], 0, 0
        if spill.count:
            for run in runs:
                spill.write(*run)
            parts = list(spill.read())
        else:
            parts = [
                _reduce(
                    np.concatenate([k for k, _ in runs] or [np.zeros(0, np.int64)]),
                    np.concatenate([v for _, v in runs] or [np.zeros(0)]),
                )
            ]
    keys = np.concatenate([k for k, _ in parts])
    values = np.concatenate([v for _, v in parts])
    return Cooccurrence(
        (keys // V).astype(np.int32), (keys % V).astype(np.int32), values, V, spill.count
    )
