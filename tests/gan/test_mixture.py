"""Mode coverage and sample quality on the ring of 8 Gaussians."""

from __future__ import annotations

import math

import pytest
import torch

from dlclassics.gan.mixture import RingConfig, mode_report, ring_density, ring_means, sample_ring


def test_real_samples_cover_all_modes_and_fall_within_three_sigma_as_often_as_theory_says() -> None:
    config = RingConfig()
    points, modes = sample_ring(config, 40_000, torch.Generator().manual_seed(0))
    report = mode_report(config, points)
    assert report.modes_covered == 8
    # a 2-D Gaussian puts 1 − exp(−9/2) = 0.9889 of its mass within 3σ; 40,000 samples: ±0.0016
    assert report.high_quality == pytest.approx(1 - math.exp(-4.5), abs=0.003)
    assert sum(report.shares) == pytest.approx(report.high_quality)
    assert torch.bincount(modes, minlength=8).min() > 4500  # 5,000 expected per mode


def test_a_collapsed_generator_covers_one_mode() -> None:
    config = RingConfig()
    collapsed = ring_means(config)[2].float() + 0.01 * torch.randn(1000, 2)
    report = mode_report(config, collapsed)
    assert report.modes_covered == 1 and report.high_quality == 1.0
    assert report.shares[2] == 1.0


def test_points_between_modes_are_not_high_quality() -> None:
    config = RingConfig()
    means = ring_means(config)
    between = ((means[:-1] + means[1:]) / 2).float()  # midpoints of neighbouring modes
    report = mode_report(config, between)
    assert report.high_quality == 0.0 and report.modes_covered == 0


def test_ring_density_integrates_to_one() -> None:
    config = RingConfig(std=0.2)
    h = 0.01
    grid = torch.arange(-3, 3, h)
    xy = torch.cartesian_prod(grid, grid)
    assert ring_density(config, xy).sum().item() * h * h == pytest.approx(1.0, abs=1e-3)
