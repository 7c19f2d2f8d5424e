"""Sample quality without the internet: Fréchet distance and classifier score on our own net.

The FID of Heusel et al. (2017) and the Inception score of Salimans et al. (2016) read features
and class probabilities of an ImageNet Inception network we cannot download. Both formulas
work with any classifier of the images at hand, so we use our own (:mod:`.judge`); the numbers
are comparable only among runs judged by the same network, and each comes next to its floor,
the same measure on real held-out images.

* **Fréchet distance** between Gaussians fitted to the features of two image sets::

      d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2})

  Tr((Σ₁Σ₂)^{1/2}) = Tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}) = Σᵢ √λᵢ, the eigenvalues of a symmetric
  positive semi-definite matrix — no non-symmetric matrix square root needed.
* **Classifier score**: exp(E_x KL(p(y|x) ‖ p(y))), p(y) = E_x p(y|x). It is 1 when every
  sample gets the same class distribution and K (the number of classes) when each sample is
  confidently one class and the classes are equally frequent.
* **Class shares**: the fraction of samples the classifier assigns to each class.
"""

from __future__ import annotations

import numpy as np


def gaussian_fit(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) of (N, D) features, in float64."""
    x = np.asarray(features, dtype=np.float64)
    return x.mean(axis=0), np.cov(x, rowvar=False)


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray
) -> float:
    """d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2}) (formula in the module docstring)."""
    root1 = _psd_sqrt(sigma1)
    inner = np.linalg.eigvalsh(root1 @ sigma2 @ root1)  # eigenvalues of Σ₁^{1/2} Σ₂ Σ₁^{1/2}
    trace_sqrt = np.sqrt(np.clip(inner, 0, None)).sum()
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_sqrt)


def frechet_distance_of(features1: np.ndarray, features2: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two (N, D) feature sets."""
    return frechet_distance(*gaussian_fit(features1), *gaussian_fit(features2))


def classifier_score(probs: np.ndarray, eps: float = 1e-12) -> float:
    """exp(mean_x KL(p(y|x) ‖ p(y))) of (N, K) class probabilities."""
    p = np.asarray(probs, dtype=np.float64)
    marginal = p.mean(axis=0, keepdims=True)  # p(y), (1, K)
    kl = (p * (np.log(p + eps) - np.log(marginal + eps))).sum(axis=1)  # (N,)
    return float(np.exp(kl.mean()))


def class_shares(probs: np.ndarray) -> np.ndarray:
    """(K,) share of samples whose most probable class is each class."""
    p = np.asarray(probs)
    return np.bincount(p.argmax(axis=1), minlength=p.shape[1]) / len(p)
