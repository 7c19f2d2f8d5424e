"""The tour report: escaped text, images that load from its folder, tables with no empty
column, labelled timings, and Chinese drawn by an embedded subset of WenQuanYi Micro Hei.

The font is the generated stand-in of ``conftest.py`` (no network); the page is opened in a
real browser by ``test_report_in_chromium.py``.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dlclassics.data.sets import wqy_microhei
from dlclassics.errors import DataError
from dlclassics.report import html as report_html
from dlclassics.report.html import ResultRow, Section, write_report
from dlclassics.report.plots import pyplot, save_figure

CHINESE_TITLE = "Classic classifiers (notes 004 §二 · 3.2 正则化惩罚项, §三)"
FONT_FACE = re.compile(
    r"@font-face \{ font-family: '([^']+)';[^}]*src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)"
)


class _Page(HTMLParser):
    """Tables as rows of (tag, text) cells, and the ``src`` of every image."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str]]]] = []
        self.images: list[str] = []
        self._cell: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = (tag, [])
        elif tag == "img":
            self.images.append(dict(attrs)["src"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def png(path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1, 2], [1, 0, 2])
    return save_figure(fig, path)


def section(**changes: object) -> Section:
    fields: dict[str, object] = {"title": "MLP", "summary": "a run", "seconds": 22.9}
    fields.update(changes)
    return Section(**fields)  # type: ignore[arg-type]


def test_report_links_images_relatively_and_escapes_text(tmp_path: Path) -> None:
    image = png(tmp_path / "mlp" / "curves.png")
    row = ResultRow(what="test accuracy", ours="0.8900", reference="≥ 0.88", ok=True)
    page = write_report(
        [section(title="MLP <b>", summary="a & b", rows=[row], images=[image])],
        tmp_path,
        title="tour",
        header="h",
    ).read_text()
    assert parse(page).images == ["mlp/curves.png"]
    assert "MLP &lt;b&gt;" in page and "a &amp; b" in page
    assert "✓ met" in page


def test_image_links_are_urls_and_resolve_from_the_report_folder(tmp_path: Path) -> None:
    out = tmp_path / "tour"
    inside = png(out / "lm" / "test loss #1.png")  # a space and a '#' must be escaped
    outside = png(tmp_path / "elsewhere" / "bars.png")
    page = write_report([section(images=[inside, outside])], out, title="t", header="").read_text()
    linked, embedded = parse(page).images
    assert linked == "lm/test%20loss%20%231.png"
    assert embedded.startswith("data:image/png;base64,")
    assert base64.b64decode(embedded.split(",", 1)[1]) == outside.read_bytes()


def test_a_missing_image_is_named_in_the_text_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="dlclassics.report.html"):
        page = report_html.render(
            [section(images=[tmp_path / "gone.png"])], tmp_path, title="t", header=""
        )
    assert parse(page).images == []
    assert "image not found" in page and "gone.png" in page
    assert "gone.png does not exist" in caplog.text


def test_tables_show_only_the_columns_some_row_fills(tmp_path: Path) -> None:
    informational = [  # a quick tour: no row has a target, no row a reference
        ResultRow(what="test accuracy", ours="0.87", reference=""),
        ResultRow(what="training time", ours="23 s", reference=""),
    ]
    judged = [
        ResultRow(what="test accuracy", ours="0.91", reference="≥ 0.90", ok=True),
        ResultRow(what="training time", ours="23 s", reference="≤ 300 s"),
    ]
    page = report_html.render(
        [section(rows=informational), section(rows=judged)], tmp_path, title="t", header=""
    )
    first, second = parse(page).tables
    assert [text for _, text in first[0]] == ["measure", "this run"]
    assert [text for _, text in second[0]] == ["measure", "this run", "reference", "target"]
    for table in (first, second):
        header, *rows = table
        assert all(tag == "th" for tag, _ in header)
        assert all(len(row) == len(header) and all(t == "td" for t, _ in row) for row in rows)
        for j in range(len(header)):
            assert any(row[j][1] for row in rows), f"column {header[j][1]!r} is empty"


def test_timings_say_what_they_time(tmp_path: Path) -> None:
    sections = [
        section(seconds=22.94, timed="training + evaluation"),
        section(seconds=5.0),
        section(seconds=0.0),  # not timed: no line
    ]
    page = report_html.render(sections, tmp_path, title="t", header="")
    times = re.findall(r"<small>(time: [^<]*)</small>", page)
    assert times == ["time: 22.9 s (training + evaluation)", "time: 5.0 s"]
    assert not re.search(r"<small>[\d.]+ s</small>", page)  # no bare number


def decoded_font(page: str) -> tuple[str, bytes]:
    match = FONT_FACE.search(page)
    assert match is not None, "no @font-face with a WOFF data URI"
    return match[1], base64.b64decode(match[2])


def test_chinese_text_embeds_the_font_subset_to_the_pages_characters(
    tmp_path: Path, cached_cjk_font: str
) -> None:
    from fontTools.ttLib import TTFont

    notes = ["il est fatigué → he is tired"]
    page = write_report(
        [
            section(
                title=CHINESE_TITLE,
                notes=notes,
                rows=[ResultRow(what="a", ours="≥ 1", reference="")],
            )
        ],
        tmp_path,
        title="tour",
        header="",
    ).read_text()
    family, woff = decoded_font(page)
    font = TTFont(io.BytesIO(woff))
    assert font.flavor == "woff"
    assert font["name"].getDebugName(1) == "WenQuanYi Micro Hei"  # not face 0, the Mono
    page_chars = {ch for ch in page if ord(ch) > 127}
    assert {chr(c) for c in font.getBestCmap()} == page_chars & set(cached_cjk_font)
    assert "国" not in page_chars and "≥" in page_chars  # so both sides of & are exercised
    body_fonts = re.search(r"body \{ font-family: ([^;]*);", page)
    assert body_fonts is not None
    assert body_fonts[1] == f"system-ui, sans-serif, '{family}'"  # a fallback: last


def test_a_page_without_chinese_embeds_no_font(tmp_path: Path, cached_cjk_font: str) -> None:
    page = report_html.render(
        [section(summary="fatigué → tired, ≥ 0.9 — no CJK")], tmp_path, title="t", header=""
    )
    assert "@font-face" not in page
    assert "WenQuanYi" not in page


def test_without_the_font_the_report_is_written_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def not_fetched() -> Path:
        raise DataError("data set 'wqy-microhei' is not in the cache")

    monkeypatch.setattr(wqy_microhei, "font_file", not_fetched)
    with caplog.at_level(logging.WARNING, logger="dlclassics.report.html"):
        page = write_report(
            [section(title=CHINESE_TITLE)], tmp_path, title="t", header=""
        ).read_text()
    assert "@font-face" not in page
    assert "正则化惩罚项" in page
    assert "no embedded CJK font" in caplog.text and "not in the cache" in caplog.text


def test_a_damaged_font_file_gives_a_warning_not_a_crash(
    tmp_path: Path, cached_cjk_font: str, caplog: pytest.LogCaptureFixture
) -> None:
    font_file = wqy_microhei.font_file()
    font_file.write_bytes(font_file.read_bytes()[:2000])  # a truncated collection
    with caplog.at_level(logging.WARNING, logger="dlclassics.report.html"):
        page = report_html.render([section(title=CHINESE_TITLE)], tmp_path, title="t", header="")
    assert "@font-face" not in page and "正则化惩罚项" in page
    assert "cannot subset" in caplog.text


def test_subsetting_keeps_fonttools_quiet(
    tmp_path: Path, cached_cjk_font: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        report_html.render([section(title=CHINESE_TITLE)], tmp_path, title="t", header="")
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
    assert logging.getLogger("fontTools").level == logging.NOTSET  # restored
