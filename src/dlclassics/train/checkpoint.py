"""Checkpoints without pickle: safetensors for tensors, JSON for everything else.

A run directory holds::

    config.json              {"format", "run": resolved run config, "trainer": TrainerConfig, …}
    metrics.jsonl            rows {"step", "split", "metrics", "lr", "elapsed", …} (.metrics)
    model.safetensors        latest weights            + model.json (step, metrics, configs)
    best.safetensors         best weights by `metric`  + best.json
    checkpoint/
      optimizer.safetensors  optimizer tensors (momentum buffers, Adam moments, step counts)
      state.json             step, epoch/position, RNG states, best so far, optimizer scalars

Each file is written atomically (temp file + rename). A resumable checkpoint is
``model.safetensors`` + ``checkpoint/``; ``state.json`` is written last and every part
records its step, so a run killed while saving is detected, not silently mixed. Reading uses
``safetensors`` and ``json`` only — never ``torch.load``/pickle, which can run code from a
file. Any unreadable, truncated or mismatched file raises :class:`CheckpointError` naming it.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import safetensors
import safetensors.torch
import torch
from torch import nn

from dlclassics.errors import CheckpointError
from dlclassics.io import write_bytes, write_json
from dlclassics.train.config import TrainerConfig

RUN_FORMAT = "dlclassics-run/1"
CHECKPOINT_FORMAT = "dlclassics-checkpoint/1"


@dataclasses.dataclass(frozen=True)
class RunFiles:
    """The paths of one run directory."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.json"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.jsonl"

    @property
    def optimizer(self) -> Path:
        return self.root / "checkpoint" / "optimizer.safetensors"

    @property
    def state(self) -> Path:
        return self.root / "checkpoint" / "state.json"

    def weights(self, which: Literal["model", "best"]) -> Path:
        return self.root / f"{which}.safetensors"

    def sidecar(self, which: Literal["model", "best"]) -> Path:
        return self.root / f"{which}.json"

    def exists(self) -> bool:
        """True if a run already started here."""
        return any(p.exists() for p in (self.config, self.metrics, self.state.parent))


# -- tensors ---------------------------------------------------------------------------------


def save_tensors(path: Path, tensors: Mapping[str, torch.Tensor], metadata: dict[str, str]) -> None:
    """Write ``tensors`` (any device) as safetensors; tensors sharing memory are stored once."""
    stored: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    seen: dict[tuple[Any, ...], str] = {}
    for name, t in tensors.items():
        where = (t.untyped_storage().data_ptr(), t.storage_offset(), t.stride())
        key = (t.device, *where, t.shape, t.dtype)
        if t.numel() and key in seen:  # tied weights, e.g. an embedding shared with the output
            aliases[name] = seen[key]
            continue
        seen[key] = name
        stored[name] = t.detach().to("cpu", copy=True).contiguous()
    meta = {**metadata, "aliases": json.dumps(aliases)}
    write_bytes(path, safetensors.torch.save(stored, metadata=meta))


def load_tensors(path: Path, hint: str) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors (on CPU) and metadata of a file written by :func:`save_tensors`."""
    if not path.is_file():
        raise CheckpointError(f"{path} not found; {hint}")
    try:
        with safetensors.safe_open(str(path), framework="pt", device="cpu") as f:
            metadata = dict(f.metadata() or {})
            tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (not a dict)
        aliases = json.loads(metadata.pop("aliases", "{}"))
    except (safetensors.SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"{path} is corrupt or truncated ({err}); {hint}") from None
    for name, target in aliases.items():
        tensors[name] = tensors[target]
    return tensors, metadata


# -- JSON ------------------------------------------------------------------------------------


def read_json(path: Path, hint: str) -> dict[str, Any]:
    if not path.is_file():
        raise CheckpointError(f"{path} not found; {hint}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path} is not valid JSON ({err}); {hint}") from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path} does not hold a JSON object; {hint}")
    return data


def jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON data: dataclasses → dicts, paths → strings, enums → values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = dataclasses.asdict(obj)
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if isinstance(obj, enum.Enum):
        return jsonable(obj.value)
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    raise TypeError(f"run_config value {obj!r} of type {type(obj).__name__} is not JSON data")


# -- model weights ---------------------------------------------------------------------------


def save_weights(
    files: RunFiles, which: Literal["model", "best"], module: nn.Module, sidecar: dict[str, Any]
) -> None:
    """``<which>.safetensors`` then its sidecar ``<which>.json`` (which records the step)."""
    step = str(sidecar["step"])
    save_tensors(files.weights(which), module.state_dict(), {"step": step, "format": "pt"})
    write_json(files.sidecar(which), {"format": CHECKPOINT_FORMAT, **sidecar})


def read_weights(module: nn.Module, path: Path, hint: str) -> dict[str, str]:
    """Load ``path`` into ``module`` (strict: same names and shapes); return its metadata."""
    tensors, metadata = load_tensors(path, hint)
    expected = module.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    reshaped = [
        f"{k} {tuple(tensors[k].shape)} vs {tuple(v.shape)}"
        for k, v in expected.items()
        if k in tensors and tensors[k].shape != v.shape
    ]
    if missing or unexpected or reshaped:
        problems = "; ".join(
            f"{what}: {', '.join(names[:4])}{' …' if len(names) > 4 else ''}"
            for what, names in (
                ("missing", missing),
                ("unexpected", unexpected),
                ("shape", reshaped),
            )
            if names
        )
        raise CheckpointError(
            f"{path} does not fit this model ({problems}); build the model from the run's "
            "config.json (read_run_config) before loading"
        )
    module.load_state_dict(tensors)
    return metadata


def load_weights(
    module: nn.Module, run_dir: str | Path, which: Literal["best", "last"] = "best"
) -> dict[str, Any]:
    """Load a run's ``best`` or ``last`` weights into ``module``; return the JSON sidecar.

    >>> meta = load_weights(model, "runs/mlp", "best")   # doctest: +SKIP
    >>> meta["step"], meta["metrics"]                    # doctest: +SKIP
    """
    files = RunFiles(Path(run_dir))
    name: Literal["model", "best"] = "best" if which == "best" else "model"
    hint = f"is {files.root} a finished run directory? train it first (or pass which='last')"
    sidecar = read_json(files.sidecar(name), hint)
    metadata = read_weights(module, files.weights(name), hint)
    if metadata.get("step") != str(sidecar.get("step")):
        raise CheckpointError(
            f"{files.weights(name)} (step {metadata.get('step')}) and {files.sidecar(name)} "
            f"(step {sidecar.get('step')}) disagree: the run was killed while saving; "
            "resume it to write both again"
        )
    return sidecar


# -- optimizer -------------------------------------------------------------------------------


def optimizer_to_files(state: dict[str, Any]) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Split ``optimizer.state_dict()`` into tensors (``"<param>.<name>"``) and JSON data."""
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, entry in state["state"].items():
        scalars[str(index)] = {}
        for name, value in entry.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{index}.{name}"] = value
            else:
                scalars[str(index)][name] = value
    return tensors, {"param_groups": state["param_groups"], "state": scalars}


def optimizer_from_files(
    tensors: dict[str, torch.Tensor], data: dict[str, Any], optimizer: torch.optim.Optimizer
) -> dict[str, Any]:
    """Inverse of :func:`optimizer_to_files`; tuples (Adam's betas) come back as tuples."""
    state: dict[int, dict[str, Any]] = {int(i): dict(e) for i, e in data["state"].items()}
    for key, value in tensors.items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    groups = []
    for saved, current in zip(data["param_groups"], optimizer.param_groups, strict=False):
        groups.append(
            {k: tuple(v) if isinstance(current.get(k), tuple) else v for k, v in saved.items()}
        )
    return {"state": state, "param_groups": groups}


# -- run configuration -----------------------------------------------------------------------


def read_run_config(run_dir: str | Path) -> dict[str, Any]:
    """The resolved ``run_config`` a run was started with (``config.json["run"]``)."""
    return _read_config(run_dir)["run"]


def read_trainer_config(run_dir: str | Path) -> TrainerConfig:
    """The :class:`TrainerConfig` a run was last started or resumed with."""
    return TrainerConfig.from_dict(_read_config(run_dir)["trainer"])


def _read_config(run_dir: str | Path) -> dict[str, Any]:
    path = RunFiles(Path(run_dir)).config
    data = read_json(path, f"is {Path(run_dir)} a dlclassics run directory?")
    if data.get("format") != RUN_FORMAT or not {"run", "trainer"} <= data.keys():
        raise CheckpointError(f"{path} is not a {RUN_FORMAT} file; was it written by dlclassics?")
    return data
