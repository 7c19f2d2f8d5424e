"""Counting more than fits in memory: sorted runs spilled to disk, then merged.

External merge sort (Knuth, *The Art of Computer Programming* vol. 3 §5.4): counts are
gathered in a buffer of fixed size; when it is full it is sorted by key, equal keys are
summed, and the result is written to disk as a *run*. At the end a k-way merge reads every
run one slice at a time and sums equal keys across runs. Memory is the buffer plus one
slice per run, whatever the length of the input. kenlm's ``lmplz -S`` counts n-grams this
way (:mod:`dlclassics.ngram.external`), and so does GloVe's ``cooccur.c``
(:mod:`dlclassics.embeddings.cooccurrence`).

A run is anything with ``rows`` and ``read(start, stop) -> (keys, values)``: a
:class:`FileRun` on disk, or a :class:`MemoryRun`. :func:`merge_runs` needs int64 keys,
ascending and distinct; a run may also hold rows of keys (a 2-D array, e.g. the word ids of
n-grams) that a wrapper maps to int64 keys as it reads.

>>> a = MemoryRun(np.array([1, 4, 7]), np.array([1, 1, 1]))
>>> b = MemoryRun(np.array([4, 9]), np.array([10, 10]))
>>> [(k.tolist(), v.tolist()) for k, v in merge_runs([a, b], slice_rows=2)]
[([1, 4], [1, 11]), ([7, 9], [1, 10])]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = ["FileRun", "MemoryRun", "Run", "merge_runs", "sort_and_sum", "sum_sorted"]


def sum_sorted(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys already in ascending order: each distinct key once, with its values summed."""
    if len(keys) == 0:
        return keys, values
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.add.reduceat(values, first)


def sort_and_sum(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by key and sum the values of equal keys."""
    order = np.argsort(keys, kind="stable")
    return sum_sorted(keys[order], values[order])


class Run(Protocol):
    """Keys in ascending order and their values, read a slice at a time."""

    @property
    def rows(self) -> int: ...

    def read(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """The keys and values of rows ``start`` to ``stop``."""
        ...


@dataclass(frozen=True)
class MemoryRun:
    """A run held in memory (the unspilled rest of a buffer; tests)."""

    keys: np.ndarray
    values: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.keys)

    def read(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        return self.keys[start:stop], self.values[start:stop]


@dataclass(frozen=True)
class FileRun:
    """A run spilled to disk: raw keys (one per row, or ``width`` per row) and values, read
    with ``np.fromfile`` (not a memory map, whose pages would count as resident memory)."""

    keys_path: Path
    values_path: Path
    key_dtype: np.dtype
    value_dtype: np.dtype
    width: int | None  # keys per row; None: 1-D keys
    rows: int

    @classmethod
    def write(cls, stem: Path, keys: np.ndarray, values: np.ndarray) -> FileRun:
        keys_path, values_path = Path(f"{stem}.keys"), Path(f"{stem}.values")
        np.ascontiguousarray(keys).tofile(keys_path)
        np.ascontiguousarray(values).tofile(values_path)
        width = keys.shape[1] if keys.ndim == 2 else None
        return cls(keys_path, values_path, keys.dtype, values.dtype, width, len(values))

    def read(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        k, w = stop - start, self.width or 1
        keys = np.fromfile(
            self.keys_path, self.key_dtype, k * w, offset=self.key_dtype.itemsize * start * w
        )
        values = np.fromfile(
            self.values_path, self.value_dtype, k, offset=self.value_dtype.itemsize * start
        )
        return (keys if self.width is None else keys.reshape(k, w)), values


def merge_runs(runs: Sequence[Run], slice_rows: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The distinct keys of all runs in ascending order, with their values summed, a slice at
    a time. At most ``slice_rows`` rows of each run are held: all rows up to the smallest
    last key of the slices of runs with more to read are final, and are emitted."""
    pos = [0] * len(runs)  # rows of each run read so far
    held: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, np.int64), np.zeros(0))] * len(runs)
    while True:
        for r, run in enumerate(runs):  # refill the slices used up
            if len(held[r][0]) == 0 and pos[r] < run.rows:
                stop = min(pos[r] + slice_rows, run.rows)
                held[r] = run.read(pos[r], stop)
                pos[r] = stop
        live = [r for r in range(len(runs)) if len(held[r][0])]
        if not live:
            return
        waiting = [held[r][0][-1] for r in live if pos[r] < runs[r].rows]
        bound = min(waiting) if waiting else None
        keys_parts, value_parts = [], []
        for r in live:
            keys, values = held[r]
            cut = len(keys) if bound is None else int(np.searchsorted(keys, bound, "right"))
            keys_parts.append(keys[:cut])
            value_parts.append(values[:cut])
            held[r] = (keys[cut:], values[cut:])
        # a merge of sorted pieces: the stable sort (timsort, radix for small ints) is fast
        keys, values = sort_and_sum(np.concatenate(keys_parts), np.concatenate(value_parts))
        if len(keys):
            yield keys, values
