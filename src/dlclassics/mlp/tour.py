"""The MLP's step in ``dlc tour``: train on Fashion-MNIST, evaluate on its test split."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.config import replace
from dlclassics.mlp.boundary import BoundaryConfig, run_boundary
from dlclassics.mlp.commands import PRESETS, MLPEvalConfig, MLPTrainConfig, evaluate, train
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

TARGET = 0.88  # benchmarks/mlp.py's target: default config, ≤ 5 minutes on 2 cores
# the width picture in a few seconds: 12 small networks (benchmarks/results/mlp_width has 42)
BOUNDARY = BoundaryConfig(widths=(1, 3, 10, 50), l2=(0.0,), points=200, steps=400,
                          resolution=60)  # fmt: skip


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
    boundary_start = time.perf_counter()
    boundary = run_boundary(replace(BOUNDARY, seed=config.seed, out=out_dir / "boundary"))
    boundary_seconds = time.perf_counter() - boundary_start
    spirals = {r["width"]: r for r in boundary["rows"] if r["dataset"] == "spirals"}
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
            *(
                ResultRow(
                    what=f"spirals, one hidden layer of {w} units: train / val accuracy",
                    ours=f"{r['train_accuracy']:.2f} / {r['val_accuracy']:.2f}",
                    reference="more units, a finer boundary (note 004 §二.5.3)",
                )
                for w, r in spirals.items()
            ),
        ],
        images=[
            out_dir / "curves.png",
            out_dir / "confusion.png",
            *map(Path, boundary["pictures"]),
        ],
        notes=[
            f"Width and the decision boundary ({boundary_seconds:.0f} s, not in the training "
            "time): one-hidden-layer ReLU networks of 1 to 50 units on 2-D spirals, moons and "
            "circles; `dlc mlp boundary` sweeps 1, 2, 3, 5, 10, 20, 50 units and the L2 "
            "strength, and `dlc mlp activations` compares sigmoid, tanh and ReLU with too-small, "
            "Xavier and He initialisation in an 8-layer network.",
        ],
        seconds=seconds,
        timed="training",
        command=f"dlc mlp train --run-dir {out_dir}" + (" --preset quick" if config.quick else ""),
    )
