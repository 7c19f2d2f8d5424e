"""Preprocessing: checked against scikit-learn, and whitening against its defining property."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from dlclassics.classic import preprocess
from dlclassics.classic.preprocess import (
    PCA,
    MeanSubtraction,
    Normalization,
    PCAConfig,
    Whitening,
    WhiteningConfig,
    plot_preprocessing,
)
from dlclassics.errors import ConfigError, UserError

sklearn_pre = pytest.importorskip("sklearn.preprocessing")
sklearn_dec = pytest.importorskip("sklearn.decomposition")


def correlated(n: int, d: int, seed: int) -> np.ndarray:
    """Gaussian rows with a random covariance and a non-zero mean."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d) * 5


def assert_close_up_to_sign(ours: np.ndarray, theirs: np.ndarray, axis: int) -> None:
    """Equal after flipping each component (a row if axis=1, a column if axis=0) to agree."""
    signs = np.sign(np.sum(ours * theirs, axis=axis, keepdims=True))
    assert_allclose(ours * signs, theirs, rtol=1e-8, atol=1e-10)


def test_module_docstring_example_runs() -> None:
    assert doctest.testmod(preprocess).failed == 0


def test_mean_subtraction_uses_the_training_mean_only() -> None:
    train, test = correlated(200, 4, 0), correlated(50, 4, 1)
    centre = MeanSubtraction.fit(train)
    assert_allclose(centre.transform(train).mean(axis=0), 0.0, atol=1e-12)
    assert_allclose(centre.transform(test), test - train.mean(axis=0))


def test_normalization_matches_sklearn_standard_scaler() -> None:
    X = correlated(300, 5, 2)
    X[:, 3] = 7.0  # a constant feature: sklearn leaves it unscaled, and so do we
    test = correlated(40, 5, 3)
    ours = Normalization.fit(X)
    theirs = sklearn_pre.StandardScaler().fit(X)
    assert_allclose(ours.mean, theirs.mean_)
    assert_allclose(ours.std, theirs.scale_)
    assert_allclose(ours.transform(test), theirs.transform(test), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 6])
def test_pca_matches_sklearn_up_to_sign(k: int) -> None:
    X, test = correlated(400, 6, 4), correlated(30, 6, 5)
    ours = PCA.fit(X, PCAConfig(n_components=k))
    theirs = sklearn_dec.PCA(n_components=k, svd_solver="full").fit(X)
    assert ours.components.shape == (k, 6)
    assert_allclose(ours.variances, theirs.explained_variance_, rtol=1e-10)
    assert_close_up_to_sign(ours.components, theirs.components_, axis=1)
    assert_close_up_to_sign(ours.transform(test), theirs.transform(test), axis=0)


def test_pca_components_are_orthonormal_and_sorted_by_variance() -> None:
    pca = PCA.fit(correlated(500, 5, 6))
    assert_allclose(pca.components @ pca.components.T, np.eye(5), atol=1e-12)
    assert np.all(np.diff(pca.variances) <= 0)
    biggest = np.abs(pca.components).argmax(axis=1)
    assert np.all(pca.components[np.arange(5), biggest] > 0)  # the sign convention


def test_whitening_matches_sklearn_pca_whiten_up_to_sign() -> None:
    X, test = correlated(400, 5, 7), correlated(30, 5, 8)
    ours = Whitening.fit(X, WhiteningConfig(n_components=3, eps=0.0))
    theirs = sklearn_dec.PCA(n_components=3, whiten=True, svd_solver="full").fit(X)
    assert_close_up_to_sign(ours.transform(test), theirs.transform(test), axis=0)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(20, 200), d=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_whitened_training_data_has_identity_covariance(n: int, d: int, seed: int) -> None:
    X = correlated(n, d, seed)
    Z = Whitening.fit(X, WhiteningConfig(eps=0.0)).transform(X)
    assert_allclose(Z.mean(axis=0), 0.0, atol=1e-8)
    assert_allclose(np.cov(Z, rowvar=False).reshape(d, d), np.eye(d), atol=1e-6)


def test_whitening_eps_shrinks_low_variance_directions() -> None:
    X = correlated(300, 3, 9)
    X[:, 2] = X[:, 0] + X[:, 1]  # rank 2: one direction of zero variance
    with pytest.raises(ConfigError, match="zero variance"):
        Whitening.fit(X, WhiteningConfig(eps=0.0))
    Z = Whitening.fit(X, WhiteningConfig(eps=1e-5)).transform(X)
    assert np.isfinite(Z).all()
    assert np.abs(Z[:, 2]).max() < 1e-3  # the flat direction stays ~0 instead of exploding


def test_plot_preprocessing_writes_a_png(tmp_path: Path) -> None:
    out = plot_preprocessing(correlated(300, 2, 10), tmp_path / "pre.png")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# --- bad input: one line, what is wrong and how to fix it ----------------------------------


def test_transform_with_the_wrong_width_names_both_shapes() -> None:
    centre = MeanSubtraction.fit(np.zeros((5, 4)))
    with pytest.raises(UserError, match=r"shape \(3, 3\); expected \(3, 4\)"):
        centre.transform(np.zeros((3, 3)))


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.zeros((0, 3)), "empty"),
        (np.zeros(4), r"shape \(4,\); expected \(N, D\)"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), "NaN or infinite values .first in row 0"),
        (np.array([["a", "b"]]), "numeric"),
    ],
)
def test_bad_arrays_raise_user_error(X: np.ndarray, match: str) -> None:
    with pytest.raises(UserError, match=match) as info:
        Normalization.fit(X)
    assert "\n" not in str(info.value)


def test_pca_with_too_many_components_says_the_range() -> None:
    with pytest.raises(ConfigError, match=r"n_components=4 but X has 3 features; choose 1\.\.3"):
        PCA.fit(np.eye(3), PCAConfig(n_components=4))


def test_negative_eps_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="eps=-1"):
        Whitening.fit(np.eye(3), WhiteningConfig(eps=-1.0))


def test_plot_preprocessing_needs_2d_points(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"shape \(10, 3\).*\(N, 2\)"):
        plot_preprocessing(np.zeros((10, 3)), tmp_path / "x.png")
