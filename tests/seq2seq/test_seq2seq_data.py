"""Parallel data: tokenization policy, the fixed split, length buckets, bad parallel files."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.seq2seq.data import (
    TEST_PAIRS,
    VAL_PAIRS,
    DataConfig,
    Example,
    LengthBuckets,
    examples_from_texts,
    fixed_split,
    load_examples,
    merge_batches,
    pad_batch,
    read_parallel,
    tokenize,
)


def test_tokenize_lowercases_and_splits_off_every_punctuation_mark() -> None:
    assert tokenize("¿Quién es Él? «Jehová» dijo.") == [
        "¿", "quién", "es", "él", "?", "«", "jehová", "»", "dijo", ".",
    ]  # fmt: skip
    assert tokenize("L'homme n'est pas là !") == ["l'homme", "n'est", "pas", "là", "!"]


@pytest.mark.parametrize("n", [TEST_PAIRS + VAL_PAIRS + 1, 8443])
def test_fixed_split_is_disjoint_complete_and_deterministic(n: int) -> None:
    parts = fixed_split(n)
    assert len(parts["test"]) == TEST_PAIRS and len(parts["val"]) == VAL_PAIRS
    every = parts["train"] + parts["val"] + parts["test"]
    assert sorted(every) == list(range(n))  # disjoint and complete
    assert fixed_split(n) == parts  # the same split every time
    assert fixed_split(n, seed=1)["test"] != parts["test"]


def test_fixed_split_refuses_too_few_pairs() -> None:
    with pytest.raises(ConfigError, match="too few"):
        fixed_split(TEST_PAIRS + VAL_PAIRS)


def test_examples_from_texts_drops_pairs_over_max_len_on_either_side() -> None:
    pairs = [("a b c", "x y"), ("a b c d e", "x"), ("a", "v w x y z"), ("", "x")]
    assert [e.src for e in examples_from_texts(pairs, max_len=3)] == [["a", "b", "c"]]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_read_parallel_pairs_lines(tmp_path: Path) -> None:
    src = _write(tmp_path / "src.txt", ["Hello .", "Bye ."])
    tgt = _write(tmp_path / "tgt.txt", ["Hola .", "Adiós ."])
    assert read_parallel(src, tgt) == [("Hello .", "Hola ."), ("Bye .", "Adiós .")]


@pytest.mark.parametrize("longer", ["src", "tgt"])
def test_mismatched_line_counts_name_the_first_unpaired_line(tmp_path: Path, longer: str) -> None:
    three, two = ["a", "b", "c"], ["x", "y"]
    src = _write(tmp_path / "src.txt", three if longer == "src" else two)
    tgt = _write(tmp_path / "tgt.txt", two if longer == "src" else three)
    with pytest.raises(DataError, match=rf"{longer}\.txt has a line 3 but .* ends after line 2"):
        read_parallel(src, tgt)


def test_an_empty_line_is_an_error_naming_it(tmp_path: Path) -> None:
    src = _write(tmp_path / "src.txt", ["a", "  ", "c"])
    tgt = _write(tmp_path / "tgt.txt", ["x", "y", "z"])
    with pytest.raises(DataError, match=r"src\.txt, line 2 is empty"):
        read_parallel(src, tgt)


def test_pad_batch_frames_targets_with_bos_and_eos() -> None:
    b = pad_batch([[5, 6, 7], [8]], [[9], [10, 11]])
    assert b.src.tolist() == [[5, 6, 7], [8, 1, 1]]
    assert b.src_lengths.tolist() == [3, 1]
    assert b.tgt_in.tolist() == [[2, 9, 1], [2, 10, 11]]
    assert b.tgt_out.tolist() == [[9, 3, 1], [10, 11, 3]]


@given(
    lengths=st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9)), min_size=1, max_size=40),
    size=st.integers(1, 8),
)
def test_length_buckets_hold_every_pair_once_with_minimal_padding(
    lengths: list[tuple[int, int]], size: int
) -> None:
    words = [f"w{i}" for i in range(9)]
    vocab = Vocab(words)
    examples = [Example("", "", words[:s], words[:t]) for s, t in lengths]
    buckets = LengthBuckets(examples, vocab, vocab, batch_size=size, seed=0)
    seen = sorted(
        (int(n), int((b.tgt_out[i] != 1).sum()) - 1)
        for b in buckets
        for i, n in enumerate(b.src_lengths)
    )
    assert seen == sorted(lengths)
    for b in buckets:
        assert len(b.src) <= size and b.src.shape[1] == int(b.src_lengths.max())
    # sorted by source length: the buckets' length ranges do not overlap
    ranges = [(int(b.src_lengths.min()), int(b.src_lengths.max())) for b in buckets]
    assert all(hi <= lo for (_, hi), (lo, _) in itertools.pairwise(ranges))


def test_merging_buckets_repads_to_the_longest() -> None:
    one, two = pad_batch([[5, 6]], [[7]]), pad_batch([[8]], [[9, 10, 11]])
    merged = merge_batches([one, two])
    assert torch.equal(merged.src, torch.tensor([[5, 6], [8, 1]]))
    assert torch.equal(merged.tgt_out, torch.tensor([[7, 3, 1, 1], [9, 10, 11, 3]]))
    assert merge_batches([one]) is one


def test_data_config_rejects_unknown_pairs_and_sizes() -> None:
    with pytest.raises(ConfigError, match="pair"):
        DataConfig(pair="de-en")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="max_len"):
        DataConfig(max_len=0)


@pytest.mark.slow
def test_bible_split_has_1000_test_pairs_unseen_in_train_in_both_directions() -> None:
    """Needs the real ``bible-en-es`` cache."""
    config = DataConfig(pair="en-es")
    parts = {s: load_examples(config, s) for s in ("train", "val", "test")}  # type: ignore[arg-type]
    assert len(parts["test"]) == TEST_PAIRS and len(parts["val"]) == VAL_PAIRS
    test_pairs = {(e.src_text, e.tgt_text) for e in parts["test"]}
    assert not test_pairs & {(e.src_text, e.tgt_text) for e in parts["train"]}
    reverse = load_examples(DataConfig(pair="es-en"), "test")
    assert [(e.tgt_text, e.src_text) for e in reverse] == [
        (e.src_text, e.tgt_text) for e in parts["test"]
    ]
    assert all(len(e.src) <= 20 and len(e.tgt) <= 20 for p in parts.values() for e in p)
