"""The caption step of `dlc tour --quick` on real Fashion-MNIST (slow: about a CPU-minute)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.caption.tour import tour_step
from dlclassics.tour import TourConfig


@pytest.mark.slow
def test_quick_caption_tour_step_reports_scores_and_draws_attention_maps(tmp_path: Path) -> None:
    section = tour_step(TourConfig(quick=True), tmp_path / "caption")
    assert [row.what.split(" ")[0] for row in section.rows] == ["exact", "attention", "BLEU"]
    assert all(row.ok is None for row in section.rows)  # quick runs are not judged
    for image in section.images:
        assert image.stat().st_size > 2000, image
    assert "--preset quick" in section.command
