"""The LM step of `dlc tour --quick` on the real Brown corpus (slow: needs the data cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.lm.tour import tour_step
from dlclassics.tour import TourConfig


@pytest.mark.slow
def test_quick_lm_tour_step_reports_kn_nnlm_lstm_rows_and_a_perplexity_chart(
    tmp_path: Path,
) -> None:
    section = tour_step(TourConfig(quick=True), tmp_path / "lm")
    assert len(section.rows) == 3
    assert all("test perplexity" in row.ours for row in section.rows)
    assert [p.name for p in section.images] == ["perplexity.png"]
    assert section.images[0].stat().st_size > 1000
    assert len(section.notes) == 2  # one sample per neural model
