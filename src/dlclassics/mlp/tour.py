"""The MLP's step in ``dlc tour``: train on Fashion-MNIST, evaluate on its test split."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.config import replace
from dlclassics.mlp.commands import PRESETS, MLPEvalConfig, MLPTrainConfig, evaluate, train
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

TARGET = 0.88  # benchmarks/mlp.py's target: default config, ≤ 5 minutes on 2 cores


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    base = PRESETS["quick"] if config.quick else MLPTrainConfig()
    run = replace(
        base, run_dir=out_dir, trainer=replace(base.trainer, seed=config.seed, progress=False)
    )
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    start = time.perf_counter()
    train(run)
    seconds = time.perf_counter() - start
    result = evaluate(MLPEvalConfig(run_dir=out_dir))
    steps = run.trainer.max_steps
    return Section(
        title="MLP on Fashion-MNIST (notes 004: ReLU, He init, dropout, Adam)",
        summary=(
            f"A {' → '.join(map(str, (784, *run.model.hidden, 10)))} ReLU network with dropout "
            f"{run.model.dropout}, trained {steps} steps of batch {run.trainer.batch_size} "
            f"on the 55,000-image train split; best checkpoint chosen on the 5,000-image "
            f"validation split; accuracy on the official 10,000-image test split."
        ),
        rows=[
            ResultRow(
                what="test accuracy",
                ours=f"{result['accuracy']:.4f}",
                reference=f"≥ {TARGET} with the default config (quick runs train 4× fewer steps)",
                ok=None if config.quick else result["accuracy"] >= TARGET,
            ),
            ResultRow(
                what="training time", ours=f"{seconds:.0f} s", reference="≤ 300 s on 2 CPU cores"
            ),
        ],
        images=[out_dir / "curves.png", out_dir / "confusion.png"],
        seconds=seconds,
        timed="training",
        command=f"dlc mlp train --run-dir {out_dir}" + (" --preset quick" if config.quick else ""),
    )
