"""`dlc ngram build / perplexity / generate` end to end, through ``dlclassics.cli.main``.

Perplexity printed by the CLI must equal kenlm's ``Model.perplexity`` summed over the same
sentences (the SRILM/kenlm convention: </s> counted, <s> not). Bad input — an order below 1,
an empty corpus, a malformed or truncated ARPA file — is one ``error:`` line and exit 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlclassics.cli import main
from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.catalog import DATASETS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TRAIN = """the cat sat on the mat
the dog sat on the log
a cat saw a dog
the mat was red
"""
TEST = "the cat sat on the log\na red dog saw the zebra\n"


@pytest.fixture
def texts(tmp_path: Path) -> tuple[Path, Path]:
    train, test = tmp_path / "train.txt", tmp_path / "test.txt"
    train.write_text(TRAIN, encoding="utf-8")
    test.write_text(TEST, encoding="utf-8")
    return train, test


@pytest.fixture
def brown_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$DLCLASSICS_HOME`` with ``brown`` converted from its 18-sentence fixture (all train)."""
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    out = dataset_dir("brown")
    out.mkdir(parents=True)
    DATASETS["brown"].convert(FIXTURES / "sets" / "brown", out)
    (out / MANIFEST).write_text("{}\n", encoding="utf-8")
    return tmp_path / "home"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_build_perplexity_generate_on_a_file(
    texts: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = texts
    arpa = tmp_path / "lm.arpa"
    out = run(capsys, "ngram", "build", "--order", "3", "--text", str(train), "--arpa", str(arpa))
    assert "3-gram mkn model" in out and "4 sentences" in out and arpa.is_file()
    out = run(capsys, "ngram", "perplexity", "--arpa", str(arpa), "--text", str(test))
    ppl = float(re.match(r"perplexity ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    assert "14 tokens" in out and "1 out-of-vocabulary" in out  # 12 words + 2 </s>; zebra

    kenlm = pytest.importorskip("kenlm")
    model = kenlm.Model(str(arpa))
    log10 = sum(model.score(line) for line in TEST.splitlines())
    assert ppl == pytest.approx(10 ** (-log10 / 14), abs=0.01)

    first = run(capsys, "ngram", "generate", "--arpa", str(arpa), "--seed", "3", "--sentences", "4")
    again = run(capsys, "ngram", "generate", "--arpa", str(arpa), "--seed", "3", "--sentences", "4")
    assert first == again and len(first.splitlines()) == 4
    vocabulary = set(TRAIN.split()) | {"<unk>"}
    assert set(first.split()) <= vocabulary


@pytest.mark.parametrize("smoothing", ["mle", "addk", "katz", "absolute", "kn", "mkn"])
def test_every_smoothing_builds_from_the_command_line(
    smoothing: str, texts: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, _ = texts
    arpa = tmp_path / f"{smoothing}.arpa"
    argv = ["--text", str(train), "--arpa", str(arpa), "--smoothing", smoothing, "--k", "0.5"]
    run(capsys, "ngram", "build", *argv)
    out = run(capsys, "ngram", "perplexity", "--arpa", str(arpa), "--text", str(train))
    assert float(out.split()[1]) < 10  # the training text itself


def test_interp_tunes_on_the_valid_file(
    texts: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = texts
    arpa = tmp_path / "interp.arpa"
    argv = ["ngram", "build", "--text", str(train), "--arpa", str(arpa), "--smoothing", "interp"]
    run(capsys, *argv, "--valid", str(test))
    assert arpa.is_file()


def test_a_registered_corpus_name_is_read_from_the_cache(
    brown_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arpa = tmp_path / "brown.arpa"
    out = run(capsys, "ngram", "build", "--text", "brown", "--arpa", str(arpa), "--order", "2")
    assert "model of brown:train: 18 sentences" in out
    out = run(capsys, "ngram", "perplexity", "--arpa", str(arpa), "--text", "brown:train")
    assert "18 sentences" in out and "0 out-of-vocabulary" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--order", "0"], "--order 0 must be ≥ 1"),
        (["build", "--k", "0", "--smoothing", "addk"], "k=0.0 must be > 0"),
        (["build", "--text", "EMPTY"], "is empty"),
        (["build", "--text", "nope:train"], "neither a file nor a corpus"),
        (["build", "--text", "brown:dev"], "has no split 'dev'"),
        (["build", "--text", "RESERVED"], "line 2: token '</s>' is reserved"),
        (["build", "--smoothing", "interp"], "pass --valid FILE"),
        (["build", "--smoothing", "good-turing"], "invalid choice"),
        (["perplexity", "--arpa", "MISSING"], "does not exist"),
        (["generate", "--arpa", "NOTARPA"], "line 1: no \\data\\ header"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(
    argv: list[str],
    message: str,
    texts: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    train, _ = texts
    (tmp_path / "empty.txt").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "reserved.txt").write_text("a b\nc </s> d\n", encoding="utf-8")
    (tmp_path / "not.arpa").write_text("hello\nworld\n", encoding="utf-8")
    paths = {
        "EMPTY": tmp_path / "empty.txt",
        "RESERVED": tmp_path / "reserved.txt",
        "MISSING": tmp_path / "missing.arpa",
        "NOTARPA": tmp_path / "not.arpa",
    }
    args = [str(paths.get(a, a)) for a in argv]
    if args[0] == "build":
        if "--text" not in args:
            args += ["--text", str(train)]
        args += ["--arpa", str(tmp_path / "out.arpa")]
    if args[0] == "perplexity":
        args += ["--text", str(train)]
    assert main(["ngram", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and message in err, err


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_arpa_names_the_line_after_the_last(
    keep: float, texts: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train, test = texts
    arpa = tmp_path / "lm.arpa"
    run(capsys, "ngram", "build", "--text", str(train), "--arpa", str(arpa))
    lines = arpa.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = int(len(lines) * keep)
    arpa.write_text("".join(lines[:cut]), encoding="utf-8")
    assert main(["ngram", "perplexity", "--arpa", str(arpa), "--text", str(test)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"line {cut + 1}:" in err and "truncated" in err, err
