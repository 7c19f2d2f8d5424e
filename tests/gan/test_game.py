"""The minimax game's losses and the optimal discriminator (Goodfellow et al. 2014)."""

from __future__ import annotations

import numpy as np
import torch
from torch.testing import assert_close

from dlclassics.gan.game import discriminator_loss, generator_loss, optimal_discriminator
from dlclassics.gan.line import (
    Gaussian1D,
    LineConfig,
    SaturationConfig,
    optimal_discriminator_experiment,
    saturation_experiment,
)


def test_losses_match_the_value_function_written_with_log_and_sigmoid_in_float64() -> None:
    g = torch.Generator().manual_seed(0)
    real, fake = (
        torch.randn(50, generator=g, dtype=torch.float64),
        torch.randn(50, generator=g, dtype=torch.float64),
    )
    d_real, d_fake = torch.sigmoid(real), torch.sigmoid(fake)
    v = torch.log(d_real).mean() + torch.log(1 - d_fake).mean()  # V(D, G)
    assert_close(discriminator_loss(real, fake), -v)
    assert_close(generator_loss(fake, "saturating"), torch.log(1 - d_fake).mean())
    assert_close(generator_loss(fake, "non-saturating"), -torch.log(d_fake).mean())


def test_saturating_loss_has_a_vanishing_gradient_where_d_rejects_the_fakes() -> None:
    logits = torch.full((4,), -8.0, dtype=torch.float64, requires_grad=True)  # D(G(z)) ≈ 3e-4
    grads = {}
    for kind in ("saturating", "non-saturating"):
        (grad,) = torch.autograd.grad(generator_loss(logits, kind), logits)  # type: ignore[arg-type]
        grads[kind] = grad.abs().sum().item()
    assert_close(grads["saturating"], torch.sigmoid(torch.tensor(-8.0)).item(), rtol=1e-6, atol=0)
    assert_close(grads["non-saturating"], 1 - torch.sigmoid(torch.tensor(-8.0)).item())


def test_optimal_discriminator_is_one_half_where_the_densities_agree_and_follows_p_data() -> None:
    p_data, p_g = np.array([0.2, 0.3, 0.0]), np.array([0.2, 0.1, 0.5])
    np.testing.assert_allclose(optimal_discriminator(p_data, p_g), [0.5, 0.75, 0.0])


def test_a_discriminator_trained_on_samples_approaches_the_optimal_discriminator() -> None:
    config = LineConfig(steps=800)
    result = optimal_discriminator_experiment(config)
    # seeds 0-4 with 800 steps: weighted error 0.010-0.02, max 0.03-0.06; an untrained D
    # (logit ≈ 0, D ≈ 0.5) scores 0.25 weighted, and the wrong D* (p_g / (p_data + p_g)) 0.5
    assert result.error < 0.04
    assert result.max_error < 0.12
    np.testing.assert_allclose(
        result.d_star[400],
        optimal_discriminator(
            config.data.density(np.array([0.0])), config.fake.density(np.array([0.0]))
        )[0],
    )


def test_early_generator_gradient_is_far_smaller_with_the_saturating_loss() -> None:
    config = SaturationConfig(
        data=Gaussian1D(mean=2.0, std=0.5), start=Gaussian1D(mean=-2.0, std=0.5), steps=30
    )
    sat = saturation_experiment(config, "saturating")
    non = saturation_experiment(config, "non-saturating")
    # D(G(z)) < 0.01 at the start of both games; the gradient ratio over the first 30 steps was
    # 40-300× for seeds 0-4
    assert sat.d_fake[0] < 0.01 and non.d_fake[0] < 0.01
    assert non.grad_norm.mean() > 10 * sat.grad_norm.mean()


def test_label_smoothed_loss_is_binary_cross_entropy_with_real_target_alpha_in_float64() -> None:
    g = torch.Generator().manual_seed(1)
    real, fake = torch.randn(2, 40, generator=g, dtype=torch.float64)
    alpha = 0.9
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    expected = bce(real, torch.full_like(real, alpha)) + bce(fake, torch.zeros_like(fake))
    assert_close(discriminator_loss(real, fake, real_target=alpha), expected)


def test_label_smoothing_caps_the_optimal_discriminator_at_alpha_times_d_star() -> None:
    alpha = 0.9
    p_data, p_g = torch.tensor([0.1, 0.5, 2.0, 3.0]), torch.tensor([1.0, 0.5, 0.2, 1e-6])
    target = torch.tensor(alpha * optimal_discriminator(p_data.numpy(), p_g.numpy()))
    logit = torch.logit(target).double().requires_grad_(True)
    # the expected loss at each x: p_data · (real term) + p_g · (fake term); zero slope at D*
    for i in range(len(logit)):
        loss = p_data[i] * discriminator_loss(logit[i : i + 1], torch.tensor([-40.0]), alpha)
        loss = loss + p_g[i] * discriminator_loss(torch.tensor([40.0]), logit[i : i + 1], alpha)
        (grad,) = torch.autograd.grad(loss, logit)
        assert abs(grad[i].item()) < 1e-6, (i, grad)
