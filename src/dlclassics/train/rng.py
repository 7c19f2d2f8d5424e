"""Capture and restore every random number generator a training step may draw from.

Dropout, data augmentation and samplers draw from four global streams: torch on the CPU,
torch on each CUDA device, Python's ``random`` and NumPy's legacy ``np.random``. A
checkpoint stores all four, as JSON (byte states in base64), so a resumed run draws exactly
the numbers the uninterrupted run would have drawn.
"""

from __future__ import annotations

import base64
import random
from typing import Any

import numpy as np
import torch


def capture(device: torch.device) -> dict[str, Any]:
    """The state of all global generators, as a JSON-serializable dict.

    Of the CUDA generators only ``device``'s is kept (none on a CPU device): touching the
    others would create a CUDA context on every GPU from every DDP process.
    """
    np_state = np.random.get_state(legacy=False)
    py_version, py_internal, py_gauss = random.getstate()
    return {
        "torch": _b64(torch.get_rng_state().numpy().tobytes()),
        "cuda": _b64(torch.cuda.get_rng_state(device).numpy().tobytes())
        if device.type == "cuda"
        else None,
        "python": [py_version, list(py_internal), py_gauss],
        "numpy": {
            "bit_generator": np_state["bit_generator"],
            "key": _b64(np.asarray(np_state["state"]["key"], dtype="<u4").tobytes()),
            "pos": int(np_state["state"]["pos"]),
            "has_gauss": int(np_state["has_gauss"]),
            "gauss": float(np_state["gauss"]),
        },
    }


def restore(state: dict[str, Any], device: torch.device) -> None:
    """Inverse of :func:`capture`; a saved CUDA state goes to ``device`` if that is a GPU."""
    torch.set_rng_state(_tensor(state["torch"]))
    if state["cuda"] is not None and device.type == "cuda":
        torch.cuda.set_rng_state(_tensor(state["cuda"]), device)
    py_version, py_internal, py_gauss = state["python"]
    random.setstate((py_version, tuple(py_internal), py_gauss))
    np_state = state["numpy"]
    key = np.frombuffer(base64.b64decode(np_state["key"]), dtype="<u4").astype(np.uint32)
    np.random.set_state(
        {
            "bit_generator": np_state["bit_generator"],
            "state": {"key": key, "pos": np_state["pos"]},
            "has_gauss": np_state["has_gauss"],
            "gauss": np_state["gauss"],
        }
    )


def seed_all(seed: int) -> None:
    """Seed torch (CPU and every CUDA device), ``random`` and ``np.random``."""
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _tensor(b64: str) -> torch.Tensor:
    return torch.frombuffer(bytearray(base64.b64decode(b64)), dtype=torch.uint8)
