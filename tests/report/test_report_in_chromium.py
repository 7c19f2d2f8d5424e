"""The tour report opened in headless Chromium: every image loads, the embedded font
decodes, and the browser reports no error.

A copy of the page gets a probe script in its ``<head>``: it records error events (a broken
image fires one) and ``console.error`` calls, and on ``load`` forces every ``@font-face`` to
load, then writes what it saw (each image's ``naturalWidth``, each font's status, the
errors) as JSON into the DOM, which ``--dump-dom`` prints. The report itself runs no script,
so every console message in Chromium's log is the browser complaining (a font that fails
its OTS check, say) and fails the test too.

Runs when a ``chromium``, ``chromium-browser`` or ``google-chrome`` binary is on PATH
(``apt-get install chromium``), with ``-m slow``. Two fonts: the generated stand-in of
``conftest.py``, and the real ``wqy-microhei`` when it is in this machine's cache.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dlclassics.data import is_cached
from dlclassics.data.sets import wqy_microhei
from dlclassics.report.html import EMBEDDED_FAMILY, ResultRow, Section, write_report
from dlclassics.report.plots import pyplot, save_figure

BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="no chromium / google-chrome on PATH"),
]

PROBE = """<script>
const errors = [];
addEventListener('error', e => errors.push(String(e.message || (e.target && e.target.src)
  || e.type)), true);
const consoleError = console.error;
console.error = (...args) => { errors.push(args.join(' ')); consoleError(...args); };
addEventListener('load', async () => {
  const fonts = [...document.fonts];
  await Promise.allSettled(fonts.map(f => f.load()));
  const seen = {
    images: [...document.images].map(i => ({src: i.src.slice(0, 100), width: i.naturalWidth})),
    fonts: fonts.map(f => ({family: f.family.replace(/["']/g, ''), status: f.status})),
    errors: errors,
  };
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(seen);
  document.body.appendChild(out);
});
</script>"""


def png(path: Path, title: str) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2, 3], [3, 1, 2, 0])
    ax.set_title(title)
    return save_figure(fig, path)


def chinese_report(out: Path, elsewhere: Path) -> Path:
    """A two-section report: Chinese in a title and a note, a table, three images (one
    linked with a space in its name, one linked plainly, one outside ``out``: embedded)."""
    sections = [
        Section(
            title="Classic classifiers (notes 004 §二 · 3.2 正则化惩罚项)",
            summary="k-NN, softmax, SVM; f = Wx + b.",
            rows=[
                ResultRow(what="test accuracy", ours="0.8123", reference="≥ 0.85", ok=False),
                ResultRow(what="training time", ours="23 s", reference="≤ 300 s"),
            ],
            images=[png(out / "classic" / "loss curve.png", "loss"), png(elsewhere, "bars")],
            notes=["the trade-off note 004 二 · 3.2 正则化惩罚项 describes"],
            seconds=22.9,
            timed="training + evaluation",
        ),
        Section(
            title="LeNet (notes 004 §三)",
            summary="conv 5×5 → pool",
            rows=[ResultRow(what="test accuracy", ours="0.87", reference="informational")],
            images=[png(out / "vision" / "curves.png", "curves")],
            seconds=5.0,
            timed="training",
        ),
    ]
    return write_report(sections, out, title="dlclassics tour", header="quick")


def open_in_chromium(page: Path, profile: Path) -> tuple[dict[str, Any], list[str]]:
    """What the probe saw in a copy of ``page`` (beside it, so relative links hold), and
    the console messages in Chromium's log."""
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text().replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    assert BROWSER is not None
    result = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",  # root in a container
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",  # let the async probe finish before the dump
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, f"the probe wrote nothing (exit {result.returncode}):\n{result.stderr[-3000:]}"
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return json.loads(html.unescape(found[1])), console


@pytest.fixture(params=["stand-in font", "wqy-microhei"])
def font(request: pytest.FixtureRequest) -> str:
    if request.param == "stand-in font":
        request.getfixturevalue("cached_cjk_font")
    elif not is_cached(wqy_microhei.NAME):
        pytest.skip("wqy-microhei is not fetched (dlc data fetch wqy-microhei)")
    return str(request.param)


def test_report_loads_every_image_and_its_font_without_errors(tmp_path: Path, font: str) -> None:
    page = chinese_report(tmp_path / "tour", tmp_path / "elsewhere" / "bars.png")
    assert "@font-face" in page.read_text()
    seen, console = open_in_chromium(page, tmp_path / "profile")
    assert len(seen["images"]) == 3
    assert [i for i in seen["images"] if i["width"] <= 0] == [], "an image did not load"
    assert seen["fonts"] == [{"family": EMBEDDED_FAMILY, "status": "loaded"}]
    assert seen["errors"] == []
    assert console == []
