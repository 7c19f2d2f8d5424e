"""The OCR tour step trains a slice, reads a test line and draws its alignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.ocr.tour import tour_step
from dlclassics.tour import TourConfig


@pytest.mark.slow
def test_quick_tour_step_reports_cer_and_shows_the_alignment(tmp_path: Path) -> None:
    section = tour_step(TourConfig(quick=True), tmp_path / "ocr")
    assert "CTC" in section.title
    assert section.rows[0].ours.endswith("%") and section.rows[0].ok is None
    assert all(image.is_file() for image in section.images)
    assert (tmp_path / "ocr" / "alignment.png").stat().st_size > 5_000
