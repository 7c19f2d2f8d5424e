"""Fréchet distance against scipy's matrix square root; the classifier score's extremes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.gan.measures import (
    class_shares,
    classifier_score,
    frechet_distance,
    frechet_distance_of,
    gaussian_fit,
)


def _direct(mu1: np.ndarray, s1: np.ndarray, mu2: np.ndarray, s2: np.ndarray) -> float:
    """The formula as written: ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 sqrtm(Σ₁Σ₂))."""
    root = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * root))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("dim", [1, 3, 16])
def test_frechet_distance_matches_the_direct_scipy_sqrtm_formula(seed: int, dim: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(dim, dim)), rng.normal(size=(dim, dim))
    s1, s2 = a @ a.T + 0.1 * np.eye(dim), b @ b.T + 0.1 * np.eye(dim)
    mu1, mu2 = rng.normal(size=dim), rng.normal(size=dim)
    np.testing.assert_allclose(frechet_distance(mu1, s1, mu2, s2), _direct(mu1, s1, mu2, s2),
                               rtol=1e-8, atol=1e-8)  # fmt: skip


def test_frechet_distance_of_features_uses_their_mean_and_covariance() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(500, 4)), rng.normal(1.0, 2.0, size=(400, 4))
    expected = _direct(*gaussian_fit(x), *gaussian_fit(y))
    np.testing.assert_allclose(frechet_distance_of(x, y), expected, rtol=1e-8)
    assert abs(frechet_distance_of(x, x)) < 1e-8


def test_frechet_distance_between_shifted_equal_gaussians_is_the_squared_shift() -> None:
    s = np.diag([1.0, 4.0])
    assert frechet_distance(np.zeros(2), s, np.array([3.0, 4.0]), s) == pytest.approx(25.0)


def test_classifier_score_of_uniform_predictions_is_one() -> None:
    assert classifier_score(np.full((100, 10), 0.1)) == pytest.approx(1.0)


@pytest.mark.parametrize("classes", [2, 10])
def test_classifier_score_of_one_confident_sample_per_class_is_the_number_of_classes(
    classes: int,
) -> None:
    probs = np.repeat(np.eye(classes), 7, axis=0)  # every class equally often, one-hot
    assert classifier_score(probs) == pytest.approx(classes, rel=1e-9)


def test_classifier_score_of_one_confident_class_for_all_samples_is_one() -> None:
    probs = np.zeros((50, 10))
    probs[:, 3] = 1.0
    assert classifier_score(probs) == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 40), st.integers(2, 10), st.integers(0, 2**31))
def test_classifier_score_lies_between_one_and_the_number_of_classes(
    n: int, k: int, seed: int
) -> None:
    logits = np.random.default_rng(seed).normal(scale=3.0, size=(n, k))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert 1 - 1e-9 <= classifier_score(probs) <= k + 1e-9


def test_class_shares_count_the_most_probable_class() -> None:
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(class_shares(probs), [0.5, 0.25, 0.25])
