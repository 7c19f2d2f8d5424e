"""`dlc poem` end to end: a char LM trained for a few steps on five quatrains, then poems.

The quatrains are centuries old (public domain), written inline; a few steps of training
cannot make the model good — the form comes from the constrained decoding, which is the point.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.cli import main
from dlclassics.lm.constrained import FORMS, well_formed

QUATRAINS = [
    "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。",
    "春眠不覺曉，處處聞啼鳥。夜來風雨聲，花落知多少。",
    "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。",
    "千山鳥飛絕，萬徑人蹤滅。孤舟蓑笠翁，獨釣寒江雪。",
    "朝辭白帝彩雲間，千里江陵一日還。兩岸猿聲啼不住，輕舟已過萬重山。",
]
TINY = ["--level", "char", "--model", "gru", "--embed", "8", "--hidden", "8", "--bptt", "8",
        "--batch-size", "4", "--max-steps", "3", "--eval-every", "3", "--softmax", "full",
        "--no-progress"]  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("poem")
    text = root / "poems.txt"
    text.write_text("\n".join(QUATRAINS * 4) + "\n", encoding="utf-8")  # 80/10/10 by line
    run_dir = root / "run"
    assert main(["lm", "train", "--data", str(text), *TINY, "--run-dir", str(run_dir)]) == 0
    return run_dir


@pytest.mark.parametrize("form", sorted(FORMS))
def test_poems_print_as_well_formed_lines(
    run: Path, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["poem", "--run-dir", str(run), "--form", form, "--n", "3", "--seed", "1"]) == 0
    poems = capsys.readouterr().out.strip().split("\n\n")
    assert len(poems) == 3
    for poem in poems:
        lines = poem.splitlines()
        assert len(lines) == 4
        assert well_formed("".join(lines), FORMS[form]), poem


def test_acrostic_heads_begin_the_lines(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["poem", "--run-dir", str(run), "--form", "7x4", "--acrostic", "山月江花"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "".join(line[0] for line in lines) == "山月江花"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--acrostic", "山月江"], "has 3 characters; a 5x4 poem has 4 lines"),
        (["--acrostic", "山月江花雪"], "has 5 characters"),
        (["--acrostic", "春夏秋冬"], "'夏秋冬' not in the model's vocabulary"),
        (["--acrostic", "山月,花"], "',' is not a Chinese character"),
        (["--form", "6x4"], "invalid choice '6x4'"),
        (["--n", "0"], "n=0 must be >= 1"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(
    run: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["poem", "--run-dir", str(run), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and message in err, err


def test_a_word_level_run_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "words.txt"
    text.write_text("\n".join(["the cat sat on the mat"] * 30) + "\n", encoding="utf-8")
    run_dir = tmp_path / "words"
    args = ["--embed", "8", "--hidden", "8", "--bptt", "4", "--batch-size", "2", "--max-steps", "1",
            "--min-count", "1", "--softmax", "full", "--no-progress"]  # fmt: skip
    assert main(["lm", "train", "--data", str(text), *args, "--run-dir", str(run_dir)]) == 0
    capsys.readouterr()
    assert main(["poem", "--run-dir", str(run_dir)]) == 2
    assert "character-level run" in capsys.readouterr().err
