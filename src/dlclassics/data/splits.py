"""Fixed, seeded, documented splits.

A split is part of a data set's definition: the converter computes it once, from a seed
written in the data set's module, and stores each split as its own file, so every machine
trains and evaluates on the same examples (and the cached files' sha256 proves it).

:func:`stratified_split` divides every class in the same proportions, so a 10 % validation
split of a 10-class set holds 10 % of each class rather than whatever a plain permutation
happens to draw — this matters for small sets such as the 5,000-digit MNIST.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["stratified_split"]


def stratified_split(
    labels: np.ndarray, fractions: Mapping[str, float], *, rest: str, seed: int, shuffle: bool
) -> dict[str, np.ndarray]:
    """Example indices per split, each class divided in the given ``fractions``.

    For every class ``c`` (ascending) with ``n_c`` examples, the class's indices are permuted
    by ``numpy.random.default_rng(seed)``; each split in ``fractions`` (in order) takes the
    next ``floor(f * n_c + 0.5)`` of them and split ``rest`` takes the remainder. With
    ``shuffle`` each split's indices are then permuted by the same generator (for sources
    sorted by class); otherwise they are sorted, keeping the source order.

    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    >>> parts = stratified_split(y, {"val": 0.25}, rest="train", seed=0, shuffle=False)
    >>> [int(n) for n in np.bincount(y[parts["val"]])], len(parts["train"])
    ([1, 2], 7)
    """
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {labels.shape}")
    if rest in fractions or sum(fractions.values()) > 1:
        raise ValueError(f"fractions {dict(fractions)} must sum to ≤ 1 and not name {rest!r}")
    rng = np.random.default_rng(seed)
    chosen: dict[str, list[np.ndarray]] = {name: [] for name in (*fractions, rest)}
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        start = 0
        for name, f in fractions.items():
            take = int(np.floor(f * len(idx) + 0.5))
            chosen[name].append(idx[start : start + take])
            start += take
        chosen[rest].append(idx[start:])
    out: dict[str, np.ndarray] = {}
    for name, pieces in chosen.items():
        joined = np.sort(np.concatenate(pieces)) if pieces else np.zeros(0, dtype=np.int64)
        out[name] = rng.permutation(joined) if shuffle else joined
    return out
