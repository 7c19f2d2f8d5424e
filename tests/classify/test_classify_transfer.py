"""Transfer into a classifier: word2vec rows copied into the embedding, an LM's encoder reused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from dlclassics.classify.commands import ClassifyTrainConfig, prepare
from dlclassics.classify.models import ArchConfig
from dlclassics.classify.task import ClassifyTask
from dlclassics.cli import main
from dlclassics.errors import ConfigError


def write_vectors(path: Path, words: dict[str, list[float]]) -> Path:
    dim = len(next(iter(words.values())))
    lines = [f"{len(words)} {dim}"] + [f"{w} {' '.join(map(str, v))}" for w, v in words.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_word2vec_rows_are_copied_and_frozen_rows_stay_fixed(
    tmp_path: Path, write_reviews: Callable[..., Path]
) -> None:
    data = write_reviews(tmp_path / "r.tsv", ("neg", "pos"), 240)
    vectors = write_vectors(
        tmp_path / "v.txt", {"good": [1.0, 2.0, 3.0, 4.0], "bad": [-1.0, 0.5, 0.25, 2.0]}
    )
    config = ClassifyTrainConfig(
        data=str(data),
        model="bag",
        arch=ArchConfig(embed=4, pooling="mean"),
        min_count=1,
        vectors=vectors,
        freeze=True,
        run_dir=tmp_path / "run",
    )
    prepared = prepare(config, False)
    embedding = cast(ClassifyTask, prepared.task).model.embedding
    vocab_file = tmp_path / "vocab"
    assert prepared.own_files is not None
    prepared.own_files(vocab_file.parent)
    from dlclassics.data.vocab import Vocab

    vocab = Vocab.load(tmp_path / "vocab.json")
    torch.testing.assert_close(embedding.weight[vocab["good"]], torch.tensor([1.0, 2.0, 3.0, 4.0]))
    torch.testing.assert_close(embedding.weight[vocab["bad"]], torch.tensor([-1.0, 0.5, 0.25, 2.0]))
    assert not embedding.weight.requires_grad
    assert torch.all(embedding.weight[vocab.pad_id] == 0)
    with pytest.raises(ConfigError, match="pass --embed 4"):
        prepare(ClassifyTrainConfig(**{**config.__dict__, "arch": ArchConfig(embed=8)}), False)


def test_an_lm_run_starts_the_encoder_with_its_embedding_and_lstm(
    tmp_path: Path, write_reviews: Callable[..., Path]
) -> None:
    text = tmp_path / "text.txt"
    rng = np.random.default_rng(0)
    text.write_text(
        "\n".join(" ".join(rng.choice(["good", "bad", "the", "book"], 6)) for _ in range(200)),
        encoding="utf-8",
    )
    lm = tmp_path / "lm"
    tiny = ["--embed", "8", "--hidden", "6", "--bptt", "8", "--batch-size", "4", "--no-progress"]
    lm_argv = ["lm", "train", "--model", "lstm", "--data", str(text), "--level", "char", *tiny]
    assert main([*lm_argv, "--max-steps", "4", "--eval-every", "4", "--run-dir", str(lm)]) == 0
    data = write_reviews(tmp_path / "r.tsv", ("neg", "pos"), 240)
    config = ClassifyTrainConfig(
        data=str(data), init_lm=lm, tokenizer="whitespace", run_dir=tmp_path / "run"
    )
    prepared = prepare(config, False)
    model = cast(ClassifyTask, prepared.task).model
    # the LM's shape: its cell and sizes, one direction
    assert prepared.config.model == "lstm" and prepared.config.arch.bidirectional is False
    assert (prepared.config.arch.embed, prepared.config.arch.hidden) == (8, 6)
    weights = load_file(str(lm / "best.safetensors"))
    torch.testing.assert_close(model.embedding.weight, weights["model.embedding.weight"])
    assert model.encoder is not None
    torch.testing.assert_close(model.encoder.weight_hh_l0, weights["model.rnn.weight_hh_l0"])
    # and it trains end to end through the CLI
    run = tmp_path / "run2"
    argv = ["classify", "train", "--data", str(data), "--init-lm", str(lm), "--max-steps", "5"]
    argv += ["--batch-size", "16", "--eval-every", "5", "--no-progress", "--run-dir", str(run)]
    assert main(argv) == 0
    assert main(["classify", "eval", "--run-dir", str(run)]) == 0
