"""Transfer to a small task (note 003): what pretraining on People's Daily buys a sentiment
classifier trained on 1 %, 10 % and 100 % of the zh-reviews train split.

Four ways to start the same classifier — characters in, an LSTM (one layer, one direction,
embed 64, hidden 128), max pooling, a linear layer — all fine-tuned with Adam on the review
subset, best checkpoint by val accuracy, accuracy on the full test split:

1. ``random`` — every weight random;
2. ``word2vec frozen`` — embedding rows from our skip-gram vectors, kept fixed;
3. ``word2vec fine-tuned`` — the same rows, trained with the rest;
4. ``LM fine-tuned`` — embedding and LSTM from our character LSTM language model, then
   everything trained.

Both pretrained models read People's Daily (January 1998, all splits) as characters, the
reviews' unit: the vectors come from ``dlc word2vec train`` on a file with one sentence per
line and its characters separated by spaces, the LM from ``dlc lm train --model lstm --level
char`` within a CPU budget. Subsets are stratified and fixed (``--train-fraction``), so the
rows of a column train on the same reviews. Budgets (shared 2-core machine, one thread):
60 / 120 / 240 steps of 32 reviews (each cut to 80 characters) for the 1 % / 10 % / 100 %
columns; 120 CPU seconds of LM pretraining, 2 word2vec epochs.

Writes ``benchmarks/results/classify_transfer.json``.

    nice python benchmarks/classify_transfer.py
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import torch

from _common import write_results
from dlclassics.classify.commands import ClassifyEvalConfig, ClassifyTrainConfig, evaluate, train
from dlclassics.classify.models import ArchConfig
from dlclassics.config import replace
from dlclassics.data.corpora import TokenOptions, sentences
from dlclassics.io import atomic_write

log = logging.getLogger("benchmarks.classify_transfer")

RUNS = Path("runs/bench-classify/transfer")
EMBED, HIDDEN = 64, 128
FRACTIONS = {0.01: 60, 0.1: 120, 1.0: 240}  # train fraction -> steps
LM_CPU_BUDGET = 120  # process CPU seconds of LM pretraining
W2V_EPOCHS = 2
DLC = [sys.executable, "-m", "dlclassics"]


def pretrain() -> tuple[Path, Path, dict[str, float]]:
    """Character vectors and a character LSTM LM on People's Daily; their CPU seconds."""
    RUNS.mkdir(parents=True, exist_ok=True)
    chars = RUNS / "peoples_daily_chars.txt"
    with atomic_write(chars, "w") as f:
        for unit in sentences("peoples-daily", "all", TokenOptions(level="char")):
            f.write(" ".join(unit) + "\n")
    w2v, lm = RUNS / "w2v-chars", RUNS / "lm-chars"
    seconds = {}
    for name, out, argv in (
        (
            "word2vec",
            w2v,
            ["word2vec", "train", "--corpus", str(chars), "--out", str(w2v), "--dim", str(EMBED),
             "--epochs", str(W2V_EPOCHS), "--workers", "1", "--min-count", "2"],
        ),
        (
            "lm",
            lm,
            ["lm", "train", "--model", "lstm", "--data", "peoples-daily", "--level", "char",
             "--embed", str(EMBED), "--hidden", str(HIDDEN), "--run-dir", str(lm),
             "--cpu-budget", str(LM_CPU_BUDGET), "--no-progress", "--eval-every", "250"],
        ),
    ):  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
        start = time.time()
        cpu = _children_cpu()
        subprocess.run([*DLC, *argv], check=True, env=_env())
        seconds[name] = round(_children_cpu() - cpu, 1)
        log.info("%s: %.0f s wall, %.0f CPU s", name, time.time() - start, seconds[name])
    return w2v, lm, seconds


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "OMP_NUM_THREADS": "1"}


ROWS: dict[str, dict[str, Any]] = {
    "random": {},
    "word2vec frozen": {"vectors": "w2v", "freeze": True},
    "word2vec fine-tuned": {"vectors": "w2v"},
    "LM fine-tuned": {"init_lm": "lm"},
}


def one(row: str, fraction: float, steps: int, pretrained: dict[str, Path]) -> dict[str, Any]:
    options = ROWS[row]
    run_dir = RUNS / f"{row.replace(' ', '-')}-{fraction:g}"
    shutil.rmtree(run_dir, ignore_errors=True)
    config = ClassifyTrainConfig(
        data="zh-reviews",
        model="lstm",
        arch=ArchConfig(embed=EMBED, hidden=HIDDEN, bidirectional=False, pooling="max"),
        max_len=80,
        train_fraction=fraction,
        run_dir=run_dir,
        vectors=pretrained[str(options["vectors"])] if "vectors" in options else None,
        freeze=bool(options.get("freeze", False)),
        init_lm=pretrained[str(options["init_lm"])] if "init_lm" in options else None,
    )
    every = max(20, steps // 3)
    trainer = replace(
        config.trainer,
        max_steps=steps,
        batch_size=32,
        eval_every=every,
        checkpoint_every=every,
        progress=False,
    )
    result = train(replace(config, trainer=trainer))
    test = evaluate(ClassifyEvalConfig(run_dir=run_dir))["accuracy"]
    return {
        "task": "sentiment-zh",
        "start": row,
        "train_fraction": fraction,
        "train_examples": round(13_891 * fraction) if fraction < 1 else 13_891,
        "steps": steps,
        "val": round(float(result.fit.best_metric or 0.0), 4),
        "test": round(test, 4),
        "train_cpu_seconds": round(result.cpu_seconds, 1),
    }


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    torch.set_num_threads(1)
    w2v, lm, pretrain_seconds = pretrain()
    pretrained = {"w2v": w2v, "lm": lm}
    rows = []
    for fraction, steps in FRACTIONS.items():
        for row in ROWS:
            rows.append(one(row, fraction, steps, pretrained))
            log.info("%s", rows[-1])
            write_results(
                "classify_transfer",
                "Transfer from People's Daily to zh-reviews sentiment: 4 starts × 3 data sizes",
                rows,
                pretrain_cpu_seconds=pretrain_seconds,
                notes=(
                    "Accuracy on the full zh-reviews test split (1,736 reviews). Shared 2-core "
                    "machine, one torch thread: CPU seconds are the budget measure. One seed "
                    "per cell: differences of about 1 point are within seed noise."
                ),
            )


if __name__ == "__main__":
    main()
