"""WenQuanYi Micro Hei (文泉驿微米黑): the CJK font that draws Chinese labels in our plots.

Not a corpus but a data file the plots need: matplotlib's default DejaVu has no Chinese
glyphs, so word-vector pictures of 国王/王后 (note 001) would show empty boxes on a machine
without a CJK font. WenQuanYi Micro Hei (Fang et al., 2009) is a compact sans-serif
TrueType collection built on Google's Droid Sans Fallback: the 20,932 ideographs of the
basic CJK block, Latin, kana and 11,172 hangul syllables, in two faces (proportional and
``Mono``), 5.2 MB.
:func:`dlclassics.embeddings.plot.cjk_font` uses the cached file when no CJK font is
installed, and ``dlc vectors plot`` fetches it on first need.

Source: the Debian package ``fonts-wqy-microhei`` (``0.2.0-beta-3.1``), member
``usr/share/fonts/truetype/wqy/wqy-microhei.ttc``. The upstream release, the WenQuanYi
project's ``wqy-microhei-0.2.0-beta.tar.gz`` (on SourceForge), is deliberately *not* a
source: Debian ships a corrected ``.ttc`` (0.2.0-beta-2, Debian bug #714641: the upstream
file's ``hmtx`` advance widths of composite glyphs are 1/8 of their true value, so hangul
stacks up under linear metrics), and the cache holds one verified file. Debian's changelog
records both checksums — upstream ``e4bca8df…c6c88212``, corrected ``2420e807…1009b3``, the
latter being our converted file's.

License: Apache-2.0 or GPL-3+ with the font exception (the WenQuanYi Project).

Split: none — one file; its one split ``all`` counts the collection's font faces.

>>> from dlclassics.data.sets import wqy_microhei                 # doctest: +SKIP
>>> wqy_microhei.font_file().name                               # doctest: +SKIP
'wqy-microhei.ttc'
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.demand import require
from dlclassics.data.extract import find_member
from dlclassics.errors import DataError
from dlclassics.io import write_bytes

NAME = "wqy-microhei"
FONT_FILE = "wqy-microhei.ttc"  # the one cached file, named as Debian installs it
TTC_MAGIC = b"ttcf"  # a TrueType collection starts with tag, version (u32), numFonts (u32)
SAMPLE_TEXT = "国王王后男人女人"  # characters of note 001's picture, checked by describe


def face_count(data: bytes) -> int:
    """The number of fonts in a TrueType collection; DataError if ``data`` is not one."""
    if len(data) < 12 or data[:4] != TTC_MAGIC:
        raise DataError(f"{FONT_FILE} is not a TrueType collection (no 'ttcf' header)")
    (count,) = struct.unpack(">I", data[8:12])
    if count == 0 or len(data) < 12 + 4 * count:
        raise DataError(f"{FONT_FILE}: a TrueType collection of {count} fonts is corrupt")
    return count


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``…/wqy-microhei.ttc`` → ``wqy-microhei.ttc``, byte for byte, once it parses as a TTC."""
    data = find_member(raw_dir, FONT_FILE).read_bytes()
    face_count(data)
    write_bytes(out_dir / FONT_FILE, data)


def font_file() -> Path:
    """The cached font file, fetched on demand; offline, a one-line DataError."""
    return require(NAME) / FONT_FILE


def describe(cache_dir: Path) -> Mapping[str, Any]:
    """Faces of the collection, their names, and whether they cover :data:`SAMPLE_TEXT`."""
    from matplotlib.ft2font import FT2Font

    path = cache_dir / FONT_FILE
    n = face_count(path.read_bytes())
    faces = [FT2Font(path, face_index=i) for i in range(n)]
    missing = [ch for ch in SAMPLE_TEXT if faces[0].get_char_index(ord(ch)) == 0]
    names = ", ".join(f"{f.family_name} ({f.style_name})" for f in faces)
    covers = f"draws {SAMPLE_TEXT}" if not missing else f"lacks {''.join(missing)}"
    return {
        "splits": {"all": n},
        "unit": "font faces",
        "sample": f"{names}; {faces[0].num_glyphs:,} glyphs; {covers}",
    }


DATASET = Dataset(
    name=NAME,
    description="WenQuanYi Micro Hei: a CJK sans-serif font (TrueType collection) for plots",
    license="Apache-2.0 or GPL-3+ with font exception (WenQuanYi Project)",
    citation=(
        "Qianqian Fang et al., the WenQuanYi Project. WenQuanYi Micro Hei / 文泉驿微米黑, "
        "version 0.2.0-beta, 2009; based on Droid Sans Fallback (Google, 2006–2008)."
    ),
    sources=(
        Source(
            kind="deb",
            locator="fonts-wqy-microhei=0.2.0-beta-3.1",
            filename="fonts-wqy-microhei_0.2.0-beta-3.1_all.deb",
            sha256="239163df984eea5c9da3b551aee374936222cdbd67f1a1be3cdcf3d76143ad66",
            size=1_605_712,
            members=(f"usr/share/fonts/truetype/wqy/{FONT_FILE}",),
        ),
    ),
    splits={"all": f"the font file {FONT_FILE} (5,177,387 bytes): its 2 faces"},
    convert=convert,
    describe=describe,
    # measured by extracting the Debian package, 2026-11-23; equals the checksum of the
    # corrected file in Debian's changelog (0.2.0-beta-2)
    files={FONT_FILE: "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"},
)

DATASETS.add(NAME, DATASET)
