"""Subword (BPE) translation: SentencePiece models round-trip, persist, and run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_seq2seq_train import FIXTURE, TRAIN, tatoeba_home  # noqa: F401 (a fixture)

from dlclassics.cli import main
from dlclassics.errors import CheckpointError, ConfigError
from dlclassics.seq2seq.data import tokenize
from dlclassics.seq2seq.run import SRC_BPE, TGT_BPE
from dlclassics.seq2seq.subword import Subwords
from dlclassics.seq2seq.translate import Translator


def fixture_sentences(column: int) -> list[list[str]]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return [tokenize(line.split("\t")[column]) for line in lines]


@pytest.mark.parametrize("column", [0, 1])
def test_pieces_join_back_into_every_training_sentence(column: int) -> None:
    sentences = fixture_sentences(column)
    sub = Subwords.train(sentences, vocab_size=120)
    assert 16 < len(sub) <= 120
    for words in sentences:
        pieces = sub.encode(words)
        assert len(pieces) >= len(words)
        assert sum(p.startswith("\u2581") for p in pieces) == len(words)  # one start a word
        assert sub.decode(pieces) == words


def test_an_unseen_word_is_spelled_with_known_pieces_not_unk() -> None:
    sub = Subwords.train(fixture_sentences(0), vocab_size=120)
    known = set(sub.encode([w for s in fixture_sentences(0) for w in s]))
    pieces = sub.encode(["untoward", "seasons"])
    assert set(pieces) <= known and sub.decode(pieces) == ["untoward", "seasons"]
    assert Subwords.decode(["\u2581the", "<unk>", "\u2581man"]) == ["the", "<unk>", "man"]


def test_training_is_deterministic_and_the_saved_bytes_load_back(tmp_path: Path) -> None:
    a = Subwords.train(fixture_sentences(1), vocab_size=100)
    b = Subwords.train(fixture_sentences(1), vocab_size=100)
    assert a.model == b.model
    a.save(tmp_path / "m.model")
    c = Subwords.load(tmp_path / "m.model")
    words = tokenize("Je ne comprends pas pourquoi.")
    assert c.encode(words) == a.encode(words)


def test_bad_sizes_text_and_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="too small"):
        Subwords.train(fixture_sentences(0), vocab_size=4)
    with pytest.raises(Exception, match="no text"):
        Subwords.train([[], []], vocab_size=50)
    (tmp_path / "bad.model").write_bytes(b"not a protobuf at all")
    with pytest.raises(CheckpointError, match="damaged") as error:
        Subwords.load(tmp_path / "bad.model")
    assert "\n" not in str(error.value)
    with pytest.raises(CheckpointError, match="missing"):
        Subwords.load(tmp_path / "absent.model")


def test_a_subword_run_trains_evaluates_and_translates(
    tatoeba_home: Path,  # noqa: F811 (the imported fixture)
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = tmp_path / "run"
    argv = [*TRAIN, "--model", "gru-bahdanau", "--subwords", "64", "--run-dir", str(run)]
    assert main(argv) == 0
    assert (run / SRC_BPE).is_file() and (run / TGT_BPE).is_file()
    translator = Translator.load(run, device="cpu")
    assert translator.subwords is not None
    # the vocabularies are the pieces: an unseen word maps to known ids, not <unk> (id 0)
    assert 0 not in translator.source_ids(["untoward"])
    assert main(["seq2seq", "eval", "--run-dir", str(run), "--beam", "2", "--device", "cpu"]) == 0
    result = json.loads((run / "eval.json").read_text())
    hyps = (run / "test.hyp.txt").read_text(encoding="utf-8").splitlines()
    assert len(hyps) == result["sentences"] and "\u2581" not in "".join(hyps)
    capsys.readouterr()
    assert (
        main(["translate", "--run-dir", str(run), "--device", "cpu", "I see the untoward cat."])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "\u2581" not in out[0]
    # resuming reads the saved BPE models rather than learning new ones
    assert main(["seq2seq", "train", "--resume", str(run), "--max-steps", "8"]) == 0
    assert Translator.load(run, device="cpu").subwords[0].model == translator.subwords[0].model  # type: ignore[index]
    (run / TGT_BPE).unlink()
    assert main(["translate", "--run-dir", str(run), "--device", "cpu", "Hello."]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tgt.bpe.model is missing" in err[0]
