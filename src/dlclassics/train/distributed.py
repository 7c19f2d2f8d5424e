"""Device choice and data-parallel training, detected from the environment ``torchrun`` sets.

The same script runs on one process or under ``torchrun --nproc_per_node=K``: with
``WORLD_SIZE > 1`` every process joins a process group (NCCL on GPUs, gloo on CPU), wraps
the training step in :class:`~torch.nn.parallel.DistributedDataParallel` and takes
``batch_size // K`` examples of each global batch. DDP averages the K gradients, so one step
moves the weights as the single-process step on the whole batch would (up to float rounding).

One machine, K processes (``--standalone``: a rendezvous on localhost)::

    torchrun --standalone --nproc_per_node=2 -m dlclassics mlp train --run-dir runs/ddp

Several machines. ``torchrun`` starts ``--nproc_per_node`` processes on each of ``--nnodes``
machines; they find each other through a rendezvous (``c10d``: a TCP store hosted by the
first machine to arrive at ``--rdzv_endpoint``) and get a global ``RANK`` (0 … nnodes ·
nproc_per_node − 1), ``WORLD_SIZE`` and a per-machine ``LOCAL_RANK`` (which GPU), which
:func:`setup` reads. Run the same command on every machine, e.g. two machines × 4 GPUs::

    torchrun --nnodes=2 --nproc_per_node=4 \
        --rdzv_backend=c10d --rdzv_endpoint=node0.example:29400 --rdzv_id=mlp-run-1 \
        -m dlclassics mlp train --run-dir /shared/runs/mlp

Requirements: the same dlclassics and data on every machine (each fetches its data sets
into its own ``$DLCLASSICS_HOME``, or point them all at a shared one); a run directory on
a file system every machine sees — rank 0 alone writes checkpoints and logs, and every rank
reads them back on ``--resume DIR``; the rendezvous port open between the machines (NCCL
may also need ``NCCL_SOCKET_IFNAME`` to pick the network interface; gloo, on CPU, uses
TCP). The test (``tests/train/test_trainer_ddp.py``) runs two CPU processes on one machine;
several machines take the same code path, with the rendezvous above.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from dlclassics.errors import ConfigError


@dataclass(frozen=True)
class DistContext:
    rank: int  # this process, 0 .. world_size − 1
    world_size: int  # processes in the group; 1 = no DDP
    device: torch.device  # where this process trains

    @property
    def is_main(self) -> bool:
        """Rank 0 alone writes files, logs and draws the progress bar."""
        return self.rank == 0

    @property
    def is_distributed(self) -> bool:
        return self.world_size > 1


def setup(device: str) -> DistContext:
    """Read RANK/WORLD_SIZE/LOCAL_RANK, pick the device, join the process group if needed."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    dev = resolve_device(device, local_rank)
    if world_size > 1 and not dist.is_initialized():
        if dev.type == "cuda":
            torch.cuda.set_device(dev)
        dist.init_process_group(backend="nccl" if dev.type == "cuda" else "gloo")
    return DistContext(rank=rank, world_size=world_size, device=dev)


def resolve_device(device: str, local_rank: int = 0) -> torch.device:
    """``"auto"`` → ``cuda:<local_rank>`` if CUDA is available else ``cpu``."""
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ConfigError(f"device={device!r} is unknown; use auto, cpu or cuda") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(f"device={device!r} but CUDA is not available; use --device cpu")
        if dev.index is None:
            dev = torch.device("cuda", local_rank)
    return dev


def wrap(module: nn.Module, ctx: DistContext) -> nn.Module:
    """``module`` itself on one process, else a DDP wrapper that all-reduces its gradients."""
    if not ctx.is_distributed:
        return module
    device_ids = [ctx.device] if ctx.device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(module, device_ids=device_ids)


def all_reduce_sum(values: torch.Tensor, ctx: DistContext) -> torch.Tensor:
    """Sum ``values`` over ranks, in place (a no-op on one process)."""
    if ctx.is_distributed:
        dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values


def gather_to_main(obj: Any, ctx: DistContext) -> list[Any]:
    """Every rank's ``obj`` (JSON-like), in rank order. In-memory between our own processes."""
    if not ctx.is_distributed:
        return [obj]
    out: list[Any] = [None] * ctx.world_size
    dist.all_gather_object(out, obj)
    return out


def shutdown() -> None:
    """Leave the process group, if one was joined (call once at the end of a DDP script)."""
    if dist.is_initialized():
        dist.destroy_process_group()


def barrier(ctx: DistContext) -> None:
    """Wait until every rank gets here (a no-op on one process)."""
    if ctx.is_distributed:
        dist.barrier()
