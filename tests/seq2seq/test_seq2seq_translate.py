"""`dlc translate`: arguments, --file and stdin, batching, and the documented odd inputs."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
import torch
from seq2seq_decoding_runs import foreign_run, toy_run

from dlclassics.cli import main
from dlclassics.data.vocab import Vocab
from dlclassics.seq2seq.search import Hypothesis
from dlclassics.seq2seq.translate import Translator


@pytest.fixture
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_run(tmp_path_factory)


def translate(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    capsys.readouterr()
    code = main(["translate", "--device", "cpu", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_every_input_line_gives_one_output_line_and_blank_lines_stay_blank(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = translate(
        ["--run-dir", str(run), "The man sees.", "", "A cat loves the dog."], capsys
    )
    assert code == 0
    assert len(out) == 3 and out[1] == "" and out[0] and out[2]


def test_a_batched_file_translates_like_one_line_at_a_time(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["The man sees.", "A cat loves the dog the man sees.", "Dog.", "The woman loves a cat."]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, batched, _ = translate(
        ["--run-dir", str(run), "--file", str(path), "--batch-size", "3"], capsys
    )
    assert code == 0
    one_by_one = [translate(["--run-dir", str(run), line], capsys)[1][0] for line in lines]
    assert batched == one_by_one


def test_stdin_is_read_when_there_is_no_text_and_no_file(
    run: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("The man sees.\nThe dog.\n"))
    code, out, _ = translate(["--run-dir", str(run)], capsys)
    assert code == 0 and len(out) == 2
    assert out[0] == translate(["--run-dir", str(run), "The man sees."], capsys)[1][0]


def test_n_best_lines_use_the_moses_format_with_sorted_scores(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = translate(
        ["--run-dir", str(run), "--beam", "4", "--n-best", "3", "The man.", "A dog."], capsys
    )
    assert code == 0 and len(out) == 6
    fields = [line.split(" ||| ") for line in out]
    assert [f[0] for f in fields] == ["0", "0", "0", "1", "1", "1"]
    for n in range(2):
        scores = [float(f[2]) for f in fields[3 * n : 3 * n + 3]]
        assert scores == sorted(scores, reverse=True)


def test_a_sentence_far_longer_than_training_is_truncated_with_a_warning(
    run: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    long = " ".join(["the man sees the dog"] * 20)  # 100 tokens; the run trained on ≤ 8
    with caplog.at_level(logging.WARNING):
        code, out, _ = translate(["--run-dir", str(run), "--max-tokens", "12", long], capsys)
    assert code == 0 and len(out) == 1
    assert "line 1 has 100 tokens" in caplog.text and "first 12" in caplog.text
    short = " ".join(["the man sees the dog"] * 3)  # the same first 12 tokens (and 3 more)
    assert out == translate(["--run-dir", str(run), " ".join(short.split()[:12])], capsys)[1]


def test_a_line_of_only_unknown_words_is_copied_with_a_warning(
    run: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        code, out, _ = translate(["--run-dir", str(run), "Zorglub blorp!", "The man."], capsys)
    assert code == 0 and out[0] == "Zorglub blorp!"
    assert "line 1: every word is unknown" in caplog.text


def test_heatmaps_are_written_one_per_line(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = translate(
        ["--run-dir", str(run), "--heatmaps", str(tmp_path), "The man.", "A dog."], capsys
    )
    assert code == 0
    for name in ("line-1.png", "line-2.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_output_unk_becomes_the_source_word_it_attends_to_most() -> None:
    tgt = Vocab(["el", "perro"])
    translator = Translator(
        model=None, src_vocab=tgt, tgt_vocab=tgt, max_len=8, device=torch.device("cpu")
    )  # type: ignore[arg-type]
    attention = torch.tensor(
        [[0.9, 0.1, 0.0], [0.1, 0.2, 0.7], [0.0, 0.0, 1.0]]
    )  # rows: el, <unk>, </s>
    hypothesis = Hypothesis(
        tokens=[tgt["el"], Vocab.unk_id], log_prob=-1.0, score=-0.5, attention=attention
    )
    assert translator.words(hypothesis, ["the", "big", "Rex"]) == ["el", "Rex"]
    no_attention = Hypothesis(
        tokens=[tgt["el"], Vocab.unk_id], log_prob=-1.0, score=-0.5, attention=None
    )
    assert translator.words(no_attention, ["the", "big", "Rex"]) == ["el", "<unk>"]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        ([], "", "nothing to translate: the input is empty"),
        ([], "\n  \n", "nothing to translate: the input is empty"),
        ([""], None, "nothing to translate: the input is empty"),
        (["--file", "{tmp}/missing.txt"], None, "missing.txt does not exist"),
        (["--file", "{tmp}/latin1.txt"], None, "latin1.txt is not UTF-8 text"),
        (["--file", "{tmp}/latin1.txt", "hello"], None, "not both"),
        (["--beam", "0", "hello"], None, "beam=0 must be at least 1"),
        (["--max-tokens", "0", "hello"], None, "max_tokens=0 must be ≥ 1"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(
    run: Path,
    tmp_path: Path,
    argv: list[str],
    stdin: str | None,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "latin1.txt").write_bytes("Año nuevo\n".encode("latin-1"))
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code, out, err = translate(
        ["--run-dir", str(run), *(a.format(tmp=tmp_path) for a in argv)], capsys
    )
    assert code == 2 and out == []
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and message in err, err


def test_missing_or_foreign_run_directories_are_one_line_errors(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = translate(["--run-dir", str(tmp_path / "nowhere"), "hello"], capsys)
    assert (
        code == 2 and "nowhere/config.json not found" in err and len(err.strip().splitlines()) == 1
    )
    mlp = foreign_run(run, tmp_path / "mlp")
    code, _, err = translate(["--run-dir", str(mlp), "hello"], capsys)
    assert code == 2 and "a `dlc mlp train` run, not a `dlc seq2seq train` run" in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_model_without_attention_translates_but_writes_no_heatmaps(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from dlclassics.seq2seq.toy import PrefixTable
    from dlclassics.seq2seq.translate import TranslateConfig, translate_lines

    vocab = Vocab(["the", "man", "dog", "el", "hombre"])
    model = PrefixTable(vocab=len(vocab), seed=0)  # next-token table, no attention
    translator = Translator(
        model=model, src_vocab=vocab, tgt_vocab=vocab, max_len=8, device=torch.device("cpu")
    )
    config = TranslateConfig(heatmaps=tmp_path / "maps", n_best=2, beam=3)
    with caplog.at_level(logging.WARNING):
        results = translate_lines(translator, ["the man", "", "the dog"], config)
    assert [len(r) for r in results] == [2, 0, 2]
    assert "no attention: no heatmaps" in caplog.text and not (tmp_path / "maps").exists()
