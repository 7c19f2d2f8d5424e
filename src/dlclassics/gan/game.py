"""The minimax game of Goodfellow et al. (2014), "Generative Adversarial Nets" (note 004 §五).

A generator G maps noise z ~ p_z to samples; a discriminator D(x) ∈ (0, 1) says how likely x
is real ("生成器生成 certain stuff，判别器 judge real/true；两者相互对抗，相互优化")::

    min_G max_D  V(D, G) = E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 − D(G(z)))]

D outputs a logit ℓ and D = σ(ℓ), so every loss is written with softplus for stability
(log σ(ℓ) = −softplus(−ℓ), log(1 − σ(ℓ)) = −softplus(ℓ)).

* D's loss is the negated inner objective, −log D(x) − log(1 − D(G(z))): binary
  cross-entropy with real = 1, fake = 0.
* **One-sided label smoothing** (Salimans et al. 2016, "Improved Techniques for Training
  GANs", §3.4): D's target for real examples is α < 1 instead of 1, fakes keep 0, so
  its loss is −α log D(x) − (1 − α) log(1 − D(x)) − log(1 − D(G(z))). Its optimum becomes
  D*(x) = α p_data / (p_data + p_g): capped at α, an over-confident D is no longer rewarded,
  and G keeps a gradient. Smoothing the fakes' target too would move D*'s zeros (the paper
  keeps it one-sided for that reason).
* For a fixed G, the best D is D*(x) = p_data(x) / (p_data(x) + p_g(x)) (the paper's
  Proposition 1): :func:`optimal_discriminator`.
* G's **saturating** loss is the game's own, min log(1 − D(G(z))); its gradient with respect to
  the logit is −σ(ℓ), which vanishes exactly when D confidently rejects the fakes — early in
  training. The **non-saturating** loss min −log D(G(z)) has the same fixed point and gradient
  −(1 − σ(ℓ)) ≈ −1 there (the paper's practical recommendation).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F

GeneratorLoss = Literal["non-saturating", "saturating"]


def discriminator_loss(
    real_logits: torch.Tensor, fake_logits: torch.Tensor, real_target: float = 1.0
) -> torch.Tensor:
    """−E[α log D(x) + (1 − α) log(1 − D(x))] − E[log(1 − D(G(z)))] with D = σ(logit),
    α = ``real_target`` (1: the game's own loss; < 1: one-sided label smoothing)."""
    real = real_target * F.softplus(-real_logits) + (1 - real_target) * F.softplus(real_logits)
    return real.mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits: torch.Tensor, kind: GeneratorLoss) -> torch.Tensor:
    """Saturating: E[log(1 − D(G(z)))]; non-saturating: −E[log D(G(z))]."""
    if kind == "saturating":
        return -F.softplus(fake_logits).mean()  # log(1 − σ(ℓ)) = −softplus(ℓ)
    return F.softplus(-fake_logits).mean()  # −log σ(ℓ) = softplus(−ℓ)


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise over density values."""
    return p_data / (p_data + p_g)
