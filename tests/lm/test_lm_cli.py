"""`dlc lm train / eval / sample` end to end on a 300-sentence Brown file, and bad input.

Bad input — an order below 1, an empty corpus, a prompt with unknown words, resuming with
another model type, a run directory of another command — is one ``error:`` line, exit 2.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from safetensors.torch import load_file

from dlclassics.cli import main
from dlclassics.train.checkpoint import RUN_FORMAT

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lm" / "brown300.txt.gz"
TINY = ["--embed", "8", "--hidden", "8", "--bptt", "8", "--batch-size", "4", "--min-count", "2",
        "--eval-every", "4", "--checkpoint-every", "4", "--no-progress"]  # fmt: skip


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lm") / "brown300.txt"
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        path.write_text(f.read(), encoding="utf-8")
    return path


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


@pytest.mark.parametrize("model", ["nnlm", "gru", "rnnme", "transformer"])
def test_train_eval_sample_on_a_text_file(
    model: str, text: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / model
    args = ["lm", "train", "--model", model, "--data", str(text), "--run-dir", str(run)]
    out = ok(capsys, *args, *TINY, "--max-steps", "8", "--context", "16")
    assert "best val perplexity" in out and (run / "vocab.json").is_file()
    out = ok(capsys, "lm", "eval", "--run-dir", str(run))
    match = re.search(r"perplexity ([\d.]+) over (\d+) tokens", out)
    assert match is not None
    lines = text.read_text().splitlines()
    assert int(match[2]) == sum(len(s.split()) + 1 for s in lines[270:])  # words + </s>
    assert 1 < float(match[1]) < 10_000
    assert json.loads((run / "eval_test.json").read_text())["tokens"] == int(match[2])
    first = ok(capsys, "lm", "sample", "--run-dir", str(run), "--prompt", "The jury", "--seed", "3")
    again = ok(capsys, "lm", "sample", "--run-dir", str(run), "--prompt", "The jury", "--seed", "3")
    assert first == again and first.startswith("The jury")


def test_char_level_eval_reports_bits_per_character(
    text: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "char"
    ok(capsys, "lm", "train", "--model", "lstm", "--data", str(text), "--level", "char",
       "--run-dir", str(run), *TINY, "--max-steps", "4")  # fmt: skip
    out = ok(capsys, "lm", "eval", "--run-dir", str(run), "--split", "val")
    assert "bits per character" in out


def test_resume_after_a_pause_ends_with_the_same_weights(
    text: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["lm", "train", "--model", "lstm", "--data", str(text), *TINY, "--max-steps", "8"]
    ok(capsys, *common, "--run-dir", str(tmp_path / "straight"))
    out = ok(capsys, *common, "--run-dir", str(tmp_path / "paused"), "--stop-after", "3")
    paused = tmp_path / "paused"  # step 3: before the first evaluation (every 4 steps)
    assert out.strip().splitlines()[-1] == (
        f"paused at step 3 of 8; continue with: dlc lm train --resume {paused}"
    )
    ok(capsys, "lm", "train", "--resume", str(paused), "--no-progress")
    a = load_file(tmp_path / "straight" / "model.safetensors")
    b = load_file(tmp_path / "paused" / "model.safetensors")
    assert a.keys() == b.keys()
    assert all(a[k].equal(b[k]) for k in a)


def test_bad_input_is_one_error_line(
    text: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "lstm"
    train = ["lm", "train", "--data", str(text), *TINY]
    ok(capsys, *train, "--model", "lstm", "--run-dir", str(run), "--max-steps", "4")

    assert "order=0 must be >= 1" in error(capsys, *train, "--model", "nnlm", "--order", "0",
                                           "--run-dir", str(tmp_path / "o"))  # fmt: skip
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert "empty.txt" in error(capsys, "lm", "train", "--data", str(empty), "--run-dir",
                                str(tmp_path / "e"))  # fmt: skip
    assert "zyzzyva" in error(capsys, "lm", "sample", "--run-dir", str(run), "--prompt",
                              "The zyzzyva")  # fmt: skip
    out = ok(capsys, "lm", "sample", "--run-dir", str(run), "--prompt", "The zyzzyva",
             "--allow-unk", "--max-new-tokens", "3")  # fmt: skip
    assert out.startswith("The <unk>")
    changed = error(capsys, "lm", "train", "--resume", str(run), "--model", "gru",
                    "--max-steps", "8")  # fmt: skip
    assert "holds a run with model='lstm'" in changed
    assert "already holds a run" in error(capsys, *train, "--run-dir", str(run))
    other = tmp_path / "mlp"
    other.mkdir()
    (other / "config.json").write_text(
        json.dumps({"format": RUN_FORMAT, "run": {"command": "mlp train"}, "trainer": {}})
    )
    assert "not a `dlc lm train` run" in error(capsys, "lm", "eval", "--run-dir", str(other))
    assert "not found" in error(capsys, "lm", "eval", "--run-dir", str(tmp_path / "nothing"))
