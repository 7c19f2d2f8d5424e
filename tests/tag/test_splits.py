"""The tagging splits: fixed, disjoint, and the run's vocabularies see the train split only."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.data.sets import brown
from dlclassics.tag.corpora import CORPORA, load
from dlclassics.tag.encode import Encoder

SPLITS = ("train", "val", "test")


def test_brown_splits_follow_corpus_positions_and_both_tag_views_share_the_tokens() -> None:
    stripped, universal = load("brown"), load("brown-universal")
    # the data set's split (35,523 / 11,690 / 10,127) less val/test repeats of train sentences
    assert [len(stripped.splits[s]) for s in SPLITS] == [35_523, 11_625, 10_069]
    places: dict[str, set[tuple[str, int]]] = {}
    seen: dict[str, int] = {}  # sentences of each file so far, over the splits in order
    for split in SPLITS:
        places[split] = set()
        for r in brown.records(split):
            places[split].add((r.file, seen.setdefault(r.file, 0)))
            seen[r.file] += 1
    assert not places["train"] & places["val"] and not places["train"] & places["test"]
    for split in SPLITS:
        assert [t for t, _ in stripped.splits[split]] == [t for t, _ in universal.splits[split]]


@pytest.mark.parametrize("name", list(CORPORA))
def test_no_val_or_test_sentence_repeats_a_train_sentence(name: str) -> None:
    data = load(name)
    train = {tuple(tokens) for tokens, _ in data.splits["train"]}
    for split in ("val", "test"):
        assert data.splits[split], split
        assert not any(tuple(tokens) in train for tokens, _ in data.splits[split])


def test_peoples_daily_segmentation_and_pos_split_the_same_lines() -> None:
    pos, seg = load("peoples-daily"), load("peoples-daily-seg")
    for split in SPLITS:
        texts = {"".join(w) for w, _ in pos.splits[split]}
        assert all("".join(chars) in texts for chars, _ in seg.splits[split])


def test_a_file_splits_80_10_10_by_position(tmp_path: Path) -> None:
    path = tmp_path / "ten.conll"
    path.write_text("".join(f"w{i}\tX\n\n" for i in range(10)), encoding="utf-8")
    data = load(str(path))
    assert [[t[0] for t, _ in data.splits[s]] for s in SPLITS] == [
        [f"w{i}" for i in range(8)],
        ["w8"],
        ["w9"],
    ]


def test_vocabularies_come_from_train_only() -> None:
    train = [(["the", "cat"], ["D", "N"])] * 2
    encoder = Encoder.build(train, ["D", "N", "V"], min_count=1, feature_min_count=1)
    encoded = encoder.encode(["the", "zebra"], ["D", "N"])
    assert encoded.words.tolist() == [encoder.words["the"], encoder.words.unk_id]
    assert encoder.features is not None and "w=zebra" not in encoder.features
