"""Data order, rank shards, device moves and the progress bar."""

from __future__ import annotations

import io
from collections import namedtuple

import torch
from rich.console import Console
from torch.utils.data import TensorDataset, default_collate

from dlclassics.train import to_device
from dlclassics.train.batches import epoch_permutation, train_batches
from dlclassics.train.progress import ProgressBar

DATA = TensorDataset(torch.arange(10))  # example i is the number i


def steps(
    start: int, count: int, *, rank: int = 0, world: int = 1, batch: int = 4
) -> list[list[int]]:
    stream = train_batches(
        DATA, n=10, batch_size=batch, seed=7, start_step=start, rank=rank, world_size=world,
        collate_fn=default_collate, num_workers=0, pin_memory=False,
    )  # fmt: skip
    return [next(stream)[0].tolist() for _ in range(count)]


def test_each_epoch_is_a_seeded_permutation_and_the_tail_is_dropped() -> None:
    run = steps(0, 4)  # 10 // 4 = 2 batches per epoch
    for epoch in range(2):
        order = epoch_permutation(10, seed=7, epoch=epoch).tolist()
        assert run[2 * epoch] + run[2 * epoch + 1] == order[:8]
    assert epoch_permutation(10, 7, 0).tolist() != epoch_permutation(10, 7, 1).tolist()
    assert epoch_permutation(10, 7, 1).tolist() != epoch_permutation(10, 8, 0).tolist()


def test_starting_mid_stream_gives_the_same_batches() -> None:
    assert steps(3, 3) == steps(0, 6)[3:]


def test_ranks_split_each_global_batch_into_disjoint_equal_slices() -> None:
    whole = steps(0, 5)
    shards = [steps(0, 5, rank=r, world=2) for r in range(2)]
    for i, batch in enumerate(whole):
        assert shards[0][i] + shards[1][i] == batch and len(shards[0][i]) == 2


def test_to_device_moves_nested_batches_and_keeps_their_types() -> None:
    Pair = namedtuple("Pair", "x y")
    batch = {"a": [torch.ones(2), (torch.zeros(1), 3)], "b": Pair(torch.ones(1), "text")}
    moved = to_device(batch, torch.device("meta"))
    assert moved["a"][0].device.type == "meta" and moved["a"][1][0].device.type == "meta"
    assert isinstance(moved["a"][1], tuple) and moved["a"][1][1] == 3
    assert isinstance(moved["b"], Pair) and moved["b"].y == "text"


def test_progress_bar_shows_step_loss_and_throughput_on_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with ProgressBar(total=10, start=2, batch_size=64, enabled=True, console=console) as bar:
        for step in range(3, 11):
            bar.update(step, 0.5)
    text = out.getvalue()
    assert "10/10" in text and "loss 0.5" in text and "ex/s" in text


def test_progress_bar_names_its_unit() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    bar = ProgressBar(total=4, start=0, batch_size=1, enabled=True, console=console, unit="words")
    with bar:
        for step in range(1, 5):
            bar.update(step, 1.0)
    assert "words/s" in out.getvalue() and "ex/s" not in out.getvalue()


def test_progress_bar_is_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    with ProgressBar(total=10, start=0, batch_size=64, enabled=True, console=console) as bar:
        bar.update(5, 0.5)
    assert out.getvalue() == ""
