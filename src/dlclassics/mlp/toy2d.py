"""Two-dimensional toy data: two moons, two circles, two spirals (labels 0 and 1).

Points in the plane let us *see* what a network computes: its decision boundary is a curve
we can draw (note 004 §二.5.3 神经元个数的影响, the ConvNetJS demo the notes picture). Each
generator takes ``n`` points in all (n // 2 per class, the rest to class 1), a noise level and
a ``numpy.random.Generator``; the classes are interleaved, so the first rows are not all one
class.

    rng = np.random.default_rng(0)
    X, y = make_data("spirals", 400, rng)      # X (400, 2) float32, y (400,) int64
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from dlclassics.errors import ConfigError

Toy2D = Literal["spirals", "moons", "circles"]
Points = tuple[NDArray[np.float32], NDArray[np.int64]]  # X (N, 2), y (N,)

# default noise of each set: enough that a perfect fit of train is overfitting
NOISE: dict[str, float] = {"moons": 0.2, "circles": 0.1, "spirals": 0.08}


def _sizes(n: int) -> tuple[int, int]:
    if n < 2:
        raise ConfigError(f"n={n} points: need at least one per class (n ≥ 2)")
    return n // 2, n - n // 2


def _finish(parts: list[NDArray[np.float64]], rng: np.random.Generator) -> Points:
    X = np.concatenate(parts)  # (N, 2), class 0 rows first
    y = np.concatenate([np.full(len(p), c, dtype=np.int64) for c, p in enumerate(parts)])
    order = rng.permutation(len(X))
    return X[order].astype(np.float32), y[order]


def make_moons(n: int, rng: np.random.Generator, noise: float = NOISE["moons"]) -> Points:
    """Two interleaved half circles of radius 1: (cos t, sin t) and (1 − cos t, ½ − sin t)."""
    n0, n1 = _sizes(n)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    parts = [p + noise * rng.standard_normal(p.shape) for p in (upper, lower)]
    return _finish(parts, rng)


def make_circles(
    n: int, rng: np.random.Generator, noise: float = NOISE["circles"], factor: float = 0.5
) -> Points:
    """Class 0 on the unit circle, class 1 on a circle of radius ``factor`` inside it."""
    n0, n1 = _sizes(n)
    parts = []
    for count, radius in ((n0, 1.0), (n1, factor)):
        t = rng.uniform(0, 2 * np.pi, count)
        ring = radius * np.stack([np.cos(t), np.sin(t)], axis=1)
        parts.append(ring + noise * rng.standard_normal(ring.shape))
    return _finish(parts, rng)


def make_spirals(
    n: int, rng: np.random.Generator, noise: float = NOISE["spirals"], turns: float = 1.5
) -> Points:
    """Two arms r(cos θ, sin θ), r ∈ [0.1, 1], θ = 2π·turns·r (+ π for the second arm)."""
    parts = []
    for c, count in enumerate(_sizes(n)):
        r = rng.uniform(0.1, 1.0, count)
        theta = 2 * np.pi * turns * r + c * np.pi
        arm = r[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
        parts.append(arm + noise * rng.standard_normal(arm.shape))
    return _finish(parts, rng)


GENERATORS: dict[str, Callable[[int, np.random.Generator], Points]] = {
    "spirals": make_spirals,
    "moons": make_moons,
    "circles": make_circles,
}


def make_data(name: str, n: int, rng: np.random.Generator) -> Points:
    """``n`` points of the toy set ``name`` with its default noise."""
    if name not in GENERATORS:
        raise ConfigError(f"unknown 2-D data set {name!r}; choose one of: {', '.join(GENERATORS)}")
    return GENERATORS[name](n, rng)
