"""k-nearest neighbours: classify a point by the most common class among its k closest.

Course note 004, 一、ATTENTION IS ALL U NEED · 4、K近邻算法: "判断一个未知的事物的时候，通过
'离它近'的已知事物推算它的性质" — with K=3 the circle around the query holds two triangles and one
square, so it is a triangle; with K=5 it holds three squares, so it is a square. 4.1 算法流程:
take the k training points nearest to x, count their classes, answer the most frequent one.
4.3 实例 computes the distances as a matrix; 4.4 缺点 shows what pixel distances miss.

Distances between a test row a and a training row b (D features each):

    L1   d₁(a, b) = Σ_p |a_p − b_p|
    L2   d₂(a, b) = sqrt(Σ_p (a_p − b_p)²)

The distance matrix (M test rows × N training rows) is computed three ways, tested equal:
:func:`distances_two_loops` (one pair at a time), :func:`distances_one_loop` (one test row against
all training rows) and :func:`distances_no_loops`. The no-loop L2 expands the square,

    ‖a − b‖² = ‖a‖² − 2 a·b + ‖b‖²,

so the whole matrix is one matrix product plus two broadcast norms. Neighbours are ranked by d²
(the same order as d, without the square root). "Training" only memorizes X (4.2 性能分析: O(1)
to fit, O(M·N·D) to predict); :meth:`KNNClassifier.predict` works through the test rows in blocks
of ``batch_size``, so memory stays O(batch_size · N) however many rows are asked for. Picking the
k smallest of a row of N distances does not sort it: the k-th smallest of the minima of k
blocks bounds the k-th distance, and only the few entries under the bound are sorted.

Ties are broken deterministically, as scikit-learn's ``KNeighborsClassifier(algorithm="brute")``
breaks them on its NumPy code path, so the predictions are identical to it there:

1. **Equal votes**: the smallest label among the most common ones. Labels are sorted and
   ``argmax`` returns the first maximum — sklearn's ``classes_[argmax(predict_proba)]`` and its
   ``scipy.stats.mode`` do the same, on either path.
2. **Equal distances at the k-th place** (more points at exactly the k-th smallest distance than
   places left): with ``ties="argpartition"`` (default) the neighbours are those that
   ``np.argpartition(d, k − 1)`` places first in that row of distances. That is the call
   sklearn's NumPy path makes (``KNeighborsMixin._kneighbors_reduce_func``), on the same float64
   values ‖a‖² − 2a·b + ‖b‖² (L2) or Σ|a − b| (L1) — bit-identical whenever the features are
   integer-valued (pixels), so the same neighbours are kept. Which tied points NumPy's selection
   keeps is deterministic for a NumPy build but follows no simple rule. ``ties="lowest_index"``
   keeps the tied points that come first in the training set instead (a stable sort by
   (distance, index)): portable across builds, but not sklearn's. Rows without such a tie have
   one set of k nearest, found without either rule.

   sklearn takes its NumPy path for integer arrays, and for float arrays under
   ``sklearn.config_context(enable_cython_pairwise_dist=False)``. For float arrays its default
   Cython path keeps tied points in the order of a max-heap (which also depends on its thread
   count), so on data with exact ties at the k-th distance sklearn's own two paths can disagree
   (1 test image in 597 of sklearn's digits, L1, k = 3). Without such ties — continuous features,
   almost surely — every variant agrees.

>>> X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
>>> y = np.array([0, 0, 1, 1, 1])
>>> KNNClassifier.fit(X, y, KNNConfig(k=3)).predict(np.array([[0.5], [9.0]])).tolist()
[0, 1]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

from dlclassics.classic.preprocess import (
    FloatArray,
    IntArray,
    as_features,
    as_labels,
    check_width,
)
from dlclassics.errors import ConfigError

Metric = Literal["l1", "l2"]
NeighbourTies = Literal["argpartition", "lowest_index"]

_SCAN_BLOCK = 64  # columns per block when bounding the k-th smallest distance of a row


@dataclass(frozen=True, kw_only=True)
class KNNConfig:
    k: int = 5  # neighbours that vote (the notes' K=3 / K=5 circles)
    metric: Metric = "l2"  # "l1": Σ|a − b|; "l2": sqrt(Σ(a − b)²), ranked by its square
    batch_size: int = 256  # test rows per distance block: 256 × 60,000 train rows × 8 B ≈ 123 MB
    ties: NeighbourTies = "argpartition"  # who is kept among points tied at the k-th distance;
    # "argpartition" = sklearn brute force, "lowest_index" = earliest training row (portable)


# --- distances: two loops, one loop, no loops ------------------------------------------------


def _pair_l1(a: FloatArray, b: FloatArray) -> float:
    return float(np.abs(a - b).sum())


def _pair_l2(a: FloatArray, b: FloatArray) -> float:
    return float(np.sqrt(((a - b) ** 2).sum()))


def _row_l1(a: FloatArray, B: FloatArray) -> FloatArray:
    return np.abs(B - a).sum(axis=1)  # (N,)


def _row_l2(a: FloatArray, B: FloatArray) -> FloatArray:
    return np.sqrt(((B - a) ** 2).sum(axis=1))  # (N,)


def _sq_l2_no_loops(A: FloatArray, B: FloatArray, B_sq: FloatArray | None = None) -> FloatArray:
    """‖a‖² − 2a·b + ‖b‖² for every pair, in sklearn's order of operations, clipped at 0.

    ``B_sq`` may carry the precomputed ‖b‖² of every row of B.
    """
    d2 = A @ B.T  # a·b, (M, N)
    d2 *= -2.0
    d2 += np.einsum("ij,ij->i", A, A)[:, None]  # ‖a‖², (M, 1)
    d2 += (np.einsum("ij,ij->i", B, B) if B_sq is None else B_sq)[None, :]  # ‖b‖², (1, N)
    return np.maximum(d2, 0.0, out=d2)  # rounding can leave −1e-12 where a ≈ b


def _l1_no_loops(A: FloatArray, B: FloatArray) -> FloatArray:
    return np.abs(A[:, None, :] - B[None, :, :]).sum(axis=2)  # (M, N, D) -> (M, N)


_PAIR: dict[str, Callable[[FloatArray, FloatArray], float]] = {"l1": _pair_l1, "l2": _pair_l2}
_ROW: dict[str, Callable[[FloatArray, FloatArray], FloatArray]] = {"l1": _row_l1, "l2": _row_l2}
_NO_LOOPS: dict[str, Callable[[FloatArray, FloatArray], FloatArray]] = {
    "l1": _l1_no_loops,
    "l2": lambda A, B: np.sqrt(_sq_l2_no_loops(A, B)),
}


_TILE_ROWS = 8  # test rows sharing each loaded training column block
_TILE_COLS = 256  # training rows per block: its (D, 256) slice of Bᵀ stays in cache


@njit(cache=True, nogil=True)
def _l1_kernel(A: FloatArray, BT: FloatArray, out: FloatArray) -> None:  # pragma: no cover
    """out[i, j] = Σ_p |A[i, p] − Bᵀ[p, j]|, the sum over p in order.

    The innermost loop runs over training rows j (1-D views, so it vectorises without
    reordering any sum); a tile of 8 test rows × 256 training rows is summed in a small
    buffer that stays in cache, and each loaded slice of Bᵀ serves the 8 test rows.
    """
    M, D = A.shape
    N = BT.shape[1]
    acc = np.empty((_TILE_ROWS, _TILE_COLS))
    for j0 in range(0, N, _TILE_COLS):
        w = min(_TILE_COLS, N - j0)
        for i0 in range(0, M, _TILE_ROWS):
            h = min(_TILE_ROWS, M - i0)
            acc[:] = 0.0
            for p in range(D):
                b = BT[p, j0 : j0 + w]
                for r in range(h):
                    a = A[i0 + r, p]
                    row = acc[r]
                    for j in range(w):
                        row[j] += abs(a - b[j])
            out[i0 : i0 + h, j0 : j0 + w] = acc[:h, :w]


def _rank_l1(B: FloatArray) -> Callable[[FloatArray], FloatArray]:
    BT = np.ascontiguousarray(B.T)  # (D, N): the kernel reads training rows side by side

    def rank(A: FloatArray) -> FloatArray:
        out = np.empty((A.shape[0], B.shape[0]))  # (M, N)
        _l1_kernel(np.ascontiguousarray(A), BT, out)
        return out

    return rank


def _rank_l2(B: FloatArray) -> Callable[[FloatArray], FloatArray]:
    B_sq = np.einsum("ij,ij->i", B, B)  # ‖b‖² once, not once per block of test rows
    return lambda A: _sq_l2_no_loops(A, B, B_sq)


# What prediction ranks the training rows B by: Σ|a − b| for L1, d² for L2 (d's order, no sqrt).
_RANKERS: dict[str, Callable[[FloatArray], Callable[[FloatArray], FloatArray]]] = {
    "l1": _rank_l1,
    "l2": _rank_l2,
}


def _check_metric(metric: str) -> None:
    if metric not in _PAIR:
        raise ConfigError(f"metric={metric!r} is not known; choose 'l1' or 'l2'")


def distances_two_loops(A: ArrayLike, B: ArrayLike, metric: Metric = "l2") -> FloatArray:
    """D[i, j] = d(A[i], B[j]), one pair at a time (the definition; slow)."""
    _check_metric(metric)
    A, B = as_features(A, name="A"), as_features(B, name="B")
    check_width(A, B.shape[1], name="A")
    pair = _PAIR[metric]
    out = np.empty((A.shape[0], B.shape[0]))
    for i in range(A.shape[0]):
        for j in range(B.shape[0]):
            out[i, j] = pair(A[i], B[j])
    return out


def distances_one_loop(A: ArrayLike, B: ArrayLike, metric: Metric = "l2") -> FloatArray:
    """D[i, :] = d(A[i], every row of B), one test row at a time (broadcasting)."""
    _check_metric(metric)
    A, B = as_features(A, name="A"), as_features(B, name="B")
    check_width(A, B.shape[1], name="A")
    row = _ROW[metric]
    out = np.empty((A.shape[0], B.shape[0]))
    for i in range(A.shape[0]):
        out[i] = row(A[i], B)
    return out


def distances_no_loops(A: ArrayLike, B: ArrayLike, metric: Metric = "l2") -> FloatArray:
    """The whole matrix at once: L2 by ‖a‖² − 2a·b + ‖b‖² (one GEMM), L1 by broadcasting.

    The L1 form builds an (M, N, D) temporary; :meth:`KNNClassifier.predict` uses a compiled
    kernel (:func:`_l1_kernel`) instead.
    """
    _check_metric(metric)
    A, B = as_features(A, name="A"), as_features(B, name="B")
    check_width(A, B.shape[1], name="A")
    return _NO_LOOPS[metric](A, B)


# --- choosing the neighbours and voting ----------------------------------------------------


def _candidates(dist: FloatArray, k: int) -> tuple[IntArray, IntArray, FloatArray]:
    """A few entries per row that surely include its k smallest: (rows, cols, values), sorted by
    row, then value.

    The minima of k blocks of a row are k different entries, so the k-th smallest block minimum
    bounds the row's k-th smallest from above; the entries under that bound are the candidates.
    This reads every row once (a vectorized min) instead of sorting it.
    """
    M, N = dist.shape
    width = min(_SCAN_BLOCK, N // k)  # columns per block; at least k blocks
    if width >= 2:
        blocks = N // width
        minima = dist[:, : blocks * width].reshape(M, blocks, width).min(axis=2)  # (M, blocks)
        bound = np.partition(minima, k - 1, axis=1)[:, k - 1]  # ≥ the k-th smallest, (M,)
    else:  # k > N / 2: blocks would not help; the bound is the k-th smallest itself
        bound = np.partition(dist, k - 1, axis=1)[:, k - 1]
    rows, cols = np.nonzero(dist <= bound[:, None])  # ≥ k per row
    values = dist[rows, cols]
    order = np.lexsort((values, rows))
    return rows[order], cols[order].astype(np.int64), values[order]


def _ties_argpartition(dist: FloatArray, k: int) -> IntArray:
    return np.argpartition(dist, k - 1, axis=1)[:, :k]  # (M, k), exactly sklearn's call


def _ties_lowest_index(dist: FloatArray, k: int) -> IntArray:
    kth = np.partition(dist, k - 1, axis=1)[:, k - 1 : k]  # the k-th smallest distance, (M, 1)
    closer = dist < kth  # certainly in
    tied = dist == kth  # in while places are left, earliest training rows first
    places = k - closer.sum(axis=1, keepdims=True)  # (M, 1), ≥ 1
    keep = closer | (tied & (np.cumsum(tied, axis=1) <= places))  # exactly k per row
    return np.nonzero(keep)[1].reshape(dist.shape[0], k).astype(np.int64)


# Who is kept among points tied at the k-th distance: (rows of dist, k) -> (rows, k) columns.
_TIE_RULES: dict[str, Callable[[FloatArray, int], IntArray]] = {
    "argpartition": _ties_argpartition,
    "lowest_index": _ties_lowest_index,
}


def _nearest(dist: FloatArray, k: int, ties: str) -> IntArray:
    """The k nearest columns of every row of ``dist`` (M, N) -> (M, k).

    Where the k nearest are unique (no tie at the k-th distance) every selection gives the same
    set, so it is read off the candidates; only rows with such a tie go to the tie rule. On real
    data those are a few rows, which spares a full argpartition of every row.
    """
    M = dist.shape[0]
    rows, cols, values = _candidates(dist, k)
    starts = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=M))[:-1]])
    kth = values[starts + k - 1]  # the k-th smallest distance of each row, (M,)
    within = values <= kth[rows]  # candidates at most the k-th distance: ≥ k per row
    unique = np.bincount(rows[within], minlength=M) == k  # exactly k: no tie at the k-th place
    out = np.empty((M, k), dtype=np.int64)
    out[unique] = cols[within & unique[rows]].reshape(-1, k)
    if not unique.all():
        out[~unique] = _TIE_RULES[ties](dist[~unique], k)
    return out


def nearest(dist: ArrayLike, k: int, ties: NeighbourTies = "argpartition") -> IntArray:
    """Columns of the k smallest entries in each row of ``dist`` (M, N) -> (M, k), unordered.

    ``ties`` says which points are kept among those tied at the k-th distance (module docstring).
    """
    if ties not in _TIE_RULES:
        raise ConfigError(f"ties={ties!r} is not known; choose 'argpartition' or 'lowest_index'")
    dist = as_features(dist, name="dist")
    if not 1 <= k <= dist.shape[1]:
        raise ConfigError(f"k={k} must be between 1 and the {dist.shape[1]} columns of dist")
    return _nearest(dist, k, ties)


def vote_naive(neighbour_labels: IntArray, n_classes: int) -> IntArray:
    """Most common class index in each row of (M, k) labels; ties go to the smallest index."""
    out = np.empty(neighbour_labels.shape[0], dtype=np.int64)
    for i, row in enumerate(neighbour_labels):
        counts = Counter(int(c) for c in row)
        out[i] = max(counts, key=lambda c: (counts[c], -c))  # most votes, then smallest label
    return out


def vote(neighbour_labels: IntArray, n_classes: int) -> IntArray:
    """:func:`vote_naive` vectorized: a (M, C) count table, then the first argmax per row."""
    M = neighbour_labels.shape[0]
    offsets = n_classes * np.arange(M)[:, None]  # row i counts into bins [iC, (i+1)C)
    counts = np.bincount((neighbour_labels + offsets).ravel(), minlength=M * n_classes)
    return counts.reshape(M, n_classes).argmax(axis=1)  # first maximum = smallest label


# --- the classifier ------------------------------------------------------------------------


def _check_config(config: KNNConfig, n_train: int) -> None:
    _check_metric(config.metric)
    if config.ties not in _TIE_RULES:
        raise ConfigError(
            f"ties={config.ties!r} is not known; choose 'argpartition' or 'lowest_index'"
        )
    if config.batch_size < 1:
        raise ConfigError(f"batch_size={config.batch_size} must be ≥ 1 (test rows per block)")
    if config.k < 1:
        raise ConfigError(f"k={config.k} must be ≥ 1 (the number of neighbours that vote)")
    if config.k > n_train:
        raise ConfigError(
            f"k={config.k} is larger than the training set ({n_train} rows); choose k ≤ {n_train}"
        )


@dataclass(frozen=True, eq=False)
class KNNClassifier:
    """A fitted k-NN classifier: the memorized training set and the settings to query it."""

    X: FloatArray  # (N, D) training rows
    labels: IntArray  # (N,) each row's class as an index into ``classes``
    classes: IntArray  # (C,) the distinct training labels, sorted
    config: KNNConfig

    @classmethod
    def fit(cls, X: ArrayLike, y: ArrayLike, config: KNNConfig = KNNConfig()) -> KNNClassifier:
        """Memorize (X, y); checks the data and that k ≤ N."""
        X = as_features(X)
        y = as_labels(y, X.shape[0])
        _check_config(config, X.shape[0])
        classes, labels = np.unique(y, return_inverse=True)
        return cls(X=X, labels=labels.astype(np.int64), classes=classes, config=config)

    def predict(self, X: ArrayLike) -> IntArray:
        """The predicted label of every row of X, shape (M,)."""
        return self.predict_many_k(X, (self.config.k,))[0]

    def predict_many_k(self, X: ArrayLike, ks: Sequence[int]) -> IntArray:
        """Predictions for several k from one pass over the distances, shape (len(ks), M)."""
        X = as_features(X)
        check_width(X, self.X.shape[1])
        for k in ks:
            _check_config(replace(self.config, k=k), self.X.shape[0])
        ranking, ties = _RANKERS[self.config.metric](self.X), self.config.ties
        C, bs = len(self.classes), self.config.batch_size
        out = np.empty((len(ks), X.shape[0]), dtype=np.int64)
        for start in range(0, X.shape[0], bs):
            dist = ranking(X[start : start + bs])  # (bs, N)
            for i, k in enumerate(ks):
                neighbours = _nearest(dist, k, ties)  # (bs, k) training rows
                out[i, start : start + bs] = vote(self.labels[neighbours], C)
        return self.classes[out]


# --- choosing k by cross-validation --------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CVResult:
    """Validation accuracy of each k on each fold: the cross-validation table."""

    ks: tuple[int, ...]
    accuracy: FloatArray  # (len(ks), folds)

    @property
    def mean(self) -> FloatArray:
        return self.accuracy.mean(axis=1)  # (len(ks),)

    @property
    def std(self) -> FloatArray:
        return self.accuracy.std(axis=1)  # (len(ks),)

    @property
    def best_k(self) -> int:
        """The k with the highest mean accuracy (the smallest such k on a tie)."""
        return self.ks[int(np.argmax(self.mean))]

    def summary(self) -> dict[str, Any]:
        """Folds, the ks, their mean accuracy (4 decimals) and the best k, as JSON values."""
        return {
            "folds": self.accuracy.shape[1],
            "ks": list(self.ks),
            "mean_accuracy": [round(float(a), 4) for a in self.mean],
            "best_k": self.best_k,
        }


def cross_validate_k(
    X: ArrayLike,
    y: ArrayLike,
    ks: Sequence[int],
    *,
    folds: int = 5,
    rng: np.random.Generator,
    config: KNNConfig = KNNConfig(),
) -> CVResult:
    """Accuracy of every k in ``ks`` on each of ``folds`` folds (``config.k`` is ignored).

    The rows are shuffled with ``rng`` and split into ``folds`` near-equal parts; each part is
    held out once while the others, in their original order, form the training set. Distances
    are computed once per fold and reused for every k.
    """
    X = as_features(X)
    y = as_labels(y, X.shape[0])
    N = X.shape[0]
    if not 2 <= folds <= N:
        raise ConfigError(f"folds={folds} must be between 2 and the number of rows ({N})")
    if len(ks) == 0:
        raise ConfigError("ks is empty; pass the values of k to compare, e.g. (1, 3, 5, 7)")
    smallest_train = N - -(-N // folds)  # N minus the largest held-out fold
    for k in ks:
        if not 1 <= k <= smallest_train:
            raise ConfigError(
                f"k={k} does not fit: with {N} rows and folds={folds} each training split has "
                f"{smallest_train} rows; choose 1 ≤ k ≤ {smallest_train}"
            )
    parts = np.array_split(rng.permutation(N), folds)
    accuracy = np.empty((len(ks), folds))
    for f, held_out in enumerate(parts):
        # Training rows keep their original order (as sklearn's KFold does): which of several
        # equidistant points argpartition keeps depends on it.
        train = np.sort(np.concatenate([p for g, p in enumerate(parts) if g != f]))
        model = KNNClassifier.fit(X[train], y[train], replace(config, k=max(ks)))
        predictions = model.predict_many_k(X[held_out], ks)  # (len(ks), fold size)
        accuracy[:, f] = (predictions == y[held_out]).mean(axis=1)
    return CVResult(ks=tuple(int(k) for k in ks), accuracy=accuracy)


def plot_cv(result: CVResult, out: Path, *, title: str = "k-NN: choosing k") -> Path:
    """Validation accuracy against k — each fold a dot, the mean ± std as error bars; a PNG."""
    from matplotlib.figure import Figure

    from dlclassics.report.plots import save_figure

    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ks = np.asarray(result.ks)
    for f in range(result.accuracy.shape[1]):
        ax.scatter(ks, result.accuracy[:, f], s=10, color="grey", alpha=0.6)
    ax.errorbar(ks, result.mean, yerr=result.std, marker="o", capsize=3, label="mean ± std")
    ax.axvline(result.best_k, color="C1", lw=0.8, ls="--", label=f"best k = {result.best_k}")
    ax.set_xticks(ks)
    ax.set_xlabel("k")
    ax.set_ylabel("validation accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return save_figure(fig, out)
