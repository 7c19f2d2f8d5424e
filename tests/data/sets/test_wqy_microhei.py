"""wqy-microhei: the font is cached byte for byte and found by the plots, fetched on demand.

No network: the "font" is matplotlib's own DejaVu Sans wrapped into a one-face TrueType
collection (a real file FreeType reads), placed where the Debian package puts
``wqy-microhei.ttc``, and packed into a fake ``.deb`` for the end-to-end fetch. The
``network`` test fetches the real package and checks the recorded checksums.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import lzma
import struct
import tarfile
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager

from dlclassics.data import DATASETS, demand, fetch
from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.demand import OFFLINE_ENV
from dlclassics.data.fetch import sha256_file
from dlclassics.data.sets import wqy_microhei
from dlclassics.embeddings import plot
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.errors import DataError

DEB_MEMBER = "usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # as in fonts-wqy-microhei
DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
PNG = b"\x89PNG\r\n\x1a\n"


def ttc_of(ttf: bytes) -> bytes:
    """A one-face TrueType collection holding ``ttf``: the ``ttcf`` header, then the font
    with every table offset moved past that header (TTC table offsets count from the file
    start)."""
    header = b"ttcf" + struct.pack(">III", 0x00010000, 1, 16)  # tag, version, 1 font at 16
    (n_tables,) = struct.unpack(">H", ttf[4:6])
    font = bytearray(ttf)
    for i in range(n_tables):  # table records: tag, checksum, offset, length (16 bytes)
        at = 12 + 16 * i + 8
        (offset,) = struct.unpack(">I", ttf[at : at + 4])
        font[at : at + 4] = struct.pack(">I", offset + len(header))
    return header + bytes(font)


def deb_of(member: str, data: bytes) -> bytes:
    """A minimal Debian package (ar archive) whose data.tar.xz holds ``./member``."""
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tf:
        info = tarfile.TarInfo(f"./{member}")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    members = [
        ("debian-binary", b"2.0\n"),
        ("control.tar.xz", lzma.compress(b"")),
        ("data.tar.xz", lzma.compress(tar.getvalue())),
    ]
    out = [b"!<arch>\n"]
    for name, body in members:
        out += [f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(body):<10}`\n".encode(), body]
        out += [b"\n"] if len(body) % 2 else []
    return b"".join(out)


@pytest.fixture(scope="module")
def font_ttc() -> bytes:
    return ttc_of(DEJAVU.read_bytes())


@pytest.fixture
def no_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A bare machine: empty ``$DLCLASSICS_HOME``, no installed or configured CJK font."""
    home = tmp_path / "home"
    monkeypatch.setenv("DLCLASSICS_HOME", str(home))
    monkeypatch.delenv(plot.CJK_FONT_ENV, raising=False)
    monkeypatch.setattr(plot, "CJK_FONT_FILES", ())
    latin_only = [
        entry
        for entry in font_manager.fontManager.ttflist
        if not entry.name.startswith(plot.CJK_FONT_NAMES)
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin_only)
    plot.cjk_font.cache_clear()
    plot.fetch_cjk_font.cache_clear()
    yield home
    plot.cjk_font.cache_clear()
    plot.fetch_cjk_font.cache_clear()


def cache_font(data: bytes) -> Path:
    """What a successful ``dlc data fetch wqy-microhei`` leaves: the font and a manifest."""
    out = dataset_dir(wqy_microhei.NAME)
    out.mkdir(parents=True)
    (out / wqy_microhei.FONT_FILE).write_bytes(data)
    (out / MANIFEST).write_text("{}\n", encoding="utf-8")
    return out / wqy_microhei.FONT_FILE


def kv_zh() -> KeyedVectors:
    words = ["男人", "女人", "国王", "王后"]
    return KeyedVectors(words, np.random.default_rng(0).standard_normal((4, 6)))


# ---------------------------------------------------------------------- the data set


def test_converter_copies_the_packaged_ttc_byte_for_byte(tmp_path: Path, font_ttc: bytes) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    (raw / DEB_MEMBER).parent.mkdir(parents=True)
    (raw / DEB_MEMBER).write_bytes(font_ttc)
    out.mkdir()
    wqy_microhei.convert(raw, out)
    assert [p.name for p in out.iterdir()] == [wqy_microhei.FONT_FILE]
    assert (out / wqy_microhei.FONT_FILE).read_bytes() == font_ttc


def test_describe_names_the_faces_and_says_whether_they_draw_chinese(
    tmp_path: Path, font_ttc: bytes
) -> None:
    (tmp_path / wqy_microhei.FONT_FILE).write_bytes(font_ttc)
    summary = wqy_microhei.describe(tmp_path)
    assert summary["splits"] == {"all": 1} and summary["unit"] == "font faces"
    assert summary["sample"].startswith("DejaVu Sans (Book); ")
    assert summary["sample"].endswith(f"lacks {wqy_microhei.SAMPLE_TEXT}")  # no CJK in DejaVu


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (DEJAVU.read_bytes()[:64], "not a TrueType collection"),  # a .ttf, not a .ttc
        (b"ttcf" + struct.pack(">II", 0x00010000, 0), "of 0 fonts is corrupt"),
        (b"ttcf" + struct.pack(">II", 0x00010000, 3) + b"\0" * 8, "of 3 fonts is corrupt"),
    ],
)
def test_a_file_that_is_not_a_truetype_collection_is_refused(
    tmp_path: Path, data: bytes, why: str
) -> None:
    (tmp_path / wqy_microhei.FONT_FILE).write_bytes(data)
    with pytest.raises(DataError, match=why):
        wqy_microhei.convert(tmp_path, tmp_path)


def test_catalog_entry_is_the_measured_debian_package() -> None:
    ds = DATASETS[wqy_microhei.NAME]
    (src,) = ds.sources  # upstream's .ttc differs from Debian's fixed one: see the docstring
    assert (src.kind, src.locator) == ("deb", "fonts-wqy-microhei=0.2.0-beta-3.1")
    assert src.filename == "fonts-wqy-microhei_0.2.0-beta-3.1_all.deb"
    assert src.members == (DEB_MEMBER,) and src.size == 1_605_712
    assert set(ds.files) == {wqy_microhei.FONT_FILE} and set(ds.splits) == {"all"}


def test_fetch_from_a_mirror_caches_the_font_that_cjk_font_then_finds(
    tmp_path: Path, font_ttc: bytes, no_cjk_font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = DATASETS[wqy_microhei.NAME]
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    deb = mirror / ds.sources[0].filename
    deb.write_bytes(deb_of(DEB_MEMBER, font_ttc))
    fake = dataclasses.replace(  # the real entry with the fake package's checksums
        ds,
        sources=(dataclasses.replace(ds.sources[0], sha256=sha256_file(deb), size=None),),
        files={wqy_microhei.FONT_FILE: hashlib.sha256(font_ttc).hexdigest()},
    )
    monkeypatch.setitem(DATASETS._items, wqy_microhei.NAME, fake)

    assert plot.cjk_font() is None  # the bare machine
    path = fetch(wqy_microhei.NAME, mirror=mirror, progress=False)
    assert (path / wqy_microhei.FONT_FILE).read_bytes() == font_ttc
    assert wqy_microhei.font_file() == path / wqy_microhei.FONT_FILE
    plot.cjk_font.cache_clear()
    assert plot.cjk_font() == path / wqy_microhei.FONT_FILE


# ------------------------------------------------------------------ fetching on demand


def test_plot_fetches_the_font_only_when_allowed_and_then_once(
    tmp_path: Path,
    font_ttc: bytes,
    no_cjk_font: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    def fake_fetch(name: str, **_: object) -> Path:
        calls.append(name)
        return cache_font(font_ttc).parent

    monkeypatch.setenv(OFFLINE_ENV, "0")  # fetching on demand allowed (the fetcher is fake)
    monkeypatch.setattr(demand, "fetch", fake_fetch)
    with caplog.at_level(logging.INFO, logger="dlclassics.embeddings.plot"):
        plot.plot_words(kv_zh(), ["男人", "女人"], tmp_path / "a.png")
        assert calls == [] and "no CJK font found" in caplog.text  # not allowed: boxes
        caplog.clear()
        for png in ("b.png", "c.png"):
            out = plot.plot_words(kv_zh(), ["国王", "王后"], tmp_path / png, fetch_font=True)
            assert out.read_bytes().startswith(PNG)
    assert calls == [wqy_microhei.NAME]  # the second plot finds the cached font
    assert [r.getMessage() for r in caplog.records] == [
        "no CJK font installed: fetching one (`dlc data fetch wqy-microhei`)"
    ]
    assert plot.cjk_font() == dataset_dir(wqy_microhei.NAME) / wqy_microhei.FONT_FILE


def test_a_failed_font_fetch_warns_and_still_draws_the_plot(
    tmp_path: Path,
    no_cjk_font: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def offline(name: str, **_: object) -> Path:
        raise DataError(f"cannot fetch data set {name!r}; every source failed")

    monkeypatch.setenv(OFFLINE_ENV, "0")
    monkeypatch.setattr(demand, "fetch", offline)
    with caplog.at_level(logging.INFO, logger="dlclassics.embeddings.plot"):
        out = plot.plot_words(kv_zh(), ["男人", "女人"], tmp_path / "p.png", fetch_font=True)
    assert out.read_bytes().startswith(PNG)
    assert [r.levelname for r in caplog.records] == ["INFO", "WARNING"]
    assert "dlc data fetch wqy-microhei" in caplog.records[-1].getMessage()


def test_offline_mode_draws_boxes_without_trying_to_fetch_the_font(
    tmp_path: Path, no_cjk_font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(name: str, **_: object) -> Path:
        raise AssertionError(f"fetched {name} in offline mode")

    monkeypatch.setenv(OFFLINE_ENV, "1")
    monkeypatch.setattr(demand, "fetch", refuse)
    out = plot.plot_words(kv_zh(), ["男人", "女人"], tmp_path / "p.png", fetch_font=True)
    assert out.read_bytes().startswith(PNG)


def test_the_environment_variable_wins_over_the_cached_font(
    tmp_path: Path, font_ttc: bytes, no_cjk_font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_font(font_ttc)
    mine = tmp_path / "mine.ttf"
    mine.write_bytes(DEJAVU.read_bytes())
    monkeypatch.setenv(plot.CJK_FONT_ENV, str(mine))
    assert plot.cjk_font() == mine


# ------------------------------------------------------------------------- the real one


@pytest.mark.network
def test_the_real_package_converts_to_the_recorded_font(no_cjk_font: Path) -> None:
    path = fetch(wqy_microhei.NAME, progress=False)  # verifies the .deb and the .ttc sha256
    summary = wqy_microhei.describe(path)
    assert summary["splits"] == {"all": 2}
    assert summary["sample"].startswith("WenQuanYi Micro Hei (Regular), WenQuanYi Micro Hei Mono")
    assert summary["sample"].endswith(f"draws {wqy_microhei.SAMPLE_TEXT}")
    assert plot.cjk_font() == path / wqy_microhei.FONT_FILE
