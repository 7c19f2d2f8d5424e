"""The tour report escapes text and links its images relatively."""

from __future__ import annotations

from pathlib import Path

from dlclassics.report.html import ResultRow, Section, write_report


def test_report_links_images_relatively_and_escapes_text(tmp_path: Path) -> None:
    image = tmp_path / "mlp" / "curves.png"
    section = Section(
        title="MLP <b>",
        summary="a & b",
        rows=[ResultRow(what="test accuracy", ours="0.8900", reference="≥ 0.88", ok=True)],
        images=[image],
    )
    html = write_report([section], tmp_path, title="tour", header="h").read_text()
    assert "src='mlp/curves.png'" in html
    assert "MLP &lt;b&gt;" in html and "a &amp; b" in html
    assert "✓ met" in html
