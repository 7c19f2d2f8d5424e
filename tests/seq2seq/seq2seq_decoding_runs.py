"""Tiny trained translation runs for the eval and translate tests (no data cache needed).

A synthetic English→Spanish word-for-word "language" of 8 words replaces the corpus
(:func:`dlclassics.seq2seq.data.load_examples` is patched); a 16-unit attention GRU is
trained for a few steps by the real ``fit``, so the run directory is exactly what
``dlc seq2seq train`` writes. Its translations are poor; the tests check the machinery.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

import dlclassics.seq2seq.data as s2s_data
import dlclassics.seq2seq.run as s2s_run
from dlclassics.seq2seq.data import Example, tokenize

EN = ["the", "a", "man", "woman", "sees", "loves", "dog", "cat"]
ES = ["el", "un", "hombre", "mujer", "ve", "ama", "perro", "gato"]
SIZES = {"train": 120, "val": 16, "test": 24}


def toy_examples(config: object, split: str) -> list[Example]:
    rng = random.Random(split)
    out = []
    for _ in range(SIZES[split]):
        words = [rng.randrange(len(EN)) for _ in range(rng.randint(2, 6))]
        src = " ".join(EN[i] for i in words).capitalize() + "."
        tgt = " ".join(ES[i] for i in words).capitalize() + "."
        out.append(Example(src, tgt, tokenize(src), tokenize(tgt)))
    return out


def patch_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s2s_data, "load_examples", toy_examples)
    monkeypatch.setattr(s2s_run, "load_examples", toy_examples)


def train_toy_run(run_dir: Path, model: str) -> Path:
    from dlclassics.seq2seq.models import NetConfig
    from dlclassics.train import TrainerConfig

    config = s2s_run.Seq2SeqTrainConfig(
        pair="en-fr",
        model=model,  # type: ignore[arg-type]
        run_dir=run_dir,
        max_len=8,
        bucket_size=32,
        net=NetConfig(emb=16, hidden=16, attn_dim=16, d_model=16, heads=2, d_ff=32, dropout=0.0),
        trainer=TrainerConfig(
            max_steps=12,
            batch_size=1,
            lr=3e-2,
            eval_every=12,
            checkpoint_every=12,
            log_every=12,
            device="cpu",
            progress=False,
        ),
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        patch_data(monkeypatch)
        s2s_run.fit(config)
    return run_dir


_RUNS: dict[str, Path] = {}


def toy_run(factory: pytest.TempPathFactory, model: str = "gru-bahdanau") -> Path:
    """The toy run of ``model``, trained once per test process (the tests only read it)."""
    if model not in _RUNS:
        _RUNS[model] = train_toy_run(factory.mktemp("s2s-run") / "run", model)
    return _RUNS[model]


def foreign_run(translation_run: Path, out: Path) -> Path:
    """A run directory of another task: an MLP run's config.json (no seq2seq keys)."""
    out.mkdir(parents=True, exist_ok=True)
    config = json.loads((translation_run / "config.json").read_text())
    config["run"] = {"command": "mlp train", "run": {"data": "fashion-mnist", "run_dir": str(out)}}
    (out / "config.json").write_text(json.dumps(config))
    shutil.copy(translation_run / "best.safetensors", out / "best.safetensors")
    shutil.copy(translation_run / "best.json", out / "best.json")
    return out
