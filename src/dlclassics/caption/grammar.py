"""The scene grammar: one deterministic description per layout, in English and Chinese.

A *layout* fills some of the four cells of a 2×2 grid with Fashion-MNIST classes; cells are
numbered in reading order (0 top left, 1 top right, 2 bottom left, 3 bottom right). Its
description names the items in reading order: the first by its absolute place, each next one
relative to the item just named ("it")::

    >>> layout = Layout((8, 7, None, 6))          # bag | sneaker / empty | shirt
    >>> " ".join(describe(layout, "en"))
    'a bag in the top left ; a sneaker on its right ; a shirt below it'
    >>> text(describe(layout, "zh"), "zh")
    '左上是一个包；它右边是一双运动鞋；它下面是一件衬衫'
    >>> parse(describe(layout, "zh"), "zh") == layout
    True

Because later items come later in reading order, the step from one item to the next is one of
four: right (same row), below (same column), below-left or below-right (the other row). The
description is a function of the layout and :func:`parse` inverts it, so a caption is either
exactly right or wrong — which makes exact match a meaningful score.

An item is one token, article (measure word) and noun together — "a bag", "some trousers",
"一双运动鞋" — so naming an item is one decoding step, the step whose attention
:mod:`~dlclassics.caption.metrics` checks, and the article cannot be chosen apart from the
noun. Chinese captions are written as word tokens and joined without spaces for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from dlclassics.errors import ConfigError

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
CELLS = 4  # the 2×2 grid, cells in reading order
GRID = 2  # cells per row and per column

# Fashion-MNIST class id -> its item token: article (or measure word) and noun, one token
ITEMS_EN = (
    "a t-shirt",
    "some trousers",
    "a pullover",
    "a dress",
    "a coat",
    "a sandal",
    "a shirt",
    "a sneaker",
    "a bag",
    "a boot",
)
ITEMS_ZH = (
    "一件T恤",
    "一条裤子",
    "一件套头衫",
    "一件连衣裙",
    "一件外套",
    "一双凉鞋",
    "一件衬衫",
    "一双运动鞋",
    "一个包",
    "一双短靴",
)
CLASSES = len(ITEMS_EN)

# absolute place of the first item, by cell
PLACE_EN = (
    ("in", "the", "top", "left"),
    ("in", "the", "top", "right"),
    ("in", "the", "bottom", "left"),
    ("in", "the", "bottom", "right"),
)
PLACE_ZH = ("左上", "右上", "左下", "右下")

# (Δrow, Δcol) from the previous item -> relation words; only these four occur in reading order
Step = tuple[int, int]
RELATION_EN: dict[Step, tuple[str, ...]] = {
    (0, 1): ("on", "its", "right"),
    (1, 0): ("below", "it"),
    (1, 1): ("below", "it", "on", "the", "right"),
    (1, -1): ("below", "it", "on", "the", "left"),
}
RELATION_ZH: dict[Step, tuple[str, ...]] = {
    (0, 1): ("右边",),
    (1, 0): ("下面",),
    (1, 1): ("右下方",),
    (1, -1): ("左下方",),
}
SEPARATOR = {"en": ";", "zh": "；"}


@dataclass(frozen=True)
class Layout:
    """Class id (0–9) or None in each cell, reading order; at least one item."""

    cells: tuple[int | None, ...]

    def __post_init__(self) -> None:
        assert len(self.cells) == CELLS, self.cells
        assert any(c is not None for c in self.cells), "a layout holds at least one item"
        assert all(c is None or 0 <= c < CLASSES for c in self.cells), self.cells

    @property
    def items(self) -> list[tuple[int, int]]:
        """``(cell, class)`` of every item, in reading order (the order they are described)."""
        return [(cell, c) for cell, c in enumerate(self.cells) if c is not None]


def _step(a: int, b: int) -> Step:
    return (b // GRID - a // GRID, b % GRID - a % GRID)


def describe(layout: Layout, lang: Lang) -> list[str]:
    """The description's tokens (see the module docstring for the grammar)."""
    tokens: list[str] = []
    previous: int | None = None
    for cell, c in layout.items:
        if previous is None:
            if lang == "en":
                tokens += [ITEMS_EN[c], *PLACE_EN[cell]]
            else:
                tokens += [PLACE_ZH[cell], "是", ITEMS_ZH[c]]
        else:
            step = _step(previous, cell)
            tokens.append(SEPARATOR[lang])
            if lang == "en":
                tokens += [ITEMS_EN[c], *RELATION_EN[step]]
            else:
                tokens += ["它", *RELATION_ZH[step], "是", ITEMS_ZH[c]]
        previous = cell
    return tokens


def vocabulary(lang: Lang) -> list[str]:
    """Every token the grammar of ``lang`` can produce, in a fixed order (items first)."""
    if lang == "en":
        words = [*ITEMS_EN, *(w for p in PLACE_EN for w in p)]
        words += [w for r in RELATION_EN.values() for w in r]
    else:
        words = [*ITEMS_ZH, *PLACE_ZH, "是", "它"]
        words += [w for r in RELATION_ZH.values() for w in r]
    words.append(SEPARATOR[lang])
    return list(dict.fromkeys(words))  # unique, first occurrence order


def item_words(lang: Lang) -> dict[str, int]:
    """Item token -> class id: the words whose attention should sit on their item's cell."""
    return {item: c for c, item in enumerate(ITEMS_EN if lang == "en" else ITEMS_ZH)}


def text(tokens: Sequence[str], lang: Lang) -> str:
    """Tokens as a sentence: English with spaces (no space before ';'), Chinese without."""
    if lang == "zh":
        return "".join(tokens)
    return " ".join(tokens).replace(" ;", ";")


def parse(tokens: Sequence[str], lang: Lang) -> Layout:
    """The layout a description describes; :class:`ConfigError` if it is not one."""
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token == SEPARATOR[lang]:
            clauses.append([])
        else:
            clauses[-1].append(token)
    cells: list[int | None] = [None] * CELLS
    previous: int | None = None
    for clause in clauses:
        cell, c = _parse_clause(clause, lang, previous)
        if cells[cell] is not None or (previous is not None and cell <= previous):
            raise ConfigError(f"not a description: {text(tokens, lang)!r} revisits a cell")
        cells[cell] = c
        previous = cell
    return Layout(tuple(cells))


def _parse_clause(clause: list[str], lang: Lang, previous: int | None) -> tuple[int, int]:
    items = item_words(lang)
    if clause:
        item, rest = (
            (clause[0], tuple(clause[1:])) if lang == "en" else (clause[-1], tuple(clause[:-1]))
        )
        c = items.get(item)
        if c is not None and previous is None:
            places = PLACE_EN if lang == "en" else tuple((p, "是") for p in PLACE_ZH)
            if rest in places:
                return places.index(rest), c
        elif c is not None and previous is not None:
            relations = RELATION_EN if lang == "en" else _ZH_RELATION_CLAUSES
            for (dr, dc), words in relations.items():
                cell = previous + GRID * dr + dc
                if rest == words and 0 <= cell < CELLS and _step(previous, cell) == (dr, dc):
                    return cell, c
    raise ConfigError(f"not a description: clause {text(clause, lang)!r} does not parse")


_ZH_RELATION_CLAUSES = {step: ("它", *words, "是") for step, words in RELATION_ZH.items()}
