"""The GAN step of `dlc tour --quick` (slow: trains on the real MNIST cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.gan.tour import tour_step
from dlclassics.tour import TourConfig


@pytest.mark.slow
def test_quick_gan_tour_step_shows_the_line_the_ring_and_a_digit_grid(tmp_path: Path) -> None:
    section = tour_step(TourConfig(quick=True), tmp_path / "gan")
    assert [p.name for p in section.images] == [
        "optimal-d.png",
        "ring-steps.png",
        "step-000100.png",
    ]
    assert all(p.stat().st_size > 1000 for p in section.images)
    assert section.rows[0].ok  # D lands near D*
