"""Scenes: Fashion-MNIST images on a 2×2 grid, with a compositional train/test split.

A scene is a :class:`~dlclassics.caption.grammar.Layout` (which class sits in which cell; 2 or 3
items, the other cells black) drawn as one 56×56 image: each item is a 28×28 image of its class,
taken from the split's own images — train scenes from Fashion-MNIST's train split, validation
scenes from its val split, test scenes from the official test images.

**Unseen combinations.** Each class has one *held-out cell* (:data:`HELD_OUT`: class k at cell
k mod 4), so 10 of the 40 (class, cell) pairs never occur in a training scene. The ``test``
split holds only scenes with at least one held-out pair — a bag in the bottom-right cell, say,
when training only ever showed bags elsewhere — so a model passes it only by composing what an
item looks like with where it is, not by recalling whole scenes. ``val`` and ``test-seen`` use
the training distribution (no held-out pair): the first picks the checkpoint without peeking at
the shift, the second measures what the shift costs.

Scenes are built on the fly from ``(seed, split, index)``: the same index gives the same scene
on every machine, and the data set costs no disk.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> layout = sample_layout(rng, unseen=True)
>>> any(HELD_OUT[c] == cell for cell, c in layout.items)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

from dlclassics.caption.grammar import CELLS, CLASSES, GRID, Lang, Layout, describe, item_words
from dlclassics.data.images import IMAGE_SHAPE
from dlclassics.data.vocab import Vocab

SceneSplit = Literal["train", "val", "test", "test-seen"]
# scene split -> (Fashion-MNIST split its images come from, whether it holds unseen pairs)
SOURCES: dict[str, tuple[str, bool]] = {
    "train": ("train", False),
    "val": ("val", False),
    "test": ("test", True),
    "test-seen": ("test", False),
}
HELD_OUT = tuple(c % CELLS for c in range(CLASSES))  # class -> the cell it never trains in
SIDE = GRID * IMAGE_SHAPE[0]  # 56: the scene is (SIDE, SIDE)
MIN_ITEMS, MAX_ITEMS = 2, 3  # items per scene


def is_unseen(layout: Layout) -> bool:
    """Whether the layout puts some class in its held-out cell."""
    return any(HELD_OUT[c] == cell for cell, c in layout.items)


def sample_layout(rng: np.random.Generator, *, unseen: bool) -> Layout:
    """A random layout with 2–3 items: with ``unseen``, at least one held-out pair; else none.

    Unseen layouts put a random class in its held-out cell and fill the rest at random; seen
    layouts are drawn at random until none is held out (about 2 draws on average).
    """
    n = int(rng.integers(MIN_ITEMS, MAX_ITEMS + 1))
    while True:
        cells: list[int | None] = [None] * CELLS
        free = list(range(CELLS))
        if unseen:
            anchor = int(rng.integers(CLASSES))
            cells[HELD_OUT[anchor]] = anchor
            free.remove(HELD_OUT[anchor])
        for cell in rng.choice(free, size=n - sum(c is not None for c in cells), replace=False):
            cells[int(cell)] = int(rng.integers(CLASSES))
        layout = Layout(tuple(cells))
        if unseen or not is_unseen(layout):
            return layout


def compose(items: Sequence[tuple[int, np.ndarray]]) -> np.ndarray:
    """A uint8 (SIDE, SIDE) scene from ``(cell, 28×28 image)`` pairs; empty cells are black."""
    H, W = IMAGE_SHAPE
    scene = np.zeros((SIDE, SIDE), dtype=np.uint8)
    for cell, image in items:
        r, c = divmod(cell, GRID)
        scene[r * H : (r + 1) * H, c * W : (c + 1) * W] = image
    return scene


@dataclass(frozen=True)
class Scene:
    layout: Layout
    image: np.ndarray  # uint8 (SIDE, SIDE)


class SceneSet(Dataset[tuple[Tensor, Tensor, Tensor]]):
    """``size`` scenes of one split, each ``(image (1, 56, 56) float in [0, 1], tokens (L+2,),
    item_cells (L+1,))``.

    ``tokens`` is ``<bos> description <eos>`` as vocabulary ids; ``item_cells[t]`` is the cell
    of the item named by output token ``tokens[t+1]`` when that token is an item word, else −1
    (what the attention-hit metric compares with).
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        *,
        split: SceneSplit,
        size: int,
        lang: Lang,
        vocab: Vocab,
        seed: int = 0,
    ) -> None:
        assert images.shape[1:] == IMAGE_SHAPE and len(images) == len(labels), images.shape
        self.images = images
        self.by_class = [np.flatnonzero(labels == c) for c in range(CLASSES)]
        assert all(len(ix) for ix in self.by_class), "every class needs at least one image"
        self.split, self.size, self.lang, self.vocab, self.seed = split, size, lang, vocab, seed
        self.unseen = SOURCES[split][1]
        self.split_id = list(SOURCES).index(split)
        self.nouns = item_words(lang)

    def __len__(self) -> int:
        return self.size

    def scene(self, index: int) -> Scene:
        """Scene ``index`` of this split: the same on every call and every machine."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        rng = np.random.default_rng([self.seed, self.split_id, index])
        layout = sample_layout(rng, unseen=self.unseen)
        items = [(cell, self.images[rng.choice(self.by_class[c])]) for cell, c in layout.items]
        return Scene(layout, compose(items))

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor, Tensor]:
        scene = self.scene(index)
        words = describe(scene.layout, self.lang)
        tokens = torch.tensor(self.vocab.encode(words, bos=True, eos=True))
        cells = iter(cell for cell, _ in scene.layout.items)
        item_cells = [next(cells) if w in self.nouns else -1 for w in words] + [-1]  # eos
        image = torch.from_numpy(scene.image.astype(np.float32) / 255.0)[None]  # (1, 56, 56)
        return image, tokens, torch.tensor(item_cells)


def collate(
    batch: Sequence[tuple[Tensor, Tensor, Tensor]], pad_id: int
) -> tuple[Tensor, Tensor, Tensor]:
    """Stack images; right-pad tokens with ``pad_id`` and item cells with −1."""
    images = torch.stack([b[0] for b in batch])  # (B, 1, 56, 56)
    L = max(len(b[1]) for b in batch)
    tokens = torch.full((len(batch), L), pad_id, dtype=torch.long)  # (B, L)
    cells = torch.full((len(batch), L - 1), -1, dtype=torch.long)  # (B, L-1): output positions
    for i, (_, t, c) in enumerate(batch):
        tokens[i, : len(t)] = t
        cells[i, : len(c)] = c
    return images, tokens, cells
