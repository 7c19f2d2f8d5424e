"""Two processes under torchrun (gloo, CPU) end where one process ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from trainer_ddp_child import main

from dlclassics.train import read_metrics

HERE = Path(__file__).parent


def test_two_process_ddp_matches_one_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"WORLD_SIZE", "RANK", "LOCAL_RANK"}}
    env |= {"OMP_NUM_THREADS": "1", "PYTHONPATH": str(HERE)}
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    command = [*torchrun, str(HERE / "trainer_ddp_child.py"), str(tmp_path / "ddp")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    main(tmp_path / "one")

    ddp = load_file(tmp_path / "ddp" / "model.safetensors")
    one = load_file(tmp_path / "one" / "model.safetensors")
    # Same maths, different float32 summation order (two means of 16 averaged by all-reduce vs
    # one mean of 32), so not bit-identical: rounding differences near 1e-8 per step, which
    # Adam's 1/√v can amplify. Observed max |Δ| = 6e-8 after 30 steps; 1e-5 leaves 100x room
    # yet catches real bugs (both ranks taking the same slice of each batch: |Δ| = 9e-2).
    for name, weight in one.items():
        torch.testing.assert_close(ddp[name], weight, atol=1e-5, rtol=0)

    ddp_rows, one_rows = (read_metrics(tmp_path / d / "metrics.jsonl") for d in ("ddp", "one"))
    assert [(r["step"], r["split"]) for r in ddp_rows] == [
        (r["step"], r["split"]) for r in one_rows
    ]
    for a, b in zip(ddp_rows, one_rows, strict=True):
        for key, value in b["metrics"].items():  # val: n-weighted over 51 + 50 examples
            assert a["metrics"][key] == pytest.approx(value, abs=1e-5), key
    state = json.loads((tmp_path / "ddp" / "checkpoint" / "state.json").read_text())
    assert state["world_size"] == 2 and len(state["rng"]) == 2
