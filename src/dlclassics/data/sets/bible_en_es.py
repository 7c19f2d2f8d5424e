"""World English Bible ↔ Reina-Valera 1909: English–Spanish verse pairs for translation.

The main machine-translation benchmark of dlclassics (notes 002/003: seq2seq, attention,
beam search): the 66 books of the Protestant canon in two public-domain translations, the
World English Bible (2020 stable text, SWORD module ``engWEB2015eb``) and the Spanish
Reina-Valera 1909 (``spaRV1909eb``), paired verse by verse: 30,861 pairs, 744,684 English
and 698,070 Spanish whitespace-separated tokens (about 24 a verse); 6,080 pairs have at
most 15 tokens on both sides.

Sources: the SWORD modules as eBible.org publishes them, also shipped by Debian as
``sword-text-web=426.0-1`` and ``sword-text-sparv=2.60-1`` (two packages, fetched together:
their ``Source`` s share one ``group``). The zText modules are read with ``pysword``.

Text cleaning (:func:`clean_osis`), per verse of OSIS markup: anything after a book's end
marker is dropped (the WEB appends its glossary to Revelation 22:21); ``<note>…</note>``
footnotes are dropped with their content; word-level tags (``<w>``, ``<q>``,
``<transChange>``, ``<seg>``, …) are removed and every other tag (line, paragraph, title,
milestone) becomes a space; whitespace is collapsed. (``pysword``'s own ``clean=True``
glues the words around a removed footnote: "God<note>…</note>created" → "Godcreated".)
The RV 1909 prints the first word of each chapter in capitals ("EN el principio"); in verse
1 the first run of all-capital words is recased (:func:`recase_opening`): sentence-initial
words are capitalised, others take the case they most often have elsewhere in the module
("Y DESCENDIENDO Samsón" → "Y descendiendo Samsón", "Y JEHOVÁ" → "Y Jehová").

Alignment (:func:`align`). Verses are paired by (book, chapter, verse). The WEB follows the
NRSVA versification, the RV 1909 module is stored in the KJV scheme but keeps Spanish
chapter breaks in a few places (Numbers 12:16 is its 13:1, Jonah 1:17 its 2:1, …): there its
verses are shifted by one, leaving an empty slot, and a chapter-final verse is merged into
the slot before. So, in order:

1. a verse whose text has no letter on either side is dropped (verses the WEB omits, such
   as Acts 8:37; the RV's "-" placeholders);
2. when the Spanish slot is empty but the English is not, the Spanish verse before it is
   dropped too (it may hold the merged verse);
3. a chapter whose verse lengths disagree is dropped whole: the mean over its pairs of
   ``|log(len(es) / len(en))|`` (characters) is above ``CHAPTER_SHIFT`` = 0.23.
   Calibrated on these modules: the nine shifted chapters (Num 13, 30; 1 Sam 24; 1 Chr 21;
   2 Chr 33; Job 39, 40; Hos 12; Jonah 2) score 0.26–0.53; every other chapter scores
   ≤ 0.21 (the mean over all verses is 0.11);
4. a pair whose lengths differ more than ``MAX_RATIO`` = 3 times is dropped (a few verses
   with an epistle subscription or a textual variant on one side only).

Of 31,102 shared verse slots, 31,077 have text on both sides; step 2 drops 12 pairs, step
3 drops 196 (9 chapters), step 4 drops 8, leaving 30,861.

License: both texts are in the public domain ("World English Bible" is a trademark of
eBible.org: a changed text must not carry that name — we only remove notes and markup).

Split — fixed, seeded, by verse: :func:`~dlclassics.data.splits.stratified_split` with one
class (seed ``SPLIT_SEED``) puts 5 % of the pairs in ``val`` and 5 % in ``test``, the rest in
``train``; each split keeps canonical order (Genesis 1:1 first): 27,775 / 1,543 / 1,543
pairs.

>>> from dlclassics.data.sets import bible_en_es                 # doctest: +SKIP
>>> next(bible_en_es.verses("train"))                             # doctest: +SKIP
VersePair(id='Gen.1.1', en='In the beginning, God created the heavens and the earth.',
          es='En el principio crió Dios los cielos y la tierra.')
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any, NamedTuple

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.sets._text import (
    TRAIN_VAL_TEST,
    describer,
    find_raw,
    read_jsonl,
    render_json,
    split_path,
    write_splits,
)
from dlclassics.data.splits import stratified_split
from dlclassics.errors import DataError

NAME = "bible-en-es"
MODULES = {"en": "engWEB2015eb", "es": "spaRV1909eb"}
SPLIT_SEED = 0  # seed of the 90/5/5 verse split
FRACTIONS = {"val": 0.05, "test": 0.05}  # of all pairs; "train" takes the rest
CHAPTER_SHIFT = 0.23  # mean |log length ratio| above which a chapter is misaligned
MAX_RATIO = 3.0  # a pair whose character lengths differ more than this is dropped

VerseKey = tuple[str, int, int]  # (OSIS book, chapter, verse), e.g. ("Gen", 1, 1)


class VersePair(NamedTuple):
    id: str  # OSIS reference, "Gen.1.1"
    en: str
    es: str


# ------------------------------------------------------------------------- cleaning

_BOOK_END = re.compile(r'<div\b[^>]*\beID="[^"]*"[^>]*\btype="book"[^>]*>.*', re.DOTALL)
_NOTE = re.compile(r"<note\b[^>]*>.*?</note>", re.DOTALL)
_INLINE = re.compile(
    r"</?(?:w|q|transChange|seg|name|speaker|hi|foreign|divineName|rdg|catchWord)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+")


def clean_osis(markup: str) -> str:
    """One verse of OSIS markup → plain text (see the module docstring)."""
    text = _BOOK_END.sub("", markup)
    text = _NOTE.sub(" ", text)
    text = _INLINE.sub("", text)
    text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def has_text(text: str) -> bool:
    return _LETTER.search(text) is not None


def _is_caps(token: str) -> bool:
    letters = "".join(_WORD.findall(token))
    return len(letters) >= 2 and letters.isupper()


def recase_opening(text: str, case_counts: Mapping[str, int]) -> str:
    """Recase the first run of all-capital words of a chapter's first verse.

    A word at the start of the text or after ``. : ; ! ?`` is capitalised; any other takes
    its more frequent form in ``case_counts`` (``"Jehová"`` vs ``"jehová"``), lower case
    when neither occurs.

    >>> recase_opening("Y DESCENDIENDO Samsón", {})
    'Y descendiendo Samsón'
    >>> recase_opening("Salmo de David. JEHOVÁ es mi pastor", {})
    'Salmo de David. Jehová es mi pastor'
    """
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    first = next((i for i, t in enumerate(tokens) if _is_caps(t)), None)
    if first is None:
        return text
    i = first
    while i < len(tokens) and _is_caps(tokens[i]):
        initial = i == 0 or tokens[i - 1][-1] in ".:;!?"

        def recase(word: re.Match[str], initial: bool = initial) -> str:
            cap, low = word.group().capitalize(), word.group().lower()
            if initial or case_counts.get(cap, 0) > case_counts.get(low, 0):
                return cap
            return low

        tokens[i] = _WORD.sub(recase, tokens[i])
        i += 1
    return " ".join(tokens)  # text is whitespace-normalised already


# -------------------------------------------------------------------------- reading


def _sword_roots(raw_dir: Path) -> list[Path]:
    """SWORD data directories (the parents of ``mods.d``) under ``raw_dir``."""
    confs = find_raw(raw_dir, "*.conf", what="SWORD module .conf files")
    return sorted({c.parent.parent for c in confs if c.parent.name == "mods.d"})


def read_module(roots: list[Path], module: str) -> dict[VerseKey, str]:
    """Every verse slot of a SWORD Bible module, cleaned, keyed by (book, chapter, verse)."""
    from pysword.modules import SwordModules

    library = SwordModules([str(r) for r in roots])
    if module not in library.parse_modules():
        raise DataError(f"SWORD module {module} not found under {', '.join(map(str, roots))}")
    bible = library.get_bible_from_module(module)
    # zText with BlockType=BOOK: pysword decompresses a whole book for every verse it reads;
    # remembering the last few blocks makes reading a Bible about 40x faster.
    if hasattr(bible, "_decompressed_text"):
        bible._decompressed_text = functools.lru_cache(maxsize=4)(bible._decompressed_text)
    verses: dict[VerseKey, str] = {}
    for books in bible.get_structure().get_books().values():
        for book in books:
            for chapter, n_verses in enumerate(book.chapter_lengths, 1):
                texts = list(bible.get_iter(book.osis_name, chapter, clean=False))
                if len(texts) != n_verses:
                    raise DataError(
                        f"{module} {book.osis_name} {chapter}: read {len(texts)} verses, "
                        f"expected {n_verses}; the module is damaged — fetch it again"
                    )
                for verse, markup in enumerate(texts, 1):
                    verses[(book.osis_name, chapter, verse)] = clean_osis(markup)
    return verses


# ------------------------------------------------------------------------ alignment


@dataclass
class AlignmentReport:
    slots: int = 0  # verse keys present in both modules
    both_text: int = 0  # ... with text on both sides
    merged: int = 0  # dropped: the Spanish verse before an empty Spanish slot
    shifted_chapters: tuple[str, ...] = ()  # dropped whole, "Num.13"
    shifted_pairs: int = 0
    ratio: int = 0  # dropped: lengths differ more than MAX_RATIO
    kept: int = 0


def align(
    en: Mapping[VerseKey, str], es: Mapping[VerseKey, str]
) -> tuple[list[VersePair], AlignmentReport]:
    """Pair verses by key and drop misaligned ones (rules 1–4 of the module docstring).

    Keys are visited in the Spanish module's (canonical) order.
    """
    report = AlignmentReport()
    keys = [k for k in es if k in en]
    report.slots = len(keys)
    drop: set[VerseKey] = set()
    for i, key in enumerate(keys):
        if has_text(en[key]) and not has_text(es[key]) and i > 0:
            prev = keys[i - 1]
            if prev[:2] == key[:2] and has_text(es[prev]) and has_text(en[prev]):
                drop.add(prev)
    candidates = [k for k in keys if has_text(en[k]) and has_text(es[k])]
    report.both_text = len(candidates)
    report.merged = sum(1 for k in candidates if k in drop)
    candidates = [k for k in candidates if k not in drop]

    log_ratios: dict[tuple[str, int], list[float]] = {}
    for k in candidates:
        log_ratios.setdefault(k[:2], []).append(math.log(len(es[k]) / len(en[k])))
    shifted = {ch for ch, r in log_ratios.items() if fmean(map(abs, r)) > CHAPTER_SHIFT}
    report.shifted_chapters = tuple(f"{b}.{c}" for b, c in log_ratios if (b, c) in shifted)
    report.shifted_pairs = sum(1 for k in candidates if k[:2] in shifted)
    candidates = [k for k in candidates if k[:2] not in shifted]

    limit = math.log(MAX_RATIO)
    kept = [k for k in candidates if abs(math.log(len(es[k]) / len(en[k]))) <= limit]
    report.ratio = len(candidates) - len(kept)
    report.kept = len(kept)
    return [VersePair(f"{b}.{c}.{v}", en[(b, c, v)], es[(b, c, v)]) for b, c, v in kept], report


def recase_spanish(es: Mapping[VerseKey, str]) -> dict[VerseKey, str]:
    """Apply :func:`recase_opening` to every verse 1, with case counts from other verses."""
    counts: Counter[str] = Counter()
    for (_, _, verse), text in es.items():
        if verse != 1:
            counts.update(_WORD.findall(text))
    return {k: recase_opening(t, counts) if k[2] == 1 else t for k, t in es.items()}


# ---------------------------------------------------------------------------- cache


def convert(raw_dir: Path, out_dir: Path) -> None:
    """SWORD modules → ``{train,val,test}.jsonl`` of ``{id, en, es}``, canonical order."""
    roots = _sword_roots(raw_dir)
    en = read_module(roots, MODULES["en"])
    es = recase_spanish(read_module(roots, MODULES["es"]))
    pairs, _ = align(en, es)
    rows: list[dict[str, Any]] = [p._asdict() for p in pairs]
    parts = stratified_split(
        np.zeros(len(rows), dtype=np.int64), FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=False
    )
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def verses(split: str) -> Iterator[VersePair]:
    """The verse pairs of ``split`` (``train``/``val``/``test``) with their OSIS ids."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield VersePair(r["id"], r["en"], r["es"])


def pairs(split: str) -> Iterator[tuple[str, str]]:
    """``(english, spanish)`` sentence pairs of ``split``."""
    for v in verses(split):
        yield v.en, v.es


def _debian(package: str, version: str, module: str, sha256: str, size: int) -> Source:
    return Source(
        kind="deb",
        locator=f"{package}={version}",
        filename=f"{package}_{version}_all.deb",
        sha256=sha256,
        size=size,
        members=("usr/share/sword/mods.d/*.conf", f"usr/share/sword/modules/*/{module}/*"),
        group="debian",
    )


def _ebible(module: str) -> Source:
    return Source(
        kind="url",
        locator=f"https://ebible.org/sword/zip/{module}.zip",
        filename=f"{module}.zip",
        sha256=None,
        members=("mods.d/*.conf", f"modules/*/{module}/*"),
        group="ebible",
    )


DATASET = Dataset(
    name=NAME,
    description="World English Bible ↔ Reina-Valera 1909: aligned English–Spanish verse pairs",
    license="public domain (both translations)",
    citation=(
        "World English Bible (2020 stable text), eBible.org; Santa Biblia Reina-Valera 1909. "
        "SWORD modules engWEB2015eb and spaRV1909eb, The CrossWire Bible Society / eBible.org."
    ),
    sources=(
        _ebible(MODULES["en"]),
        _ebible(MODULES["es"]),
        _debian(
            "sword-text-web",
            "426.0-1",
            MODULES["en"],
            "930b23670b352f0829a306501de4bebb5e654a2df02cde2cbe86b802177868e1",
            3_956_428,
        ),
        _debian(
            "sword-text-sparv",
            "2.60-1",
            MODULES["es"],
            "5c87f9b2bc97457e8a872f5bae7ea7ce59cb3de1dcee73e4d4740451863694cf",
            2_722_332,
        ),
    ),
    splits={
        "train": "90 % of the aligned verses (seed 0), canonical order: 27,775 pairs",
        "val": "5 % of the aligned verses (seed 0), canonical order: 1,543 pairs",
        "test": "5 % of the aligned verses (seed 0), canonical order: 1,543 pairs",
    },
    convert=convert,
    describe=describer(
        "verse pairs", TRAIN_VAL_TEST, ".jsonl", render_json(lambda r: f"{r['en']} ||| {r['es']}")
    ),
    files={
        "train.jsonl": "2c5acb9bda2184deb7a38da430ee344bc36fbee9649a5aa42121a72a065b561d",
        "val.jsonl": "f62cd4bb873caadba8ed1dd4c331fcdb7d32b9c286f8ddaf1a3125859779835f",
        "test.jsonl": "c0f75414ee0f442b561dcc4df23d74f08cdb964d5fc67bf9dfb60c8eb586f389",
    },
)

DATASETS.add(NAME, DATASET)
