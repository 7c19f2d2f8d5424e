"""A stand-in for the ``wqy-microhei`` data set: a tiny generated CJK font, no network.

The collection has two faces like the real one, but in the other order (``Mono`` first), so
a writer that took face 0 instead of looking for "WenQuanYi Micro Hei" would embed the wrong
face. Every glyph is a box; the faces cover :data:`FONT_CHARS` and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.sets import wqy_microhei

# the Chinese of the test pages, two characters no page uses (国王), and é; not ≥ or →
FONT_CHARS = "二三正则化惩罚项国王é"


def _face(family: str, chars: str, advance: int) -> object:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", *(f"uni{ord(ch):04X}" for ch in chars)]

    def box() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 800))
        pen.lineTo((advance - 100, 800))
        pen.lineTo((advance - 100, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(ch): f"uni{ord(ch):04X}" for ch in chars})
    builder.setupGlyf({name: box() for name in names})
    builder.setupHorizontalMetrics({name: (advance, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    return builder.font


def write_font_collection(path: Path) -> Path:
    """A two-face TrueType collection: "WenQuanYi Micro Hei Mono", then "… Micro Hei"."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection()
    collection.fonts = [
        _face("WenQuanYi Micro Hei Mono", FONT_CHARS, advance=600),
        _face("WenQuanYi Micro Hei", FONT_CHARS, advance=1000),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    collection.save(str(path))
    return path


@pytest.fixture
def cached_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``$DLCLASSICS_HOME`` whose cache holds the stand-in ``wqy-microhei`` as a fetch leaves
    it; returns the characters the font covers."""
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    out = dataset_dir(wqy_microhei.NAME)
    write_font_collection(out / wqy_microhei.FONT_FILE)
    (out / MANIFEST).write_text("{}\n", encoding="utf-8")
    return FONT_CHARS
