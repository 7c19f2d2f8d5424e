"""Checkpoint files: round trips without pickle, and one-line errors for damaged files."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from tinytask import make_data, make_task
from torch import nn

from dlclassics.errors import CheckpointError
from dlclassics.train import Trainer, TrainerConfig, load_weights, read_run_config
from dlclassics.train import rng as rng_state
from dlclassics.train.checkpoint import (
    load_tensors,
    optimizer_from_files,
    optimizer_to_files,
    read_trainer_config,
    save_tensors,
)

CONFIG = TrainerConfig(
    max_steps=10, batch_size=32, eval_every=5, checkpoint_every=5, progress=False
)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("runs") / "run"
    Trainer(make_task(), CONFIG, run, train_data=make_data(128), val_data=make_data(40, 1),
            run_config={"model": "tiny", "lr_note": Path("a/b")}).fit()  # fmt: skip
    return run


@pytest.fixture
def run_copy(finished_run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(finished_run, tmp_path / "run"))


def resume(run: Path) -> None:
    config = dataclasses.replace(CONFIG, max_steps=15)
    Trainer(make_task(), config, run, train_data=make_data(128), val_data=make_data(40, 1)).fit(
        resume=True
    )


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("name", ["model.safetensors", "checkpoint/optimizer.safetensors"])
def test_resume_from_a_truncated_safetensors_file_names_it(run_copy: Path, name: str) -> None:
    truncate(run_copy / name)
    with pytest.raises(
        CheckpointError, match=re.escape(f"{run_copy / name} is corrupt or truncated")
    ):
        resume(run_copy)


def test_resume_from_bad_json_names_the_file(run_copy: Path) -> None:
    (run_copy / "checkpoint" / "state.json").write_text('{"step": 10, "rng": [')
    with pytest.raises(CheckpointError, match=r"state\.json is not valid JSON") as err:
        resume(run_copy)
    assert "\n" not in str(err.value)


def test_resume_from_a_state_missing_a_field_names_it(run_copy: Path) -> None:
    state = run_copy / "checkpoint" / "state.json"
    data = json.loads(state.read_text())
    del data["rng"]
    state.write_text(json.dumps(data))
    with pytest.raises(CheckpointError, match=r"state\.json lacks or garbles 'rng'"):
        resume(run_copy)


def test_resume_detects_files_from_different_steps(run_copy: Path, tmp_path: Path) -> None:
    # As if killed while saving: state.json from step 10, weights from a later save.
    meta = json.loads((run_copy / "checkpoint" / "state.json").read_text())
    meta["step"] = 5
    (run_copy / "checkpoint" / "state.json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match=r"is at step 10 but .*state\.json at step 5"):
        resume(run_copy)


def test_load_weights_from_truncated_or_missing_files_raises(run_copy: Path) -> None:
    truncate(run_copy / "best.safetensors")
    with pytest.raises(CheckpointError, match=r"best\.safetensors is corrupt"):
        load_weights(make_task(), run_copy, "best")
    (run_copy / "model.json").unlink()
    with pytest.raises(CheckpointError, match=r"model\.json not found"):
        load_weights(make_task(), run_copy, "last")


def test_load_weights_into_a_different_model_says_what_differs(finished_run: Path) -> None:
    other = nn.Sequential(nn.Linear(8, 16))
    with pytest.raises(CheckpointError, match=r"does not fit this model.*missing: 0\.bias"):
        load_weights(other, finished_run, "best")


def test_run_config_and_trainer_config_read_back(finished_run: Path) -> None:
    assert read_run_config(finished_run) == {"model": "tiny", "lr_note": "a/b"}
    assert read_trainer_config(finished_run) == CONFIG


def test_read_run_config_of_a_non_run_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match=r"config\.json not found"):
        read_run_config(tmp_path)


def test_tied_weights_are_stored_once_and_stay_equal(tmp_path: Path) -> None:
    emb = nn.Embedding(10, 4)
    out = nn.Linear(4, 10, bias=False)
    out.weight = emb.weight  # weight tying, as language models do
    model = nn.ModuleDict({"emb": emb, "out": out})
    save_tensors(tmp_path / "w.safetensors", model.state_dict(), {"step": "1"})
    tensors, metadata = load_tensors(tmp_path / "w.safetensors", "")
    assert metadata["step"] == "1"
    assert torch.equal(tensors["emb.weight"], emb.weight) and torch.equal(
        tensors["out.weight"], emb.weight
    )


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw"])
def test_optimizer_state_round_trips_through_safetensors_and_json(
    tmp_path: Path, name: str
) -> None:
    model = nn.Linear(3, 2)
    kind = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name]
    opt = kind(model.parameters(), lr=0.1, **({"momentum": 0.9} if name == "sgd" else {}))
    for _ in range(3):
        model(torch.randn(5, 3)).square().sum().backward()
        opt.step()
    tensors, data = optimizer_to_files(opt.state_dict())
    save_tensors(tmp_path / "o.safetensors", tensors, {})
    json_text = json.dumps(data)  # must be plain JSON
    fresh = kind(model.parameters(), lr=0.1, **({"momentum": 0.9} if name == "sgd" else {}))
    loaded, _ = load_tensors(tmp_path / "o.safetensors", "")
    fresh.load_state_dict(optimizer_from_files(loaded, json.loads(json_text), fresh))
    a, b = opt.state_dict(), fresh.state_dict()
    assert a["param_groups"] == b["param_groups"]
    for index, entry in a["state"].items():
        for key, value in entry.items():
            assert torch.equal(value, b["state"][index][key]), (index, key)


def test_rng_states_round_trip_through_json() -> None:
    state = json.loads(json.dumps(rng_state.capture(torch.device("cpu"))))
    first = (torch.rand(3), random.random(), np.random.rand(), torch.randn(2))
    rng_state.restore(state, torch.device("cpu"))
    again = (torch.rand(3), random.random(), np.random.rand(), torch.randn(2))
    assert torch.equal(first[0], again[0]) and torch.equal(first[3], again[3])
    assert first[1:3] == again[1:3]
