"""Linear classifiers: losses and gradients against loops, torch and finite differences."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from torch.testing import assert_close

from dlclassics.classic import linear
from dlclassics.classic.linear import (
    LinearClassifier,
    LinearConfig,
    append_ones,
    fold_bias,
    scores,
    softmax,
    softmax_loss_naive,
    softmax_loss_vectorized,
    svm_loss_naive,
    svm_loss_vectorized,
)
from dlclassics.classic.templates import plot_templates, template_images
from dlclassics.errors import ConfigError, TrainingDiverged, UserError

LOSS_PAIRS = {
    "svm": (svm_loss_naive, svm_loss_vectorized),
    "softmax": (softmax_loss_naive, softmax_loss_vectorized),
}


def problem(
    seed: int, N: int = 12, D: int = 7, C: int = 4, scale: float = 1.0
) -> tuple[np.ndarray, ...]:
    """Random W (C, D), b (C,), X (N, D), y (N,) in float64."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(C, D)) * scale, rng.normal(size=C) * scale
    return W, b, rng.normal(size=(N, D)), rng.integers(0, C, N)


def test_module_docstring_example_runs() -> None:
    assert doctest.testmod(linear).failed == 0


# --- score function and bias trick ---------------------------------------------------------


def test_scores_are_wx_plus_b_for_every_row() -> None:
    W, b, X, _ = problem(0)
    S = scores(X, W, b)
    for i in range(len(X)):
        assert_allclose(S[i], W @ X[i] + b)


def test_bias_trick_gives_the_same_scores_and_losses() -> None:
    W, b, X, y = problem(1)
    W1, X1, zero = fold_bias(W, b), append_ones(X), np.zeros(len(b))
    assert W1.shape == (4, 8) and X1.shape == (12, 8)
    assert_allclose(scores(X1, W1, zero), scores(X, W, b), rtol=1e-13)
    for _, vectorized in LOSS_PAIRS.values():
        folded = vectorized(W1, zero, X1, y)
        plain = vectorized(W, b, X, y)
        assert folded.loss == pytest.approx(plain.loss, rel=1e-13)
        assert_allclose(folded.dW, fold_bias(plain.dW, plain.db), rtol=1e-12, atol=1e-15)


# --- losses: naive == vectorized == torch == finite differences ----------------------------


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    N=st.integers(1, 10),
    C=st.integers(2, 6),
    reg=st.sampled_from([0.0, 0.1, 2.5]),
    loss=st.sampled_from(["svm", "softmax"]),
)
def test_naive_and_vectorized_losses_agree(
    seed: int, N: int, C: int, reg: float, loss: str
) -> None:
    W, b, X, y = problem(seed, N=N, C=C)
    naive, vectorized = LOSS_PAIRS[loss]
    a, v = naive(W, b, X, y, reg=reg), vectorized(W, b, X, y, reg=reg)
    assert a.loss == pytest.approx(v.loss, rel=1e-12)
    assert_allclose(a.dW, v.dW, rtol=1e-10, atol=1e-12)
    assert_allclose(a.db, v.db, rtol=1e-10, atol=1e-12)


def torch_reference(
    loss: str, W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float
) -> tuple[float, np.ndarray, np.ndarray]:
    """Loss and (dW, db) by torch autograd, float64."""
    Wt = torch.tensor(W, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    S = torch.from_numpy(X) @ Wt.T + bt
    target = torch.from_numpy(y)
    if loss == "svm":
        # torch's per-example hinge is Σ_{j≠y} max(0, 1 − s_y + s_j) / C: it divides by the number
        # of classes, so the notes' L_i is C times it.
        data = W.shape[0] * F.multi_margin_loss(S, target, p=1, margin=1.0)
    else:
        data = F.cross_entropy(S, target)
    total = data + reg * (Wt**2).sum()
    total.backward()
    assert Wt.grad is not None and bt.grad is not None
    return total.item(), Wt.grad.numpy(), bt.grad.numpy()


@pytest.mark.parametrize("loss", ["svm", "softmax"])
@pytest.mark.parametrize("seed", range(5))
def test_losses_and_gradients_match_torch(loss: str, seed: int) -> None:
    W, b, X, y = problem(seed, N=20, D=9, C=5)
    reg = 0.3
    value, dW, db = torch_reference(loss, W, b, X, y, reg)
    for fn in LOSS_PAIRS[loss]:
        ours = fn(W, b, X, y, reg=reg)
        assert_close(
            torch.tensor(ours.loss, dtype=torch.float64), torch.tensor(value, dtype=torch.float64)
        )
        assert_close(torch.from_numpy(ours.dW), torch.from_numpy(dW))
        assert_close(torch.from_numpy(ours.db), torch.from_numpy(db))


def test_hinge_subgradient_at_the_kink_matches_torch() -> None:
    # Integer weights and inputs give exact integer scores, so many margins are exactly 0: both
    # we and torch count max(0, z) as inactive there (z > 0 is required).
    rng = np.random.default_rng(6)
    W, b = rng.integers(-2, 3, (4, 5)).astype(float), rng.integers(-2, 3, 4).astype(float)
    X, y = rng.integers(-2, 3, (30, 5)).astype(float), rng.integers(0, 4, 30)
    S = scores(X, W, b)
    assert np.sum(S - S[np.arange(30), y][:, None] + 1 == 0) >= 5  # margins on the kink
    value, dW, db = torch_reference("svm", W, b, X, y, reg=0.0)
    for fn in LOSS_PAIRS["svm"]:
        ours = fn(W, b, X, y)
        assert ours.loss == pytest.approx(value, rel=1e-12)
        assert_allclose(ours.dW, dW, rtol=1e-12, atol=1e-12)
        assert_allclose(ours.db, db, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss", ["svm", "softmax"])
def test_analytic_gradients_match_numerical_gradients(loss: str) -> None:
    gradcheck = pytest.importorskip("dlclassics.autograd.gradcheck")
    W, b, X, y = problem(11, N=15, D=6, C=4)
    # Random scores sit far from the hinge's kinks (margin exactly 0), so the SVM is smooth here.
    for fn in LOSS_PAIRS[loss]:
        out = fn(W, b, X, y, reg=0.5)
        num_W = gradcheck.numerical_gradient(lambda w, f=fn: f(w, b, X, y, reg=0.5).loss, W.copy())
        num_b = gradcheck.numerical_gradient(lambda c, f=fn: f(W, c, X, y, reg=0.5).loss, b.copy())
        assert gradcheck.relative_error(out.dW, num_W) < 1e-7
        assert gradcheck.relative_error(out.db, num_b) < 1e-7


def test_losses_at_zero_weights_are_the_textbook_values() -> None:
    _, _, X, y = problem(2, C=10)
    W, b = np.zeros((10, 7)), np.zeros(10)
    assert svm_loss_vectorized(W, b, X, y).loss == pytest.approx(9.0)  # (C − 1)·Δ
    assert softmax_loss_vectorized(W, b, X, y).loss == pytest.approx(np.log(10))  # log C


def test_softmax_is_stable_for_huge_scores() -> None:
    W, b, X, y = problem(3, scale=1e4)  # scores around ±1e4: e^{s} overflows without the shift
    S = scores(X, W, b)
    assert np.abs(S).max() > 1000
    P = softmax(S)
    assert np.isfinite(P).all()
    assert_allclose(P.sum(axis=1), 1.0)
    assert_close(torch.from_numpy(P), torch.softmax(torch.from_numpy(S), dim=1))
    value, dW, _ = torch_reference("softmax", W, b, X, y, reg=0.0)
    for fn in LOSS_PAIRS["softmax"]:
        ours = fn(W, b, X, y)
        assert np.isfinite(ours.loss) and np.isfinite(ours.dW).all()
        assert ours.loss == pytest.approx(value, rel=1e-10)
        assert_allclose(ours.dW, dW, rtol=1e-10, atol=1e-8)


# --- the classifier ------------------------------------------------------------------------


def blobs(seed: int, n: int, C: int = 4, D: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """C overlapping Gaussian blobs in D dimensions (about 90% linearly separable)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(C, D)) * 1.2
    y = rng.integers(0, C, n)
    return centres[y] + rng.normal(size=(n, D)), y


@pytest.mark.parametrize("loss", ["svm", "softmax"])
def test_accuracy_is_within_one_point_of_sklearn_on_synthetic_blobs(loss: str) -> None:
    svm = pytest.importorskip("sklearn.svm")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X_all, y_all = blobs(0, 5000)
    X, y, X_test, y_test = X_all[:3000], y_all[:3000], X_all[3000:], y_all[3000:]
    model = LinearClassifier.fit(X, y, LinearConfig(loss=loss, lr=0.05, epochs=15))  # type: ignore[arg-type]
    ours = (model.predict(X_test) == y_test).mean()
    peer = svm.LinearSVC() if loss == "svm" else linear_model.LogisticRegression()
    theirs = peer.fit(X, y).score(X_test, y_test)
    assert 0.8 < theirs < 0.97  # a problem a linear model can almost, not fully, solve
    assert abs(ours - theirs) <= 0.01


def test_training_is_reproducible_and_the_loss_goes_down() -> None:
    X, y = blobs(1, 600)
    config = LinearConfig(loss="softmax", lr=0.1, epochs=5, seed=3)
    a, b = LinearClassifier.fit(X, y, config), LinearClassifier.fit(X, y, config)
    assert_array_equal(a.W, b.W)
    assert len(a.loss_history) == 5 * 3  # 600 rows / 200 per batch, 5 epochs
    assert np.mean(a.loss_history[-3:]) < 0.5 * a.loss_history[0]
    c = LinearClassifier.fit(X, y, config, rng=np.random.default_rng(99))
    assert not np.array_equal(a.W, c.W)


def test_templates_are_rows_of_w_as_images(tmp_path: Path) -> None:
    W = np.arange(2 * 6, dtype=float).reshape(2, 6)
    images = template_images(W, (2, 3))
    assert images.shape == (2, 2, 3)
    assert_allclose(images[0], np.linspace(0, 1, 6).reshape(2, 3))
    out = plot_templates(
        np.random.default_rng(0).normal(size=(3, 16)),
        ["a", "b", "c"],
        tmp_path / "t.png",
        image_shape=(4, 4),
        ncols=2,
    )
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    colour = tmp_path / "rgb.png"  # CIFAR-style (H, W, 3) templates
    plot_templates(
        np.random.default_rng(1).normal(size=(2, 12)), ["x", "y"], colour, image_shape=(2, 2, 3)
    )
    assert colour.stat().st_size > 0


def test_templates_name_the_shapes_when_w_has_a_bias_column(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"shape \(10, 785\).*\(28, 28\).*W\[:, :-1\]"):
        template_images(np.zeros((10, 785)), (28, 28))
    with pytest.raises(UserError, match="labels has 2 names but W has 3 rows"):
        plot_templates(np.zeros((3, 4)), ["a", "b"], tmp_path / "t.png", image_shape=(2, 2))


# The settings of benchmarks/classic.py (calibrated there, 3 seeds).
FASHION_CONFIGS = {
    "svm": LinearConfig(loss="svm", lr=0.1, epochs=20),
    "softmax": LinearConfig(loss="softmax", lr=0.5, epochs=20),
}


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["svm", "softmax"])
def test_fashion_mnist_accuracy_is_within_one_point_of_sklearn(loss: str) -> None:
    svm = pytest.importorskip("sklearn.svm")
    linear_model = pytest.importorskip("sklearn.linear_model")
    data = pytest.importorskip("dlclassics.data")
    if not data.is_cached("fashion-mnist"):
        pytest.skip("fashion-mnist is not cached; run `dlc data fetch fashion-mnist`")
    from dlclassics.classic.preprocess import MeanSubtraction

    X_train, y_train = data.load_images("fashion-mnist", "train")
    X_test, y_test = data.load_images("fashion-mnist", "test")
    centre = MeanSubtraction.fit(X_train.reshape(len(X_train), -1) / 255.0)
    X = centre.transform(X_train.reshape(len(X_train), -1) / 255.0)
    X_t = centre.transform(X_test.reshape(len(X_test), -1) / 255.0)
    model = LinearClassifier.fit(X, y_train, FASHION_CONFIGS[loss])
    ours = (model.predict(X_t) == y_test).mean()
    peer = (
        svm.LinearSVC(dual=False)
        if loss == "svm"
        else linear_model.LogisticRegression(max_iter=1000)
    )
    theirs = peer.fit(X, y_train).score(X_t, y_test)
    assert abs(ours - theirs) <= 0.01


# --- bad input: one line, what is wrong and how to fix it ----------------------------------


@pytest.mark.parametrize("fn", [svm_loss_naive, svm_loss_vectorized, softmax_loss_vectorized])
def test_losses_name_both_shapes_when_w_and_x_disagree(fn) -> None:  # type: ignore[no-untyped-def]
    W, b, X, y = problem(4)
    with pytest.raises(UserError, match=r"X has shape \(12, 6\) and W has shape \(4, 7\)"):
        fn(W, b, X[:, :6], y)


def test_labels_out_of_range_are_user_errors() -> None:
    W, b, X, y = problem(5)
    y[3] = 4
    with pytest.raises(UserError, match=r"labels must lie in \[0, 4\)"):
        svm_loss_vectorized(W, b, X, y)
    with pytest.raises(UserError, match=r"label 4, outside \[0, 3\)"):
        LinearClassifier.fit(X, y, LinearConfig(num_classes=3))
    with pytest.raises(UserError, match=r"label -1"):
        LinearClassifier.fit(X, -np.ones(12, dtype=int))


def test_predict_with_the_wrong_width_names_both_shapes() -> None:
    X, y = blobs(2, 100)
    model = LinearClassifier.fit(X, y, LinearConfig(epochs=1))
    with pytest.raises(UserError, match=r"shape \(5, 3\); expected \(5, 10\)"):
        model.predict(np.zeros((5, 3)))


@pytest.mark.parametrize(
    ("X", "match"),
    [(np.zeros((0, 3)), "empty"), (np.array([[np.nan, 1.0]] * 4), "NaN")],
)
def test_bad_training_data_raises_user_error(X: np.ndarray, match: str) -> None:
    with pytest.raises(UserError, match=match):
        LinearClassifier.fit(X, np.zeros(len(X), dtype=int))


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (LinearConfig(lr=0.0), "lr=0.0 must be > 0"),
        (LinearConfig(reg=-1.0), "reg=-1.0 must be ≥ 0"),
        (LinearConfig(loss="hinge"), "loss='hinge' is not known"),  # type: ignore[arg-type]
        (LinearConfig(num_classes=1), "num_classes=1"),
    ],
)
def test_bad_settings_raise_config_error(config: LinearConfig, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        LinearClassifier.fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]), config)


def test_a_diverging_run_says_to_lower_the_learning_rate() -> None:
    X, y = blobs(3, 200)
    with pytest.raises(TrainingDiverged, match="lower lr"):
        LinearClassifier.fit(X * 1e150, y, LinearConfig(loss="softmax", lr=1e10))
