"""The tagger's step of `dlc tour --quick` on a slice of real Brown (slow: trains 150 steps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.tag.tour import tour_step
from dlclassics.tour import TourConfig


@pytest.mark.slow
def test_quick_tour_step_beats_the_most_frequent_tag_and_draws_a_tagged_sentence(
    tmp_path: Path,
) -> None:
    section = tour_step(TourConfig(quick=True), tmp_path / "tag")
    assert section.rows[0].ok is True  # above the most-frequent-tag rule on the same slice
    assert [p.name for p in section.images] == ["tagged.png"]
    assert section.images[0].stat().st_size > 5000
