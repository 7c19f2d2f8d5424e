"""The 2-D test bed of mode collapse: a mixture of 8 Gaussians on a ring.

Metz et al. (2017, Unrolled GANs) and Srivastava et al. (2017, VEEGAN) train GANs on 8
isotropic Gaussians of standard deviation σ whose means lie evenly on a circle of radius r.
A generator that *collapses* puts its samples on one or a few modes and hops between them;
one that covers the target spreads its samples over all eight. Two numbers say which (VEEGAN's
protocol):

* **high quality**: the share of samples within 3σ of their nearest mode;
* **modes covered**: how many of the 8 modes hold at least ``min_share`` of the samples
  among their high-quality ones (1/8 = 12.5 % each for a perfect generator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

MODES = 8


@dataclass(frozen=True, kw_only=True)
class RingConfig:
    modes: int = MODES  # Gaussians evenly spaced on the circle
    radius: float = 2.0  # r of the circle (Metz et al. 2017)
    std: float = 0.05  # σ of each Gaussian; "high quality" means within 3σ of a mode
    size: int = 65_536  # points in the training set drawn once from the mixture


def ring_means(config: RingConfig) -> torch.Tensor:
    """(modes, 2) centres r·(cos 2πk/K, sin 2πk/K)."""
    angles = torch.arange(config.modes, dtype=torch.float64) * (2 * math.pi / config.modes)
    return config.radius * torch.stack([angles.cos(), angles.sin()], dim=1)


def sample_ring(
    config: RingConfig, n: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """(n, 2) float32 samples of the mixture and their modes (n,): a mode picked uniformly,
    then Gaussian noise around its centre."""
    means = ring_means(config).float()
    which = torch.randint(config.modes, (n,), generator=generator)
    return means[which] + config.std * torch.randn(n, 2, generator=generator), which


def ring_density(config: RingConfig, points: torch.Tensor) -> torch.Tensor:
    """p_data at (N, 2) points: (1/K) Σ_k N(x; μ_k, σ²I)."""
    d2 = torch.cdist(points.double(), ring_means(config)) ** 2  # (N, K)
    gauss = torch.exp(-d2 / (2 * config.std**2)) / (2 * math.pi * config.std**2)
    return gauss.mean(dim=1)


@dataclass(frozen=True, kw_only=True)
class ModeReport:
    modes_covered: int  # modes with ≥ min_share of the samples within 3σ of them
    high_quality: float  # share of all samples within 3σ of their nearest mode
    shares: tuple[float, ...]  # per mode: share of all samples within 3σ of it


def mode_report(config: RingConfig, samples: torch.Tensor, min_share: float = 0.02) -> ModeReport:
    """Modes covered and the high-quality share of ``samples`` (N, 2).

    ``min_share`` (2 % of the samples, a sixth of a mode's fair 12.5 %) keeps a few stray
    points from counting as a covered mode.
    """
    distance, nearest = torch.cdist(samples.double(), ring_means(config)).min(dim=1)  # (N,)
    good = distance <= 3 * config.std
    counts = torch.bincount(nearest[good], minlength=config.modes).double()
    shares = counts / len(samples)
    return ModeReport(
        modes_covered=int((shares >= min_share).sum()),
        high_quality=float(good.double().mean()),
        shares=tuple(float(s) for s in shares),
    )
