"""`dlc tag train / eval / predict` end to end on 300 real Brown sentences, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from dlclassics.cli import main


def write_conll(path: Path, sentences: list[tuple[list[str], list[str]]]) -> Path:
    lines = []
    for tokens, tags in sentences:
        lines += [f"{w}\t{t}" for w, t in zip(tokens, tags, strict=True)] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


SMALL = [
    "--batch-size", "16", "--eval-every", "20", "--checkpoint-every", "20", "--log-every", "10",
    "--hidden", "32", "--word-dim", "32", "--no-progress",
]  # fmt: skip


@pytest.mark.parametrize("model", ["memm", "bilstm-crf"])  # the other two: test_models.py
def test_every_model_trains_evaluates_and_predicts_through_the_cli(
    brown_small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str
) -> None:
    run = tmp_path / model
    argv = ["tag", "train", "--data", str(brown_small), "--run-dir", str(run), *SMALL]
    assert main([*argv, "--model", model, "--max-steps", "40", "--lr", "0.01"]) == 0
    assert main(["tag", "eval", "--run-dir", str(run)]) == 0
    result = json.loads((run / "eval.json").read_text())
    # 240 training sentences, 40 steps of 16: both pass 0.6 (seed 0: memm 0.80, bilstm-crf
    # 0.72; tagging every token NOUN scores 0.30)
    assert result["metric"] == "accuracy" and result["tokens"] > 500
    assert result["value"] >= 0.6
    sentence = tmp_path / "in.txt"
    sentence.write_text("The man saw the dog .\n\nIt was good .\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["tag", "predict", "--run-dir", str(run), "--input", str(sentence)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("The/") and len(lines[0].split()) == 6 and lines[1] == ""
    assert lines[0].split()[0] == "The/DET"


def test_pause_and_resume_equal_an_uninterrupted_run_bit_for_bit(
    brown_small: Path, tmp_path: Path
) -> None:
    straight, paused = tmp_path / "straight", tmp_path / "paused"
    base = ["tag", "train", "--data", str(brown_small), *SMALL, "--max-steps", "30"]
    assert main([*base, "--run-dir", str(straight)]) == 0
    assert main([*base, "--run-dir", str(paused), "--stop-after", "15"]) == 0
    assert main(["tag", "train", "--resume", str(paused)]) == 0
    for name in ("model.safetensors", "best.safetensors"):
        a, b = load_file(str(straight / name)), load_file(str(paused / name))
        assert a.keys() == b.keys()
        for key in a:  # dropout, data order and Adam state followed the same path
            assert torch.equal(a[key], b[key]), (name, key)


def test_segmentation_run_predicts_words_from_raw_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = [["人民", "日报", "社论"], ["我们", "爱", "人民"], ["日报", "的", "社论"]] * 20
    data = write_conll(
        tmp_path / "seg.conll",
        [
            (list("".join(w)), [t for x in w for t in (["S"] if len(x) == 1 else ["B", "E"])])
            for w in words
        ],
    )
    run = tmp_path / "seg"
    argv = ["tag", "train", "--data", str(data), "--run-dir", str(run), *SMALL, "--max-steps", "60"]
    assert main([*argv, "--lr", "0.01"]) == 0
    assert main(["tag", "eval", "--run-dir", str(run)]) == 0
    assert json.loads((run / "eval.json").read_text())["scheme"] == "bmes"
    # the run selects its checkpoint by word F1 over the whole val set: the trainer's val_f1
    # of the best step is the SIGHAN scorer's F1 on the same split
    best = json.loads((run / "best.json").read_text())
    assert best["metric"] == "val_score"
    assert best["metrics"]["val_score"] == best["metrics"]["val_f1"]
    assert main(["tag", "eval", "--run-dir", str(run), "--split", "val"]) == 0
    val = json.loads((run / "eval.json").read_text())
    assert val["metric"] == "f1" and val["value"] == pytest.approx(best["metrics"]["val_f1"])
    text = tmp_path / "raw.txt"
    text.write_text("人民日报社论\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["tag", "predict", "--run-dir", str(run), "--input", str(text)]) == 0
    assert capsys.readouterr().out.strip() == "人民 日报 社论"


@pytest.fixture(scope="module")
def trained(brown_small: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("runs") / "run"
    argv = ["tag", "train", "--data", str(brown_small), "--run-dir", str(run), *SMALL]
    assert main([*argv, "--model", "bilstm", "--max-steps", "5"]) == 0
    return run


def bad_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / f"bad{len(list(tmp_path.iterdir()))}.conll"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bad_input_is_one_error_line_with_exit_code_2(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        # a token left without its tag (a line that is not token<TAB>tag)
        (
            ["tag", "train", "--data", bad_file(tmp_path, "The\tDET\ncat\n\nA\tDET\n")],
            "line 2: expected 'token<TAB>tag'",
        ),
        # a tag with nothing before it
        (["tag", "train", "--data", bad_file(tmp_path, "\tDET\n")], "line 1: expected"),
        # a tag the run has never seen
        (
            [
                "tag",
                "eval",
                "--run-dir",
                str(trained),
                "--data",
                bad_file(tmp_path, "a\tDET\n\nb\tNOUN\n\nc\tVERBISH\n\nd\tDET\n"),
            ],
            "unknown tag(s) 'VERBISH'",
        ),
        # data with another tag set than the run's
        (
            ["tag", "eval", "--run-dir", str(trained), "--data", "peoples-daily-seg"],
            "tag set mismatch",
        ),
        (["tag", "train", "--data", "penn-treebank"], "neither a file nor a tagging data set"),
        (["tag", "train", "--model", "hmm"], "invalid choice"),
        (["tag", "eval", "--run-dir", str(tmp_path / "none")], str(tmp_path / "none")),
    ]
    for argv, message in cases:
        capsys.readouterr()
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert message in err, (argv, err)
        assert len(err.splitlines()) == 1, err
