"""k-NN: three distance computations agree, and predictions equal scikit-learn's brute force."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from dlclassics.classic import knn
from dlclassics.classic.knn import (
    KNNClassifier,
    KNNConfig,
    cross_validate_k,
    distances_no_loops,
    distances_one_loop,
    distances_two_loops,
    nearest,
    plot_cv,
    vote,
    vote_naive,
)
from dlclassics.errors import ConfigError, UserError

sklearn = pytest.importorskip("sklearn")
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

METRIC_P = {"l1": 1, "l2": 2}  # our metric -> sklearn's Minkowski p


def sklearn_predict(
    X: np.ndarray, y: np.ndarray, X_test: np.ndarray, k: int, metric: str, *, numpy_path: bool
) -> np.ndarray:
    """``KNeighborsClassifier(algorithm="brute")``; ``numpy_path`` forces its NumPy code path."""
    model = KNeighborsClassifier(n_neighbors=k, algorithm="brute", p=METRIC_P[metric])
    with sklearn.config_context(enable_cython_pairwise_dist=not numpy_path):
        return model.fit(X, y).predict(X_test)


def test_module_docstring_example_runs() -> None:
    assert doctest.testmod(knn).failed == 0


# --- distances -----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 8),
    n=st.integers(1, 8),
    d=st.integers(1, 6),
    metric=st.sampled_from(["l1", "l2"]),
    seed=st.integers(0, 2**31),
)
def test_two_loop_one_loop_and_no_loop_distances_agree(
    m: int, n: int, d: int, metric: knn.Metric, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, d)) * 10, rng.normal(size=(n, d)) * 10
    two = distances_two_loops(A, B, metric)
    assert_allclose(distances_one_loop(A, B, metric), two, rtol=1e-12, atol=1e-12)
    # ‖a‖² − 2a·b + ‖b‖² cancels: its absolute error is ~eps·‖a‖², so d = sqrt(d²) can be off
    # by ~sqrt(eps)·‖a‖ where a ≈ b.
    assert_allclose(distances_no_loops(A, B, metric), two, rtol=1e-9, atol=1e-5)


@pytest.mark.parametrize(("metric", "p"), [("l1", 1.0), ("l2", 2.0)])
def test_no_loop_distances_match_torch_cdist(metric: knn.Metric, p: float) -> None:
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(30, 7)), rng.normal(size=(40, 7))
    theirs = torch.cdist(torch.from_numpy(A), torch.from_numpy(B), p=p).numpy()
    assert_allclose(distances_no_loops(A, B, metric), theirs, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("integer", [False, True])
def test_compiled_l1_kernel_equals_the_two_loop_sums(integer: bool) -> None:
    """Shapes that cut the kernel's 8 × 256 tiles unevenly; integer pixels: exact sums."""
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(19, 9)), rng.normal(size=(600, 9))
    if integer:
        A, B = np.round(A * 100), np.round(B * 100)
    ours = knn._RANKERS["l1"](B)(A)
    two = distances_two_loops(A, B, "l1")
    if integer:
        assert_array_equal(ours, two)
    else:
        assert_allclose(ours, two, rtol=1e-12)


# --- choosing neighbours and voting --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.lists(st.integers(0, 3), min_size=5, max_size=5), min_size=1, max_size=9))
def test_vectorized_vote_equals_the_loop(labels: list[list[int]]) -> None:
    neighbour_labels = np.array(labels, dtype=np.int64)
    assert_array_equal(vote(neighbour_labels, 4), vote_naive(neighbour_labels, 4))


def test_a_tied_vote_goes_to_the_smallest_label() -> None:
    assert vote(np.array([[3, 1, 3, 1, 2]]), 4).tolist() == [1]
    assert vote_naive(np.array([[3, 1, 3, 1, 2]]), 4).tolist() == [1]


def test_lowest_index_keeps_the_earliest_of_the_tied_points() -> None:
    dist = np.array([[5.0, 1.0, 3.0, 3.0, 0.5, 3.0]])
    assert sorted(nearest(dist, 3, ties="lowest_index")[0].tolist()) == [1, 2, 4]
    assert sorted(nearest(dist, 5, ties="lowest_index")[0].tolist()) == [1, 2, 3, 4, 5]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), k=st.integers(1, 12))
def test_both_tie_rules_keep_the_k_smallest_distances(seed: int, k: int) -> None:
    dist = np.random.default_rng(seed).integers(0, 4, size=(6, 12)).astype(float)
    want = np.sort(dist, axis=1)[:, :k]
    for ties in ("argpartition", "lowest_index"):
        idx = nearest(dist, k, ties=ties)
        assert all(len(set(row)) == k for row in idx.tolist())  # k distinct points
        assert_array_equal(np.sort(np.take_along_axis(dist, idx, axis=1), axis=1), want)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(1, 700),
    k=st.integers(1, 40),
    levels=st.sampled_from([3, 50, 0]),
)
def test_fast_selection_equals_a_full_argpartition(seed: int, n: int, k: int, levels: int) -> None:
    # Rows long enough for the block-minimum bound, with many ties (levels=3), few, or none (0).
    rng = np.random.default_rng(seed)
    k = min(k, n)
    dist = rng.integers(0, levels, (9, n)).astype(float) if levels else rng.random((9, n))
    ours = knn._nearest(dist, k, "argpartition")
    assert_array_equal(np.sort(ours, axis=1), np.sort(np.argpartition(dist, k - 1)[:, :k], axis=1))
    lowest = knn._nearest(dist, k, "lowest_index")
    stable = np.argsort(dist, axis=1, kind="stable")[:, :k]  # (distance, index) order
    assert_array_equal(np.sort(lowest, axis=1), np.sort(stable, axis=1))


# --- identical to scikit-learn -------------------------------------------------------------


@pytest.mark.parametrize("metric", ["l1", "l2"])
def test_predictions_equal_sklearn_brute_on_integer_data_with_many_ties(metric: str) -> None:
    # Features in {0, 1, 2} and 1–3 dimensions: most distances are tied, at the k-th place too.
    rng = np.random.default_rng(0)
    disagreements, tied_rows = 0, 0
    for _ in range(60):
        n, m, d = int(rng.integers(5, 200)), int(rng.integers(1, 40)), int(rng.integers(1, 4))
        X, X_test = rng.integers(0, 3, (n, d)), rng.integers(0, 3, (m, d))
        y = rng.integers(0, 4, n) * 3 - 2  # arbitrary labels: -2, 1, 4, 7
        k = int(rng.integers(1, min(n, 15) + 1))
        for batch_size in (1, 5, 256):
            config = KNNConfig(k=k, metric=metric, batch_size=batch_size)  # type: ignore[arg-type]
            ours = KNNClassifier.fit(X, y, config).predict(X_test)
            for numpy_path in (True, False):  # int arrays take sklearn's NumPy path either way
                theirs = sklearn_predict(X, y, X_test, k, metric, numpy_path=numpy_path)
                disagreements += int((ours != theirs).sum())
        d_rank = knn._RANKERS[metric](X.astype(float))(X_test.astype(float))
        kth = np.sort(d_rank, axis=1)[:, k - 1 : k]
        tied_rows += int(((d_rank <= kth).sum(axis=1) > k).sum())
    assert tied_rows > 500  # the data really exercises the tie rule
    assert disagreements == 0


@pytest.mark.parametrize("metric", ["l1", "l2"])
def test_predictions_equal_sklearn_numpy_path_on_float_data_with_ties(metric: str) -> None:
    rng = np.random.default_rng(1)
    for _ in range(30):
        n, m = int(rng.integers(10, 150)), int(rng.integers(1, 30))
        X, X_test = rng.integers(0, 3, (n, 2)) * 0.5, rng.integers(0, 3, (m, 2)) * 0.5
        y = rng.integers(0, 3, n)
        k = int(rng.integers(1, 10))
        ours = KNNClassifier.fit(X, y, KNNConfig(k=k, metric=metric)).predict(X_test)  # type: ignore[arg-type]
        assert_array_equal(ours, sklearn_predict(X, y, X_test, k, metric, numpy_path=True))


@pytest.mark.parametrize("metric", ["l1", "l2"])
def test_predictions_equal_sklearn_on_continuous_data(metric: str) -> None:
    # No exact ties: sklearn's default (Cython) path agrees as well.
    rng = np.random.default_rng(2)
    X, X_test = rng.normal(size=(300, 5)), rng.normal(size=(100, 5))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int) + 2 * (X[:, 1] > 0)
    for k in (1, 4, 7, 20):
        ours = KNNClassifier.fit(X, y, KNNConfig(k=k, metric=metric)).predict(X_test)  # type: ignore[arg-type]
        for numpy_path in (True, False):
            assert_array_equal(
                ours, sklearn_predict(X, y, X_test, k, metric, numpy_path=numpy_path)
            )


@pytest.mark.parametrize("metric", ["l1", "l2"])
def test_predictions_equal_sklearn_on_the_digits_images(metric: str) -> None:
    # Real 8×8 images, pixel values 0..16: distances are exact integers in float64.
    X, y = load_digits(return_X_y=True)
    X_train, y_train, X_test = X[:1200], y[:1200], X[1200:]
    for k in (1, 3, 5, 10):
        model = KNNClassifier.fit(X_train, y_train, KNNConfig(k=k, metric=metric))  # type: ignore[arg-type]
        ours = model.predict(X_test)
        assert_array_equal(
            ours, sklearn_predict(X_train, y_train, X_test, k, metric, numpy_path=True)
        )
        # sklearn's default Cython path keeps tied neighbours in heap order; any row where it
        # differs must have a tie at the k-th distance.
        cython = sklearn_predict(X_train, y_train, X_test, k, metric, numpy_path=False)
        d_rank = knn._RANKERS[metric](X_train)(X_test)
        kth = np.sort(d_rank, axis=1)[:, k - 1 : k]
        tied_at_k = (d_rank <= kth).sum(axis=1) > k
        assert not np.any((ours != cython) & ~tied_at_k)


def test_digits_accuracy_is_what_knn_is_known_for() -> None:
    X, y = load_digits(return_X_y=True)
    acc = KNNClassifier.fit(X[:1200], y[:1200], KNNConfig(k=3)).predict(X[1200:]) == y[1200:]
    assert acc.mean() > 0.95  # 0.970 with this split (sklearn gets the same, by the tests above)


def test_batch_size_does_not_change_predictions() -> None:
    rng = np.random.default_rng(3)
    X, y, X_test = (
        rng.integers(0, 4, (120, 3)),
        rng.integers(0, 3, 120),
        rng.integers(0, 4, (37, 3)),
    )
    ties: knn.NeighbourTies
    for ties in ("argpartition", "lowest_index"):
        preds = {
            bs: KNNClassifier.fit(X, y, KNNConfig(k=6, batch_size=bs, ties=ties)).predict(X_test)
            for bs in (1, 4, 37, 1000)
        }
        for p in preds.values():
            assert_array_equal(p, preds[1])


# --- cross-validation ----------------------------------------------------------------------


def test_cross_validation_table_matches_a_manual_split() -> None:
    X, y = load_digits(return_X_y=True)
    X, y = X[:300], y[:300]
    ks = (1, 3, 5, 8)
    result = cross_validate_k(X, y, ks, folds=5, rng=np.random.default_rng(7))
    assert result.accuracy.shape == (4, 5)
    parts = np.array_split(np.random.default_rng(7).permutation(300), 5)
    for f, held in enumerate(parts):
        train = np.setdiff1d(np.arange(300), held)
        for i, k in enumerate(ks):
            pred = KNNClassifier.fit(X[train], y[train], KNNConfig(k=k)).predict(X[held])
            assert result.accuracy[i, f] == pytest.approx((pred == y[held]).mean())
    assert result.best_k == ks[int(np.argmax(result.accuracy.mean(axis=1)))]


def test_best_k_prefers_the_smallest_k_on_a_tie() -> None:
    result = knn.CVResult(ks=(1, 3, 5), accuracy=np.array([[0.8, 0.8], [0.9, 0.9], [0.9, 0.9]]))
    assert result.best_k == 3


def test_plot_cv_writes_a_png(tmp_path: Path) -> None:
    X, y = load_digits(return_X_y=True)
    result = cross_validate_k(X[:200], y[:200], (1, 3, 5), folds=3, rng=np.random.default_rng(0))
    out = plot_cv(result, tmp_path / "cv.png")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# --- bad input: one line, what is wrong and how to fix it ----------------------------------


def test_k_larger_than_the_training_set_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"k=9 is larger than the training set \(8 rows\)"):
        KNNClassifier.fit(np.zeros((8, 2)), np.zeros(8, dtype=int), KNNConfig(k=9))


def test_wrong_test_width_names_both_shapes() -> None:
    model = KNNClassifier.fit(np.zeros((8, 3)), np.zeros(8, dtype=int), KNNConfig(k=1))
    with pytest.raises(UserError, match=r"shape \(2, 4\); expected \(2, 3\)"):
        model.predict(np.zeros((2, 4)))


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((0, 2)), np.zeros(0, dtype=int), "empty"),
        (np.array([[0.0, np.nan]] * 3), np.zeros(3, dtype=int), "NaN"),
        (np.zeros((3, 2)), np.zeros(4, dtype=int), r"y has shape \(4,\) but X has 3 rows"),
        (np.zeros((3, 2)), np.array([0.5, 1.0, 0.0]), "labels must be integers"),
    ],
)
def test_bad_training_data_raises_user_error(X: np.ndarray, y: np.ndarray, match: str) -> None:
    with pytest.raises(UserError, match=match) as info:
        KNNClassifier.fit(X, y, KNNConfig(k=1))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (KNNConfig(k=0), "k=0 must be ≥ 1"),
        (KNNConfig(metric="cosine"), "metric='cosine' is not known"),  # type: ignore[arg-type]
        (KNNConfig(batch_size=0), "batch_size=0"),
        (KNNConfig(ties="random"), "ties='random' is not known"),  # type: ignore[arg-type]
    ],
)
def test_bad_settings_raise_config_error(config: KNNConfig, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        KNNClassifier.fit(np.zeros((8, 2)), np.zeros(8, dtype=int), config)


def test_cross_validation_rejects_k_that_does_not_fit_a_fold() -> None:
    X, y = np.zeros((10, 2)), np.zeros(10, dtype=int)
    with pytest.raises(ConfigError, match=r"k=9 does not fit.*choose 1 ≤ k ≤ 8"):
        cross_validate_k(X, y, (1, 9), folds=5, rng=np.random.default_rng(0))
    with pytest.raises(ConfigError, match="folds=1"):
        cross_validate_k(X, y, (1,), folds=1, rng=np.random.default_rng(0))
