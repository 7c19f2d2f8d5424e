"""The averaged generator Ḡ (Yazici et al. 2019): θ̄ ← β_t θ̄ + (1 − β_t) θ after each step."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.gan.loop import GAN, GANLoopConfig, ema_update
from dlclassics.gan.models import MODELS, ModelConfig


def _beta(decay: float, t: int) -> float:
    return min(decay, (1 + t) / (10 + t))  # the warm-up, written out again


@pytest.mark.parametrize("decay", [0.9, 0.999])
def test_ema_is_the_closed_form_weighted_average_of_the_iterates_in_float64(decay: float) -> None:
    torch.manual_seed(0)
    model = nn.Linear(3, 2).double()
    average = nn.Linear(3, 2).double()
    average.load_state_dict(model.state_dict())  # θ̄₀ = θ₀, as GAN(…, ema=True) starts
    iterates = [model.weight.detach().clone()]
    T = 40  # crosses the warm-up's end for β = 0.9 (t = 80 would be needed for 0.999)
    for t in range(T):
        with torch.no_grad():
            model.weight.copy_(torch.randn(2, 3, dtype=torch.float64))
        iterates.append(model.weight.detach().clone())
        ema_update(average, model, decay, step=t)
    # θ̄_T = Σ_k w_k θ_k, w_0 = Π_t β_t, w_k = (1 − β_{k−1}) Π_{t ≥ k} β_t (k = 1..T)
    betas = [_beta(decay, t) for t in range(T)]
    weights = [torch.tensor(betas).prod().item()]
    for k in range(1, T + 1):
        weights.append((1 - betas[k - 1]) * torch.tensor(betas[k:], dtype=torch.float64).prod())
    expected = sum(w * x for w, x in zip(weights, iterates, strict=True))
    assert sum(weights) == pytest.approx(1.0)
    torch.testing.assert_close(average.weight, expected)


def test_ema_averages_batch_norm_statistics_and_copies_its_batch_count() -> None:
    model, average = nn.BatchNorm1d(4), nn.BatchNorm1d(4)
    model.train()(torch.randn(16, 4) * 3 + 5)  # running mean moves towards 5, count 1
    assert model.running_mean is not None and average.running_mean is not None
    ema_update(average, model, 0.5, step=1000)  # β_t = 0.5: halfway
    torch.testing.assert_close(average.running_mean, model.running_mean / 2)
    assert average.running_var is not None and model.running_var is not None
    torch.testing.assert_close(average.running_var, (1 + model.running_var) / 2)
    assert average.num_batches_tracked == model.num_batches_tracked == 1


def test_gan_with_ema_samples_from_the_averaged_generator_which_starts_as_g() -> None:
    torch.manual_seed(0)
    g, d = MODELS["dcgan"].build(ModelConfig(latent=8, width=4), (1, 28, 28), 0)
    gan = GAN(g, d, ema=True)
    assert gan.sampler is gan.g_ema and gan.g_ema is not gan.g
    assert not any(p.requires_grad for p in gan.g_ema.parameters())  # outside the game
    assert {k.split(".")[0] for k in gan.state_dict()} == {"g", "d", "g_ema"}
    z = torch.Generator().manual_seed(1)
    first = gan.sample(4, z)
    with torch.no_grad():
        for p in gan.g.parameters():
            p.add_(1.0)  # G moves, Ḡ does not until ema_update
    torch.testing.assert_close(gan.sample(4, torch.Generator().manual_seed(1)), first)
    assert GAN(g, d).sampler is g


@pytest.mark.parametrize("decay", [-0.1, 1.0])
def test_ema_decay_outside_0_to_1_is_refused(decay: float) -> None:
    with pytest.raises(ConfigError, match="ema_decay"):
        GANLoopConfig(ema_decay=decay)
