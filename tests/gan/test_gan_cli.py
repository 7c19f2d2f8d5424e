"""`dlc gan train / sample / eval` end to end: the ring, and real digits (500 MNIST images).

Commands run in-process through ``dlclassics.cli.main``, as the console script does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dlclassics.cli import main

RING = [
    "--data", "8-gaussians", "--model", "mlp-gan", "--hidden", "32", "--latent", "8",
    "--size", "4096", "--batch-size", "64", "--log-every", "10", "--sample-every", "20",
    "--checkpoint-every", "10", "--no-progress",
]  # fmt: skip
DIGITS = [
    "--data", "mnist-5k", "--latent", "16", "--width", "8", "--batch-size", "32",
    "--log-every", "5", "--sample-every", "10", "--checkpoint-every", "5", "--no-progress",
]  # fmt: skip


def weights(run_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(str(run_dir / "model.safetensors"))


def test_ring_run_writes_its_files_samples_and_mode_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "ring"
    assert main(["gan", "train", *RING, "--run-dir", str(run), "--max-steps", "40"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("trained 40 steps") and f"next: dlc gan eval --run-dir {run}" in last
    for name in ("config.json", "metrics.jsonl", "model.safetensors", "curves.png",
                 "samples/step-000020.png", "samples/step-000040.png"):  # fmt: skip
        assert (run / name).is_file(), name
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [10, 20, 30, 40]
    assert {"d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm"} <= rows[-1]["metrics"].keys()
    assert main(["gan", "sample", "--run-dir", str(run), "--n", "500"]) == 0
    assert (run / "sample.png").stat().st_size > 5_000
    assert main(["gan", "eval", "--run-dir", str(run), "--n", "1000"]) == 0
    result = json.loads((run / "eval.json").read_text())
    assert 0 <= result["modes_covered"] <= 8 and 0 <= result["high_quality"] <= 1
    assert len(result["mode_shares"]) == 8


@pytest.mark.parametrize("stop_after", [10, 25])  # at a checkpoint, and between two
def test_pause_prints_the_resume_command_and_resuming_equals_the_uninterrupted_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stop_after: int
) -> None:
    straight, paused = tmp_path / "straight", tmp_path / "paused"
    decay = ["--lr-decay", "linear"]  # the step size follows the step, also after a resume
    args = ["gan", "train", *RING, *decay, "--run-dir", str(straight), "--max-steps", "40"]
    assert main(args) == 0
    capsys.readouterr()
    args = ["gan", "train", *RING, *decay, "--run-dir", str(paused), "--max-steps", "40"]
    assert main([*args, "--stop-after", str(stop_after)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    expected = f"paused at step {stop_after} of 40; continue with: dlc gan train --resume {paused}"
    assert last == expected
    assert main(["gan", "train", "--resume", str(paused)]) == 0
    a, b = weights(straight), weights(paused)
    assert a.keys() == b.keys() and any(k.startswith("g.") for k in a)
    for name in a:  # data order, noise and both Adam states followed the same path
        assert torch.equal(a[name], b[name]), name
    assert _logged(straight) == _logged(paused)


def test_averaged_generator_is_saved_and_a_resumed_run_averages_the_same_bits(
    mnist500_home: Path, tmp_path: Path
) -> None:
    straight, paused = tmp_path / "straight", tmp_path / "paused"
    args = ["gan", "train", *DIGITS, "--ema-decay", "0.9", "--max-steps", "20"]
    assert main([*args, "--run-dir", str(straight)]) == 0
    assert main([*args, "--run-dir", str(paused), "--stop-after", "7"]) == 0  # between saves
    assert main(["gan", "train", "--resume", str(paused)]) == 0
    a, b = weights(straight), weights(paused)
    assert a.keys() == b.keys() and {k.split(".")[0] for k in a} == {"g", "d", "g_ema"}
    for name in a:
        assert torch.equal(a[name], b[name]), name
    # Ḡ lags G: its weights are an average of the iterates, not the last one
    assert not torch.equal(a["g_ema.body.0.weight"], a["g.body.0.weight"])
    pictures = {}
    for which in ("ema", "g"):  # --weights picks the generator that draws
        out = tmp_path / f"{which}.png"
        argv = ["gan", "sample", "--run-dir", str(straight), "--n", "16", "--out", str(out)]
        assert main([*argv, "--weights", which]) == 0
        pictures[which] = out.read_bytes()
    assert main(["gan", "sample", "--run-dir", str(straight), "--n", "16"]) == 0
    assert (straight / "sample.png").read_bytes() == pictures["ema"] != pictures["g"]


@pytest.fixture(scope="module")
def plain_ring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10-step unconditional ring run without --ema-decay (for the refusals below)."""
    run = tmp_path_factory.mktemp("gan") / "ring"
    assert main(["gan", "train", *RING, "--run-dir", str(run), "--max-steps", "10"]) == 0
    return run


def test_weights_ema_of_a_run_without_an_average_is_one_error_line(
    plain_ring: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["gan", "sample", "--run-dir", str(plain_ring), "--weights", "ema"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "trained without --ema-decay" in err, err


def _logged(run: Path) -> list[tuple[int, dict[str, float]]]:
    """(step, metrics) of every metrics.jsonl row; the seconds differ between runs."""
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [(r["step"], r["metrics"]) for r in rows]


def test_dcgan_on_digits_samples_a_grid_and_the_conditional_model_one_class(
    mnist500_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for model in ("dcgan", "cdcgan"):
        run = tmp_path / model
        assert main(["gan", "train", *DIGITS, "--model", model, "--run-dir", str(run),
                     "--max-steps", "10"]) == 0  # fmt: skip
        assert (run / "samples" / "step-000010.png").is_file()
        assert main(["gan", "sample", "--run-dir", str(run), "--n", "64"]) == 0
        assert (run / "sample.png").stat().st_size > 2_000
    judge = tmp_path / "judge"
    assert main(["gan", "eval", "--run-dir", str(tmp_path / "dcgan"), "--n", "200",
                 "--judge-dir", str(judge)]) == 0  # fmt: skip
    result = json.loads((tmp_path / "dcgan" / "eval.json").read_text())
    # 10 steps of training draw blobs: far from real digits, whose held-out floor is lower
    assert result["fid_samples"] == 100  # the held-out val + test digits of the fixture
    assert result["fid_own"] > result["fid_own_real_floor"] >= 0
    assert 1 <= result["classifier_score"] <= 10 and 1 <= result["classifier_score_real"] <= 10
    assert 0 <= result["class_share_min"] <= 0.1 <= result["class_share_max"] <= 1
    assert 0 <= result["judge_accuracy_real"] <= 1  # the judge on the held-out digits
    assert (judge / "best.safetensors").is_file()  # trained once, then reused:
    assert main(["gan", "eval", "--run-dir", str(tmp_path / "cdcgan"), "--n", "200",
                 "--judge-dir", str(judge)]) == 0  # fmt: skip
    out = tmp_path / "sevens.png"
    cdcgan = str(tmp_path / "cdcgan")
    assert main(["gan", "sample", "--run-dir", cdcgan, "--n", "16", "--class", "7",
                 "--out", str(out)]) == 0  # fmt: skip
    assert out.is_file()
    # a judge trained for another number of epochs (an older one) is refused, not reused
    config = json.loads((judge / "config.json").read_text())
    config["run"]["run"]["epochs"] = 3
    (judge / "config.json").write_text(json.dumps(config))
    capsys.readouterr()
    assert main(["gan", "eval", "--run-dir", cdcgan, "--n", "200",
                 "--judge-dir", str(judge)]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "trained 3 epochs, not the current" in err, err


def _mlp_run(tmp_path: Path) -> Path:
    run = tmp_path / "mlp"
    argv = ["mlp", "train", "--data", "mnist-5k", "--hidden", "8", "--batch-size", "32",
            "--max-steps", "2", "--eval-every", "2", "--no-progress",
            "--run-dir", str(run)]  # fmt: skip
    assert main(argv) == 0
    return run


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["gan", "sample", "--n", "0"], "n=0 must be between 1 and 10000"),
        (["gan", "sample", "--n", "many"], "--n"),
        (["gan", "eval", "--n", "5"], "n=5 is too few"),
        (["gan", "train", "--data", "cifar-10"], "invalid choice 'cifar-10'"),
        (["gan", "train", "--data", "8-gaussians", "--model", "dcgan"], "use --model mlp-gan"),
        (["gan", "train", "--model", "cdcgan", "--pack", "2"], "cannot pack"),
        (["gan", "train", "--max-steps", "0"], "max_steps=0"),
        (["gan", "sample", "--run-dir", "/nonexistent/run"], "/nonexistent/run"),
        (["gan", "train", "--resume", "/nonexistent/run"], "/nonexistent/run"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and message in err, err


def test_a_run_directory_of_another_family_is_one_clear_error_line(
    mnist500_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _mlp_run(tmp_path)
    capsys.readouterr()
    for command in (["sample", "--n", "4"], ["eval"]):
        assert main(["gan", *command, "--run-dir", str(run)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert "holds a `dlc mlp train` run, not a `dlc gan train` run" in err
    assert main(["gan", "train", "--resume", str(run)]) == 2
    assert "not a `dlc gan train` run" in capsys.readouterr().err


def test_class_on_an_unconditional_model_is_refused(
    plain_ring: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["gan", "sample", "--run-dir", str(plain_ring), "--class", "3"]) == 2
    assert "not class-conditional" in capsys.readouterr().err


def test_a_checkpoint_written_before_ema_decay_and_real_label_existed_still_resumes(
    tmp_path: Path,
) -> None:
    run = tmp_path / "ring"
    args = ["gan", "train", *RING, "--run-dir", str(run), "--max-steps", "20"]
    assert main([*args, "--stop-after", "10"]) == 0
    for path, keys in ((run / "checkpoint" / "state.json", ["trainer"]),
                       (run / "config.json", ["trainer"]),
                       (run / "config.json", ["run", "run", "trainer"])):  # fmt: skip
        saved = json.loads(path.read_text())
        trainer = saved
        for key in keys:
            trainer = trainer[key]
        del trainer["ema_decay"], trainer["real_label"]  # as an older version wrote them
        path.write_text(json.dumps(saved))
    assert main(["gan", "train", "--resume", str(run)]) == 0
    assert json.loads((run / "checkpoint" / "state.json").read_text())["step"] == 20
