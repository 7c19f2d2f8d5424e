"""Scenes: deterministic, and the unseen-combination test split is disjoint from training."""

from __future__ import annotations

import numpy as np
import pytest

from dlclassics.caption.grammar import CLASSES, describe, vocabulary
from dlclassics.caption.scenes import HELD_OUT, SIDE, SOURCES, SceneSet, collate, is_unseen
from dlclassics.data.vocab import Vocab

N_IMAGES = 50  # synthetic 28×28 images, 5 per class; image i is filled with the value i + 1


def scenes(split: str, size: int = 400, seed: int = 0) -> SceneSet:
    labels = np.arange(N_IMAGES) % CLASSES
    images = np.repeat(np.arange(1, N_IMAGES + 1, dtype=np.uint8), 28 * 28).reshape(-1, 28, 28)
    return SceneSet(
        images, labels, split=split, size=size, lang="en", vocab=Vocab(vocabulary("en")), seed=seed
    )  # type: ignore[arg-type]


def pairs(data: SceneSet) -> set[tuple[int, int]]:
    return {(c, cell) for i in range(len(data)) for cell, c in data.scene(i).layout.items}


HELD = {(c, cell) for c, cell in enumerate(HELD_OUT)}


@pytest.mark.parametrize("split", ["train", "val", "test-seen"])
def test_training_distribution_never_shows_a_held_out_class_cell_pair(split: str) -> None:
    seen = pairs(scenes(split))
    assert not seen & HELD
    assert len(seen) == CLASSES * 4 - len(HELD)  # every other pair does occur


def test_every_test_scene_holds_an_unseen_pair_and_all_held_out_pairs_occur() -> None:
    data = scenes("test")
    assert all(is_unseen(data.scene(i).layout) for i in range(len(data)))
    assert pairs(data) >= HELD


@pytest.mark.parametrize("split", list(SOURCES))
def test_scenes_hold_two_or_three_items(split: str) -> None:
    data = scenes(split, size=200)
    counts = {len(data.scene(i).layout.items) for i in range(len(data))}
    assert counts == {2, 3}


def test_a_scene_is_a_function_of_seed_split_and_index() -> None:
    a, b, other = scenes("test"), scenes("test"), scenes("test", seed=1)
    for i in (0, 7, 399):
        assert a.scene(i).layout == b.scene(i).layout
        assert np.array_equal(a.scene(i).image, b.scene(i).image)
    assert [a.scene(i).layout for i in range(20)] != [other.scene(i).layout for i in range(20)]


def test_items_are_drawn_in_their_cells_from_images_of_their_class() -> None:
    data = scenes("train")
    for i in range(50):
        scene = data.scene(i)
        assert scene.image.shape == (SIDE, SIDE)
        occupied = {cell: c for cell, c in scene.layout.items}
        for cell in range(4):
            r, col = divmod(cell, 2)
            block = scene.image[28 * r : 28 * (r + 1), 28 * col : 28 * (col + 1)]
            if cell in occupied:
                value = int(block[0, 0])  # synthetic image value − 1 is its index
                assert np.all(block == value) and (value - 1) % CLASSES == occupied[cell]
            else:
                assert not block.any()


def test_examples_align_item_cells_with_the_item_words() -> None:
    data = scenes("test", size=30)
    vocab = data.vocab
    for i in range(len(data)):
        image, tokens, cells = data[i]
        words = vocab.decode(tokens.tolist())
        layout = data.scene(i).layout
        assert words == ["<bos>", *describe(layout, "en"), "<eos>"]
        assert image.shape == (1, SIDE, SIDE) and image.min() >= 0 and image.max() <= 1
        named = [(int(c), words[t + 1]) for t, c in enumerate(cells) if c >= 0]
        assert [cell for cell, _ in named] == [cell for cell, _ in layout.items]
    images, tokens, cells = collate([data[0], data[1], data[2]], pad_id=vocab.pad_id)
    assert tokens.shape[1] == cells.shape[1] + 1 and images.shape == (3, 1, SIDE, SIDE)
