"""The game on a line: the optimal discriminator and the saturating generator loss, in 1-D.

Both experiments use Gaussians, whose densities are known, so the theory can be checked:

1. **D against a fixed G.** With p_g fixed, maximising E_data[log D] + E_g[log(1 − D)] pointwise
   gives D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014, Proposition 1). We
   train a small MLP discriminator on samples only and measure how far it lands from D*:
   E_{x ~ (p_data + p_g)/2} |D(x) − D*(x)|.
2. **Saturating vs non-saturating.** A generator G(z) = μ + s·z starts far from the data, where
   D rejects its samples with confidence. The saturating loss log(1 − D(G(z))) then has a
   vanishing gradient (∂/∂ℓ = −σ(ℓ) ≈ 0), the non-saturating −log D(G(z)) a gradient near 1 in
   the logit (−(1 − σ(ℓ))): we record ‖∇_θ L_G‖ over the first steps of both games.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from dlclassics.gan.game import (
    GeneratorLoss,
    discriminator_loss,
    generator_loss,
    optimal_discriminator,
)


@dataclass(frozen=True, kw_only=True)
class Gaussian1D:
    mean: float
    std: float

    def density(self, x: np.ndarray) -> np.ndarray:
        return np.exp(-0.5 * ((x - self.mean) / self.std) ** 2) / (
            self.std * math.sqrt(2 * math.pi)
        )

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.mean + self.std * torch.randn(n, 1, generator=generator)  # (n, 1)


@dataclass(frozen=True, kw_only=True)
class LineConfig:
    data: Gaussian1D = field(default_factory=lambda: Gaussian1D(mean=1.0, std=0.6))  # p_data
    fake: Gaussian1D = field(default_factory=lambda: Gaussian1D(mean=-0.5, std=1.2))  # fixed p_g
    hidden: int = 32  # units of the discriminator's two hidden layers
    steps: int = 1500  # discriminator updates against the fixed generator
    batch: int = 256  # samples of each distribution per update
    lr: float = 3e-3  # Adam step
    seed: int = 0


def _discriminator(hidden: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(1, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, 1),
    )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class OptimalDResult:
    x: np.ndarray  # (G,) grid
    d: np.ndarray  # (G,) the trained D(x)
    d_star: np.ndarray  # (G,) p_data / (p_data + p_g)
    error: float  # E_{(p_data + p_g)/2} |D − D*|
    max_error: float  # max |D − D*| where (p_data + p_g)/2 ≥ 5 % of its peak


def optimal_discriminator_experiment(config: LineConfig) -> OptimalDResult:
    """Train D on samples of p_data and the fixed p_g; compare it with D* on a grid."""
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    d = _discriminator(config.hidden)
    opt = torch.optim.Adam(d.parameters(), lr=config.lr)
    for _ in range(config.steps):
        real = config.data.sample(config.batch, generator)
        fake = config.fake.sample(config.batch, generator)
        loss = discriminator_loss(d(real).squeeze(1), d(fake).squeeze(1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    x = np.linspace(-4.0, 4.0, 801)
    with torch.inference_mode():
        d_x = torch.sigmoid(d(torch.from_numpy(x).float()[:, None])).squeeze(1).double().numpy()
    p_data, p_g = config.data.density(x), config.fake.density(x)
    d_star = optimal_discriminator(p_data, p_g)
    weight = (p_data + p_g) / 2
    gap = np.abs(d_x - d_star)
    return OptimalDResult(
        x=x,
        d=d_x,
        d_star=d_star,
        error=float((gap * weight).sum() / weight.sum()),
        max_error=float(gap[weight >= 0.05 * weight.max()].max()),
    )


@dataclass(frozen=True, kw_only=True)
class SaturationConfig:
    data: Gaussian1D = field(default_factory=lambda: Gaussian1D(mean=2.0, std=0.5))
    start: Gaussian1D = field(default_factory=lambda: Gaussian1D(mean=-2.0, std=0.5))  # G at 0
    hidden: int = 32
    warmup: int = 200  # D updates against the initial G before the game starts
    steps: int = 300  # game steps (one D and one G update each)
    batch: int = 256
    lr: float = 3e-3  # Adam step of D
    # plain SGD step of G: Adam would divide by the gradient's running RMS and so hide the very
    # magnitude this experiment is about (a tiny gradient would still move μ at Adam's pace)
    lr_g: float = 0.01
    seed: int = 0


@dataclass(frozen=True, kw_only=True)
class SaturationResult:
    loss: GeneratorLoss
    grad_norm: np.ndarray  # (steps,) ‖∇_(μ, log s) L_G‖ at each step
    d_fake: np.ndarray  # (steps,) mean D(G(z))
    mean: np.ndarray  # (steps,) μ of G after each step


def saturation_experiment(config: SaturationConfig, loss: GeneratorLoss) -> SaturationResult:
    """Play the 1-D game with ``loss``; G(z) = μ + exp(log s)·z starts at ``config.start``."""
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    d = _discriminator(config.hidden)
    mu = torch.tensor(config.start.mean, requires_grad=True)
    log_s = torch.tensor(math.log(config.start.std), requires_grad=True)
    opt_d = torch.optim.Adam(d.parameters(), lr=config.lr, betas=(0.5, 0.999))
    opt_g = torch.optim.SGD([mu, log_s], lr=config.lr_g)

    def d_step() -> None:
        real = config.data.sample(config.batch, generator)
        with torch.no_grad():
            fake = mu + log_s.exp() * torch.randn(config.batch, 1, generator=generator)
        loss_d = discriminator_loss(d(real).squeeze(1), d(fake).squeeze(1))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()

    for _ in range(config.warmup):  # "early in training": D already tells the fakes apart
        d_step()
    norms, d_fake, means = [], [], []
    for _ in range(config.steps):
        d_step()
        fake = mu + log_s.exp() * torch.randn(config.batch, 1, generator=generator)
        logits = d(fake).squeeze(1)
        opt_g.zero_grad()
        generator_loss(logits, loss).backward()
        assert mu.grad is not None and log_s.grad is not None
        norms.append(math.hypot(mu.grad.item(), log_s.grad.item()))
        d_fake.append(torch.sigmoid(logits).mean().item())
        opt_g.step()
        means.append(mu.item())
    return SaturationResult(
        loss=loss, grad_norm=np.array(norms), d_fake=np.array(d_fake), mean=np.array(means)
    )
