"""`dlc seq2seq eval`: eval.json, sacreBLEU agreement, greedy = beam 1, heatmaps, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sacrebleu
from seq2seq_decoding_runs import foreign_run, patch_data, toy_run

from dlclassics.cli import main
from dlclassics.seq2seq.evaluate import beam_speed, evaluate_run

KEYS = {
    "bleu",
    "chrf",
    "bleu_signature",
    "chrf_signature",
    "decode_seconds",
    "examples",
    "sentences",
}


@pytest.fixture
def run(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the toy run (eval writes into it), with the toy corpus in place of the data."""
    import shutil

    patch_data(monkeypatch)
    return Path(shutil.copytree(toy_run(tmp_path_factory), tmp_path / "run"))


def test_eval_writes_eval_json_that_sacrebleu_reproduces_from_the_written_text(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "seq2seq",
                "eval",
                "--run-dir",
                str(run),
                "--beam",
                "3",
                "--alpha",
                "0.6",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    result = json.loads((run / "eval.json").read_text())
    assert result.keys() >= KEYS and result["sentences"] == 24 and result["beam"] == 3
    assert f"test BLEU {result['bleu']:.2f}" in printed and result["bleu_signature"] in printed
    hypotheses = (run / "test.hyp.txt").read_text().splitlines()
    references = (run / "test.ref.txt").read_text().splitlines()
    assert len(hypotheses) == len(references) == 24
    oracle = sacrebleu.corpus_bleu(hypotheses, [references], lowercase=True)
    assert result["bleu"] == pytest.approx(oracle.score)
    lowered = sacrebleu.corpus_chrf(
        [h.lower() for h in hypotheses], [[r.lower() for r in references]]
    )
    assert result["chrf"] == pytest.approx(lowered.score)
    assert "case:lc" in result["bleu_signature"] and "tok:13a" in result["bleu_signature"]
    assert 0 <= result["bleu"] <= 100 and 0 <= result["chrf"] <= 100
    assert result["decode_seconds"] > 0
    for example in result["examples"]:
        assert example["reference"] in references and example["source"] in printed
    heatmaps = [Path(p) for p in result["heatmaps"]]
    assert len(heatmaps) == 3 and all(p.read_bytes()[:4] == b"\x89PNG" for p in heatmaps)


def test_greedy_decoding_scores_like_beam_width_one(run: Path) -> None:
    greedy = evaluate_run(run, beam=5, alpha=0.6, method="greedy", device="cpu", write=False)
    beam_1 = evaluate_run(run, beam=1, alpha=0.6, method="beam", device="cpu", write=False)
    assert greedy["beam"] == 1 and greedy["decode"] == "greedy"
    assert greedy["bleu"] == beam_1["bleu"] and greedy["examples"] == beam_1["examples"]


def test_limit_scores_only_the_first_sentences_and_write_false_writes_nothing(run: Path) -> None:
    result = evaluate_run(run, beam=2, alpha=0.0, limit=5, examples=2, device="cpu", write=False)
    assert result["sentences"] == 5 and len(result["examples"]) == 2
    assert not (run / "eval.json").exists()


def test_beam_speed_times_both_searches_on_the_same_sentences_and_they_agree(run: Path) -> None:
    result = beam_speed(run, beam=3, alpha=0.6, limit=10, batch_size=4, device="cpu")
    assert result.same_tokens and result.max_score_difference < 1e-4
    assert result.batched_seconds > 0 and result.per_sentence_seconds > 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--limit", "0"], "limit=0 must be ≥ 1"),
        (["--beam", "0"], "beam=0 must be at least 1"),
        (["--alpha", "-1"], "alpha=-1.0 must be a finite number ≥ 0"),
        (["--decode", "sampling"], "sampling"),
    ],
)
def test_bad_options_print_one_line_and_exit_2(
    run: Path, options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seq2seq", "eval", "--run-dir", str(run), "--device", "cpu", *options]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and message in err, err


def test_missing_and_foreign_run_directories_print_one_line_and_exit_2(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seq2seq", "eval", "--run-dir", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nowhere/config.json not found" in err, err
    mlp = foreign_run(run, tmp_path / "mlp")
    assert main(["seq2seq", "eval", "--run-dir", str(mlp)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a `dlc seq2seq train` run" in err, err


def test_heatmap_labels_must_match_the_attention_matrix(tmp_path: Path) -> None:
    import torch

    from dlclassics.seq2seq.heatmap import plot_attention

    weights = torch.full((3, 2), 0.5)  # 3 target rows × 2 source columns
    path = plot_attention(
        weights, ["hola", "mundo"], ["hello", "world", "</s>"], tmp_path / "a.png"
    )
    assert path.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="attention is 3×2 but there are 2 target and 2 source"):
        plot_attention(weights, ["hola", "mundo"], ["hello", "</s>"], tmp_path / "b.png")
