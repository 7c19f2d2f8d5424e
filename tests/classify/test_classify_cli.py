"""`dlc classify train / eval / predict` end to end on a user's own label<TAB>text file.

The file is written by the test: 240 short English reviews whose label is carried by one
sentiment word among neutral ones, so a bag of embeddings learns it in a few dozen steps.
The commands run in-process through ``dlclassics.cli.main``, exactly as the console script.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dlclassics.cli import main

ReviewWriter = Callable[[Path, tuple[str, str], int], Path]

SMALL = [
    "--model", "bag", "--pooling", "mean", "--dropout", "0", "--embed", "16", "--batch-size", "16",
    "--eval-every", "20", "--checkpoint-every", "20", "--log-every", "10", "--no-progress",
    "--min-count", "1", "--lr", "0.05",
]  # fmt: skip


@pytest.fixture
def reviews(tmp_path: Path, write_reviews: ReviewWriter) -> Path:
    return write_reviews(tmp_path / "reviews.tsv", ("neg", "pos"), 240)


@pytest.fixture
def trained(reviews: Path, tmp_path: Path) -> Path:
    run = tmp_path / "run"
    args = ["classify", "train", "--data", str(reviews), *SMALL, "--run-dir", str(run)]
    assert main([*args, "--max-steps", "60"]) == 0
    return run


def test_train_eval_predict_learn_a_users_own_file(
    trained: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("best.safetensors", "config.json", "vocab.json", "curves.png"):
        assert (trained / name).is_file(), name
    assert main(["classify", "eval", "--run-dir", str(trained)]) == 0
    result = json.loads((trained / "eval.json").read_text())
    # 192 train lines, 60 steps: test accuracy 0.958-1.0 over seeds 0-4 (chance 0.5)
    assert result["examples"] == 24 and result["labels"] == ["neg", "pos"]
    assert result["accuracy"] >= 0.9
    assert (trained / "confusion.png").stat().st_size > 5_000
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("the book was excellent\nthe phone is broken\n"))
    assert main(["classify", "predict", "--run-dir", str(trained)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert [label for label, _ in rows] == ["pos", "neg"]
    assert all(0.5 < float(p) <= 1.0 for _, p in rows)


def test_predict_reads_a_file_too(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("superb and lovely\nawful\nterrible delivery\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["classify", "predict", "--run-dir", str(trained), "--input", str(texts)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in out] == ["pos", "neg", "neg"]


@pytest.mark.parametrize("stop_after", [10, 30])  # before the first evaluation, and after one
def test_pause_and_resume_equals_the_uninterrupted_run_bit_for_bit(
    reviews: Path, tmp_path: Path, stop_after: int
) -> None:
    base = ["classify", "train", "--data", str(reviews), *SMALL, "--max-steps", "40"]
    base += ["--model", "lstm", "--hidden", "8", "--pooling", "attention", "--dropout", "0.2"]
    straight, paused = tmp_path / "straight", tmp_path / "paused"
    assert main([*base, "--run-dir", str(straight)]) == 0
    assert main([*base, "--run-dir", str(paused), "--stop-after", str(stop_after)]) == 0
    assert main(["classify", "train", "--resume", str(paused)]) == 0
    for file in ("model.safetensors", "best.safetensors"):
        a, b = load_file(str(straight / file)), load_file(str(paused / file))
        assert a.keys() == b.keys()
        for name in a:
            assert torch.equal(a[name], b[name]), (file, name)


def run_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    return err


def test_an_empty_line_to_predict_is_one_error_line(
    trained: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("good\n\nbad\n"))
    err = run_error(["classify", "predict", "--run-dir", str(trained)], capsys)
    assert "stdin, line 2 is empty" in err


def test_data_with_other_labels_than_the_run_is_one_error_line(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], write_reviews: ReviewWriter
) -> None:
    other = write_reviews(tmp_path / "other.tsv", ("ham", "spam"), 40)
    err = run_error(["classify", "eval", "--run-dir", str(trained), "--data", str(other)], capsys)
    assert "unknown label 'ham'" in err and "neg, pos" in err
    # a registered set with another label set is refused before any data is read
    err = run_error(["classify", "eval", "--run-dir", str(trained), "--data", "spam"], capsys)
    assert "trained on labels neg, pos but spam has labels ham, spam" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("pos\tgood one\n\nneg\tbad one\n", "line 2 is empty"),
        ("pos good one\n", "line 1 is not label<TAB>text"),
        ("pos\tgood\n" * 5 + "neg\tbad\n", "'neg' (1) occur fewer than 3 times"),
    ],
)
def test_a_bad_data_file_is_one_error_line(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "bad.tsv"
    data.write_text(content, encoding="utf-8")
    argv = ["classify", "train", "--data", str(data), "--run-dir", str(tmp_path / "r")]
    assert message in run_error(argv, capsys)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["classify", "train", "--data", "nope"], "neither a labelled data set"),
        (["classify", "train", "--model", "cnn"], "invalid choice 'cnn'"),
        (["classify", "train", "--train-fraction", "0"], "train_fraction=0.0"),
        (["classify", "train", "--freeze"], "--freeze keeps pretrained vectors fixed"),
        (["classify", "eval", "--run-dir", "/nonexistent/run"], "/nonexistent/run"),
        (["classify", "predict", "--run-dir", "/nonexistent/run"], "/nonexistent/run"),
    ],
)
def test_bad_options_are_one_error_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in run_error(argv, capsys)
