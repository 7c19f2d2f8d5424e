"""Feature tables: what one program computes for every image and another classifies.

A trained network's penultimate activations are *learned features* (note 004 §一.1: "神经网络
是一个算法，也是一个提取特征的手段"). ``dlc vision export-features`` writes them, and ``dlc
classic features`` compares them with hand-made features under the same classifiers; the two
families never import each other, so they meet in this file format:

    features.safetensors   "<split>.x" float32 (N, D) and "<split>.y" int64 (N,) per split,
                           plus any extra arrays (e.g. "filters": the first conv's weights)
    features.json          what made them: {"data": …, "source": …, "dim": D, …}

No pickle: safetensors for arrays, JSON for the rest (as :mod:`dlclassics.train.checkpoint`).

    save_features(path, {"train": (x, y), "test": (x2, y2)}, {"data": "mnist"})
    table = load_features(path)
    table.splits["train"][0].shape, table.meta["data"]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlclassics.errors import DataError
from dlclassics.io import write_bytes, write_json

Split = tuple[NDArray[np.float32], NDArray[np.int64]]  # x (N, D), y (N,)


@dataclass(frozen=True, eq=False)
class FeatureTable:
    splits: dict[str, Split]  # split name -> (features, labels)
    meta: dict[str, Any]  # features.json
    extras: dict[str, NDArray[Any]] = field(default_factory=dict)  # other arrays by name


def sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def save_features(
    path: Path,
    splits: Mapping[str, Split],
    meta: Mapping[str, Any],
    extras: Mapping[str, NDArray[Any]] | None = None,
) -> Path:
    """Write ``path`` (.safetensors) and its JSON sidecar; return ``path``."""
    from safetensors.numpy import save

    arrays: dict[str, NDArray[Any]] = {}
    for name, (x, y) in splits.items():
        if x.ndim != 2 or y.shape != (len(x),):
            raise ValueError(f"split {name}: need x (N, D) and y (N,), got {x.shape}, {y.shape}")
        arrays[f"{name}.x"] = np.ascontiguousarray(x, dtype=np.float32)
        arrays[f"{name}.y"] = np.ascontiguousarray(y, dtype=np.int64)
    for name, array in (extras or {}).items():
        arrays[name] = np.ascontiguousarray(array)
    dims = {x.shape[1] for x, _ in splits.values()}
    assert len(dims) == 1, f"every split needs the same feature size, got {dims}"
    write_bytes(path, save(arrays))
    write_json(sidecar(path), {**meta, "dim": dims.pop(), "splits": list(splits)})
    return path


def load_features(path: Path) -> FeatureTable:
    """Read a table written by :func:`save_features`; :class:`DataError` if it is not one."""
    from safetensors.numpy import load_file

    if not path.is_file() or not sidecar(path).is_file():
        raise DataError(
            f"{path} (with {sidecar(path).name}) is not a feature table; write one with "
            "`dlc vision export-features --run-dir RUN`"
        )
    meta = json.loads(sidecar(path).read_text(encoding="utf-8"))
    arrays = load_file(str(path))
    splits = {s: (arrays.pop(f"{s}.x"), arrays.pop(f"{s}.y")) for s in meta["splits"]}
    return FeatureTable(splits, meta, arrays)
