"""`dlc ocr render / train / eval / read` end to end on rendered lines of real text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dlclassics.cli import main

TINY = [
    "--train-lines", "120", "--val-lines", "16", "--channels", "8", "8", "8", "8", "8",
    "--hidden", "16", "--batch-size", "8", "--eval-every", "10", "--checkpoint-every", "10",
    "--log-every", "5", "--warmup-steps", "0", "--no-progress",
]  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("ocr") / "run"
    assert main(["ocr", "train", *TINY, "--run-dir", str(run), "--max-steps", "20"]) == 0
    return run


def test_train_writes_weights_charset_and_validation_cer(run: Path) -> None:
    for name in ("model.safetensors", "best.safetensors", "charset.json", "curves.png"):
        assert (run / name).is_file(), name
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert any(r["split"] == "val" and 0 <= r["metrics"]["val_cer"] <= 1.5 for r in rows)


def test_eval_reports_cer_wer_and_speed_on_test_lines(run: Path) -> None:
    assert main(["ocr", "eval", "--run-dir", str(run), "--lines", "6", "--decoder", "beam"]) == 0
    result = json.loads((run / "eval-clean-beam.json").read_text())
    assert result["lines"] == 6 and result["cer"] >= 0 and result["lines_per_sec"] > 0
    assert result["unknown_chars"] == 0  # English test lines are printable ASCII


def test_render_then_read_prints_text_and_draws_the_alignment(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lines"
    assert (
        main(["ocr", "render", "--count", "2", "--train-lines", "120", "--out-dir", str(out)]) == 0
    )
    labels = (out / "labels.tsv").read_text().splitlines()
    assert len(labels) == 2 and labels[0].startswith("line-0000.png\t")
    capsys.readouterr()
    plot = tmp_path / "align.png"
    image = out / "line-0000.png"
    assert main(["ocr", "read", str(image), "--run-dir", str(run), "--plot", str(plot)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and printed[0].startswith(f"{image}\t")
    assert plot.stat().st_size > 5_000


def test_pausing_and_resuming_equals_the_uninterrupted_run(run: Path, tmp_path: Path) -> None:
    paused = tmp_path / "paused"
    args = ["ocr", "train", *TINY, "--run-dir", str(paused), "--max-steps", "20"]
    assert main([*args, "--stop-after", "7"]) == 0
    assert main(["ocr", "train", "--resume", str(paused)]) == 0
    a, b = load_file(str(run / "model.safetensors")), load_file(str(paused / "model.safetensors"))
    for name in a:  # same lines, same augmentation draws, same dropout and Adam state
        assert torch.equal(a[name], b[name]), name


def bad_files(tmp_path: Path) -> dict[str, Path]:
    from PIL import Image

    square = tmp_path / "square.png"
    Image.new("L", (64, 64), 255).save(square)
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\nnot really an image")
    return {"square": square, "corrupt": corrupt, "missing": tmp_path / "nope.png"}


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("square", "not a text line"),
        ("corrupt", "not a readable image"),
        ("missing", "no such image file"),
    ],
)
def test_bad_images_print_one_line_and_exit_2(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str, message: str
) -> None:
    path = bad_files(tmp_path)[which]
    capsys.readouterr()
    assert main(["ocr", "read", str(path), "--run-dir", str(run)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and message in err, err


def test_bad_options_print_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ocr", "train", "--augment", "1.5"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "augment=1.5" in err
