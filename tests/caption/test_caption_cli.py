"""`dlc caption train → eval → describe` end to end on a tiny slice of real Fashion-MNIST.

The commands run in-process through ``dlclassics.cli.main`` as the console script does; the
data set comes from the cache (fetched on first use, 31 MB). Quality is the benchmark's job
(``benchmarks/caption.py``); here a few steps check the plumbing and the files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dlclassics.cli import main

TINY = [
    "--images", "300", "--train-scenes", "64", "--val-scenes", "16", "--batch-size", "16",
    "--max-steps", "4", "--eval-every", "4", "--log-every", "2", "--no-progress",
    "--channels", "4", "8", "8", "--d-model", "16", "--embed", "8", "--attn-dim", "8",
    "--d-ff", "16", "--heads", "2", "--layers", "1",
]  # fmt: skip


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("caption") / "run"
    assert main(["caption", "train", *TINY, "--model", "transformer", "--run-dir", str(run)]) == 0
    return run


def test_train_writes_a_run_and_eval_scores_unseen_scenes(
    trained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("best.safetensors", "config.json", "metrics.jsonl", "curves.png"):
        assert (trained / name).is_file(), name
    capsys.readouterr()
    assert (
        main(
            [
                "caption",
                "eval",
                "--run-dir",
                str(trained),
                "--scenes",
                "12",
                "--examples",
                "2",
                "--max-len",
                "8",
            ]
        )
        == 0
    )
    assert "12 test scenes" in capsys.readouterr().out
    result = json.loads((trained / "eval_test.json").read_text())
    assert result["model"] == "transformer" and result["lang"] == "en" and result["split"] == "test"
    assert 0 <= result["exact_match"] <= 1 and 0 <= result["attention_hit"] <= 1
    assert 0 <= result["bleu"] <= 100
    assert result["item_words"] >= 24  # 12 scenes of 2–3 items
    assert sum(result["errors"].values()) == 12 and 0 <= result["item_accuracy"] <= 1
    assert result["errors"].get("correct", 0) == round(12 * result["exact_match"])
    for i in range(2):
        assert (trained / "examples" / f"test-{i}-attention.png").stat().st_size > 2000


def test_describe_captions_a_scene_png_and_draws_its_attention(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "caption",
                "eval",
                "--run-dir",
                str(trained),
                "--scenes",
                "4",
                "--examples",
                "1",
                "--max-len",
                "8",
            ]
        )
        == 0
    )
    scene = trained / "examples" / "test-0.png"
    out = tmp_path / "maps.png"
    capsys.readouterr()
    assert (
        main(
            [
                "caption",
                "describe",
                str(scene),
                "--run-dir",
                str(trained),
                "--out",
                str(out),
                "--max-len",
                "8",
            ]
        )
        == 0
    )
    caption = capsys.readouterr().out.strip()
    assert len(caption.splitlines()) == 1  # an untrained model may say anything, on one line
    assert out.stat().st_size > 2000


def test_a_chinese_run_trains_and_describes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "zh"
    assert main(["caption", "train", *TINY, "--lang", "zh", "--run-dir", str(run)]) == 0
    image = tmp_path / "scene.npy"
    np.save(image, np.zeros((56, 56), dtype=np.uint8))
    capsys.readouterr()
    assert main(["caption", "describe", str(image), "--run-dir", str(run), "--max-len", "8"]) == 0
    assert (tmp_path / "scene-attention.png").is_file()
    assert json.loads((run / "config.json").read_text())["run"]["run"]["lang"] == "zh"


def bad_png(tmp_path: Path) -> Path:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png")
    return path


def wrong_size(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "small.png"
    Image.fromarray(np.zeros((28, 28), dtype=np.uint8)).save(path)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (bad_png, "is not a readable image"),
        (wrong_size, "is 28×28; a scene is 56×56 grayscale"),
        (lambda tmp: tmp / "missing.png", "does not exist"),
    ],
)
def test_bad_images_print_one_line_and_exit_2(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message: str
) -> None:  # type: ignore[no-untyped-def]
    image = make(tmp_path)
    capsys.readouterr()
    assert main(["caption", "describe", str(image), "--run-dir", str(trained)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["caption", "train", "--lang", "fr"], "invalid choice 'fr'"),
        (["caption", "train", "--model", "lstm"], "invalid choice 'lstm'"),
        (["caption", "train", "--images", "5"], "images=5"),
        (["caption", "eval", "--run-dir", "/nonexistent/run"], "/nonexistent/run"),
    ],
)
def test_bad_options_print_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and message in err
