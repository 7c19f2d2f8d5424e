"""The tour's HTML report: one section per family with a results table and its plots.

The page is one file that any browser draws the same way, with no fonts installed:

* **Chinese text** (the course notes' section names, "004 §二 · 3.2 正则化惩罚项") is drawn by
  WenQuanYi Micro Hei (data set ``wqy-microhei``), embedded as a base64 WOFF in an
  ``@font-face`` rule and subset to exactly the non-ASCII characters of the page (a few KB
  instead of the collection's 5.2 MB). The font comes last in the font-family list, so it
  draws only the characters the system's fonts lack. Without the data set the page is
  written without it, and a warning says that Chinese may show as boxes.
* **Tables** show only the columns some row fills (quick tours have no target column).
* **Timings** say what they time: "time: 22.9 s (training + evaluation)".
* **Images** under the report's folder are linked relatively (the folder can be zipped or
  served as is); an image elsewhere is embedded as a data URI; a missing one is named in
  the text and logged.

>>> from dlclassics.report.html import ResultRow, Section, write_report   # doctest: +SKIP
>>> write_report([Section(title="MLP (笔记 004)", summary="…", seconds=22.9,
...                       timed="training")], Path("runs/tour"), title="tour", header="")
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import logging
import mimetypes
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from dlclassics.errors import DataError
from dlclassics.io import write_text

log = logging.getLogger(__name__)

CJK_FAMILY = "WenQuanYi Micro Hei"  # the face of the collection we embed (not its "Mono")
EMBEDDED_FAMILY = "dlc WenQuanYi Micro Hei subset"  # the @font-face name, unlike any system font


@dataclass(frozen=True, kw_only=True)
class ResultRow:
    what: str  # e.g. "test accuracy (Fashion-MNIST, 10,000 images)"
    ours: str  # measured in this run, formatted
    reference: str  # the figure we compare with, and where it comes from
    ok: bool | None = None  # target met? None = informational


@dataclass(frozen=True, kw_only=True)
class Section:
    title: str
    summary: str
    rows: Sequence[ResultRow] = ()
    images: Sequence[Path] = ()
    seconds: float = 0.0  # wall-clock seconds of the step; 0 = not timed (no time line)
    timed: str = ""  # what `seconds` covers, e.g. "training + evaluation"
    command: str = ""  # the command that reproduces the section on its own
    notes: Sequence[str] = field(default_factory=tuple)


_STYLE = """
body { font-family: system-ui, sans-serif%(fallback)s; max-width: 1000px; margin: 2em auto;
  color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 4px 10px; } th { background: #f3f3f3; }
.ok { color: #1a7f37; } .miss { color: #cf222e; }
img { max-width: 100%%; border: 1px solid #eee; margin: 6px 0; }
code { font-family: ui-monospace, monospace%(fallback)s; font-size: 0.9em;
  background: #f6f8fa; padding: 1px 4px; }
"""

HEADERS = ("measure", "this run", "reference", "target")


def _mark(ok: bool | None) -> str:
    if ok is None:
        return ""
    return '<span class="ok">✓ met</span>' if ok else '<span class="miss">✗ missed</span>'


def _table(rows: Sequence[ResultRow]) -> str:
    """The results table, without the columns no row fills (quick tours set no ``ok``)."""
    cells = [
        (html.escape(r.what), html.escape(r.ours), html.escape(r.reference), _mark(r.ok))
        for r in rows
    ]
    keep = [j for j in range(len(HEADERS)) if any(row[j] for row in cells)]
    lines = ["<table><tr>" + "".join(f"<th>{HEADERS[j]}</th>" for j in keep) + "</tr>"]
    lines += ["<tr>" + "".join(f"<td>{row[j]}</td>" for j in keep) + "</tr>" for row in cells]
    return "\n".join(lines) + "</table>"


def _image(image: Path, out_dir: Path) -> str:
    """An ``<img>`` that loads from report.html: a relative link if the file lies under
    ``out_dir``, else a data URI (the folder stays self-contained); missing → a note."""
    alt = html.escape(image.stem)
    if not image.is_file():
        log.warning("report: image %s does not exist; the report names it instead", image)
        return f"<p><small>(image not found: {html.escape(str(image))})</small></p>"
    path, root = image.resolve(), out_dir.resolve()
    if path.is_relative_to(root):
        src = quote(path.relative_to(root).as_posix())  # a URL: spaces, '#' and '%' escaped
    else:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        src = f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    return f"<img src='{html.escape(src)}' alt='{alt}'>"


def _timing(section: Section) -> str:
    if section.seconds <= 0:
        return ""
    what = f" ({html.escape(section.timed)})" if section.timed else ""
    return f"<p><small>time: {section.seconds:.1f} s{what}</small></p>"


def needs_cjk_font(text: str) -> bool:
    """Whether ``text`` holds a wide or full-width character (Han, kana, hangul, CJK
    punctuation): those a Latin system font lacks."""
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def _face_number(font_file: Path, family: str) -> int:
    """The index in the TrueType collection of the face whose family name is ``family``."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(font_file, lazy=True)
    names = [font["name"].getDebugName(1) for font in collection.fonts]
    collection.close()
    if family not in names:
        raise DataError(f"{font_file} has no face {family!r} (faces: {', '.join(map(str, names))})")
    return names.index(family)


def subset_font(font_file: Path, chars: str, *, family: str = CJK_FAMILY) -> bytes:
    """The face ``family`` of the collection ``font_file``, cut down to ``chars``, as WOFF.

    Hinting is dropped (browsers hint or anti-alias themselves); the layout tables of the
    kept glyphs stay. Characters the font lacks are simply absent from the subset.
    """
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; WOFF2 would need the brotli module
    options.hinting = False
    options.drop_tables += ["FFTM"]  # FontForge's timestamps, which fontTools cannot subset
    options.font_number = _face_number(font_file, family)
    buffer = io.BytesIO()
    with _quiet("fontTools"):  # it logs every table at INFO, and the CLI shows INFO
        font = subset.load_font(str(font_file), options, dontLoadGlyphNames=True)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(ch) for ch in chars}))
        subsetter.subset(font)
        subset.save_font(font, buffer, options)
        font.close()
    return buffer.getvalue()


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Raise the logger ``name`` to WARNING for the duration, then restore its level."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _font_file() -> Path | None:
    """The cached WenQuanYi Micro Hei collection, or None (with a warning) without it."""
    from dlclassics.data.sets import wqy_microhei

    try:
        return wqy_microhei.font_file()
    except (DataError, OSError) as error:
        log.warning(
            "report: no embedded CJK font (%s); Chinese text shows only where the viewer has a "
            "CJK font",
            error,
        )
        return None


def font_face(text: str) -> str:
    """An ``@font-face`` rule embedding the font subset to the non-ASCII characters of
    ``text``, or "" when ``text`` has no CJK character or the font is not available."""
    if not needs_cjk_font(text):
        return ""
    font_file = _font_file()
    if font_file is None:
        return ""
    from fontTools.ttLib import TTLibError

    chars = "".join(sorted({ch for ch in text if ord(ch) > 127}))
    try:
        woff = subset_font(font_file, chars)
    except (DataError, TTLibError, OSError, ValueError, KeyError) as error:  # a damaged file
        log.warning("report: cannot subset %s (%s); no embedded CJK font", font_file, error)
        return ""
    data = base64.b64encode(woff).decode("ascii")
    return (
        f"/* {CJK_FAMILY} (Apache-2.0 or GPL-3+ with font exception), subset to the "
        f"{len(chars)} non-ASCII characters of this page */\n"
        f"@font-face {{ font-family: '{EMBEDDED_FAMILY}'; font-display: block; "
        f"src: url(data:font/woff;base64,{data}) format('woff'); }}"
    )


def render(sections: Sequence[Section], out_dir: Path, *, title: str, header: str) -> str:
    body = [
        f"<h1>{html.escape(title)}</h1><p>{html.escape(header)}</p>",
        f"<p>Generated {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.</p>",
    ]
    for section in sections:
        body.append(f"<h2>{html.escape(section.title)}</h2><p>{html.escape(section.summary)}</p>")
        if section.command:
            body.append(f"<p>Reproduce: <code>{html.escape(section.command)}</code></p>")
        if section.rows:
            body.append(_table(section.rows))
        body += [f"<p>{html.escape(note)}</p>" for note in section.notes]
        body += [_image(image, out_dir) for image in section.images]
        body.append(_timing(section))
    text = "\n".join(filter(None, body))
    face = font_face(text)
    fallback = f", '{EMBEDDED_FAMILY}'" if face else ""
    style = (face + "\n" if face else "") + _STYLE % {"fallback": fallback}
    head = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<link rel='icon' href='data:,'>"  # no favicon request: the page loads nothing else
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>"
    )
    return f"{head}\n{text}\n</body></html>\n"


def write_report(sections: Sequence[Section], out_dir: Path, *, title: str, header: str) -> Path:
    path = out_dir / "report.html"
    write_text(path, render(sections, out_dir, title=title, header=header))
    return path
