"""`dlc vectors similar / analogy / eval / plot / export / convert` end to end, through
``dlclassics.cli.main``; bad input (unknown word, truncated or missing vectors) is one
``error:`` line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dlclassics.cli import main
from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.catalog import DATASETS
from dlclassics.embeddings import plot
from dlclassics.embeddings.formats import load_vectors, save_word2vec_format
from dlclassics.embeddings.keyed import KeyedVectors

SETS = Path(__file__).resolve().parents[1] / "fixtures" / "sets"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A run directory whose vectors.bin makes king − man + woman ≈ queen (and 国王 …)."""
    royal, gender, fruit, chinese, sibling = np.eye(5)
    table = {
        "king": royal + gender,
        "queen": royal - gender,
        "man": 0.2 * royal + gender,
        "woman": 0.2 * royal - gender,
        "apple": fruit,
        "boy": 0.1 * royal + gender + 0.3 * fruit,
        "girl": 0.1 * royal - gender + 0.3 * fruit,
        "brother": 0.1 * royal + gender + 0.3 * fruit + 0.5 * sibling,
        "sister": 0.1 * royal - gender + 0.3 * fruit + 0.5 * sibling,
        "国王": royal + gender + chinese,
        "王后": royal - gender + chinese,
        "男人": 0.2 * royal + gender + chinese,
        "女人": 0.2 * royal - gender + chinese,
    }
    kv = KeyedVectors(list(table), np.array(list(table.values()), dtype=np.float32))
    save_word2vec_format(kv, tmp_path / "run" / "vectors.bin")
    return tmp_path / "run"


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line a failing command prints (exit code 2)."""
    capsys.readouterr()
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    return lines[0]


def test_similar_lists_neighbours_by_cosine(
    capsys: pytest.CaptureFixture[str], run_dir: Path
) -> None:
    out = ok(capsys, "vectors", "similar", "king", "--vectors", str(run_dir), "--topn", "2")
    lines = out.splitlines()
    assert lines[0] == "nearest to king by cosine similarity (13 words, dim 5):"
    assert [line.split()[1] for line in lines[1:]] == ["man", "国王"]


def test_analogy_explains_a_minus_b_plus_c(
    capsys: pytest.CaptureFixture[str], run_dir: Path
) -> None:
    out = ok(capsys, "vectors", "analogy", "king", "man", "woman", "--vectors", str(run_dir))
    first = out.splitlines()[0]
    assert first.startswith("king − man + woman ≈ queen (cos 0.9")
    assert "man is to king as woman is to queen" in out
    out = ok(capsys, "vectors", "analogy", "国王", "男人", "女人", "--vectors", str(run_dir))
    assert out.startswith("国王 − 男人 + 女人 ≈ 王后 (cos ")
    out = ok(capsys, "vectors", "analogy", "king", "man", "woman", "--vectors", str(run_dir),
             "--method", "3cosmul", "--topn", "3")  # fmt: skip
    first, _, heading, *rows = out.splitlines()
    assert first.startswith("king − man + woman ≈ ") and "(3CosMul score " in first
    assert heading.startswith("best 3 by 3CosMul") and len(rows) == 3


def test_unknown_word_is_one_line_with_near_spellings(
    capsys: pytest.CaptureFixture[str], run_dir: Path
) -> None:
    line = error(capsys, "vectors", "similar", "kinq", "--vectors", str(run_dir))
    assert line == "error: 'kinq' is not in the vocabulary of 13 words; did you mean: king?"
    line = error(capsys, "vectors", "analogy", "king", "man", "womn", "--vectors", str(run_dir))
    assert "'womn' is not in the vocabulary" in line and "woman" in line


def test_truncated_vectors_file_is_one_line(
    capsys: pytest.CaptureFixture[str], run_dir: Path
) -> None:
    data = (run_dir / "vectors.bin").read_bytes()
    (run_dir / "vectors.bin").write_bytes(data[:-7])
    line = error(capsys, "vectors", "similar", "king", "--vectors", str(run_dir))
    assert "truncated at byte" in line and "after 12 of 13 vectors" in line


def test_missing_vectors_path_says_how_to_make_some(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    line = error(capsys, "vectors", "similar", "king", "--vectors", str(tmp_path / "nope"))
    assert line.startswith(f"error: no vectors at {tmp_path / 'nope'}: train some with")
    assert "--vectors" in line


@pytest.fixture
def evaluation_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    for name in ("analogy-en", "wordsim353", "simlex999", "cilin"):
        out = dataset_dir(name)
        out.mkdir(parents=True)
        DATASETS[name].convert(SETS / name, out)
        (out / MANIFEST).write_text("{}\n", encoding="utf-8")
    return tmp_path / "home"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # constant similarities in a tiny set
def test_eval_prints_and_saves_every_score(
    capsys: pytest.CaptureFixture[str], run_dir: Path, evaluation_home: Path
) -> None:
    out = ok(capsys, "vectors", "eval", "--vectors", str(run_dir))
    assert "analogies (analogy-en, top 30,000 words, 3CosAdd)" in out
    assert "family" in out and "wordsim353: Spearman" in out and "simlex999: Spearman" in out
    saved = json.loads((run_dir / "eval_en.json").read_text("utf-8"))
    assert saved["analogy"]["questions"] == 12
    family = saved["analogy"]["sections"]["family"]  # boy girl brother sister; the rest OOV
    assert family == {"accuracy": 1.0, "correct": 1, "answered": 1, "oov": 3}
    assert set(saved) == {"vectors", "lang", "analogy", "wordsim353", "simlex999"}

    out = ok(capsys, "vectors", "eval", "--lang", "zh", "--vectors", str(run_dir),
             "--out", str(run_dir / "zh.json"))  # fmt: skip
    assert "analogies (analogy-zh" in out and "cilin synonyms: mean rank" in out
    saved = json.loads((run_dir / "zh.json").read_text("utf-8"))
    family = saved["analogy"]["sections"]["family"]
    assert family == {"accuracy": 1.0, "correct": 2, "answered": 2, "oov": 504}


def test_eval_without_the_data_set_says_how_to_fetch_it(
    capsys: pytest.CaptureFixture[str],
    run_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("DLCLASSICS_OFFLINE", "1")  # online, it would fetch the set
    line = error(capsys, "vectors", "eval", "--vectors", str(run_dir))
    assert "dlc data fetch analogy-en" in line


def test_plot_export_and_convert_write_their_files(
    capsys: pytest.CaptureFixture[str],
    run_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no font download from a test: without a CJK font the Chinese labels are boxes, still a PNG
    monkeypatch.setattr(plot, "fetch_cjk_font", lambda: None)
    png = tmp_path / "gender.png"
    out = ok(capsys, "vectors", "plot", "man,king,男人", "woman,queen,女人", "--arrows",
             "--out", str(png), "--vectors", str(run_dir))  # fmt: skip
    assert out.strip() == f"plot: {png}" and png.read_bytes().startswith(b"\x89PNG")
    line = error(
        capsys, "vectors", "plot", "man,kingg", "--out", str(png), "--vectors", str(run_dir)
    )
    assert "'kingg' is not in the vocabulary" in line

    ok(capsys, "vectors", "export", "--out", str(tmp_path / "proj"), "--vectors", str(run_dir))
    assert len((tmp_path / "proj" / "tensors.tsv").read_text("utf-8").splitlines()) == 13

    ok(capsys, "vectors", "convert", str(run_dir), str(tmp_path / "v.txt"))
    ok(capsys, "vectors", "convert", str(tmp_path / "v.txt"), str(tmp_path / "native"))
    back = load_vectors(tmp_path / "native")
    original = load_vectors(run_dir)
    assert back.words == original.words
    np.testing.assert_array_equal(back.vectors, original.vectors)
    line = error(capsys, "vectors", "convert", str(run_dir), str(tmp_path / "v.xyz"))
    assert "cannot tell the format" in line
