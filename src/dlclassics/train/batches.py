"""Which examples each step sees: a pure function of (seed, step), so resuming is exact.

Epoch ``e`` visits the training set in the order ``randperm(N)`` drawn from a generator seeded
by ``(seed, e)`` alone. Step ``s`` (0-based) takes batch ``i = s mod S`` of epoch
``e = s div S``, with ``S = N div B`` batches per epoch: the last ``N mod B`` examples of each
permutation are dropped, so every step sees exactly ``B`` examples (steady gradient noise,
equal shards per rank) and a different few are left out each epoch. Under DDP rank ``r`` of
``K`` takes the ``r``-th slice of ``B / K`` examples of the global batch.

Nothing here touches the global random generators, so data order and dropout masks stay
independent streams.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset


def epoch_permutation(n: int, seed: int, epoch: int) -> torch.Tensor:
    """The order of the ``n`` training examples in ``epoch``; the same on every rank."""
    entropy = int(np.random.SeedSequence([seed, epoch]).generate_state(1, np.uint64)[0])
    generator = torch.Generator().manual_seed(entropy)
    return torch.randperm(n, generator=generator)


def train_batches(
    data: Dataset[Any],
    *,
    n: int,
    batch_size: int,
    seed: int,
    start_step: int,
    rank: int,
    world_size: int,
    collate_fn: Callable[[list[Any]], Any],
    num_workers: int,
    pin_memory: bool,
) -> Iterator[Any]:
    """This rank's batches for steps ``start_step, start_step + 1, …`` (an endless stream)."""
    per_epoch = n // batch_size
    local = batch_size // world_size
    epoch, index = divmod(start_step, per_epoch)
    while True:
        order = epoch_permutation(n, seed, epoch)
        batches = [
            order[i * batch_size + rank * local : i * batch_size + (rank + 1) * local].tolist()
            for i in range(index, per_epoch)
        ]
        yield from _loader(data, batches, collate_fn, num_workers, pin_memory, seed=epoch)
        epoch, index = epoch + 1, 0


def eval_batches(
    data: Dataset[Any],
    *,
    n: int,
    batch_size: int,
    rank: int,
    world_size: int,
    collate_fn: Callable[[list[Any]], Any],
    num_workers: int,
    pin_memory: bool,
) -> Iterator[Any]:
    """This rank's share of ``data`` (examples ``rank, rank + K, …``), in order, none dropped."""
    mine = list(range(rank, n, world_size))
    batches = [mine[i : i + batch_size] for i in range(0, len(mine), batch_size)]
    return iter(_loader(data, batches, collate_fn, num_workers, pin_memory, seed=0))


def _loader(
    data: Dataset[Any],
    batches: list[list[int]],
    collate_fn: Callable[[list[Any]], Any],
    num_workers: int,
    pin_memory: bool,
    *,
    seed: int,
) -> DataLoader[Any]:
    # An explicit generator: without one, each DataLoader iterator draws its workers' base
    # seed from the global torch generator, which would shift the dropout stream on resume.
    return DataLoader(
        data,
        batch_sampler=batches,
        collate_fn=collate_fn,
        num_workers=num_workers,
        pin_memory=pin_memory,
        generator=torch.Generator().manual_seed(seed),
    )


def to_device(batch: Any, device: torch.device) -> Any:
    """Move every tensor in a (nested) tuple, list, namedtuple or dict batch to ``device``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=device.type == "cuda")
    if isinstance(batch, Mapping):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # namedtuple
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, list | tuple):
        return type(batch)(to_device(v, device) for v in batch)
    return batch
