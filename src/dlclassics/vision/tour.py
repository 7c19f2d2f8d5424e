"""The CNN step of ``dlc tour``: LeNet on Fashion-MNIST, its test accuracy, filters and maps."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.config import replace
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig
from dlclassics.vision.commands import VisionFiltersConfig, filters
from dlclassics.vision.models import build_model, count_parameters
from dlclassics.vision.run import PRESETS, VisionEvalConfig, VisionTrainConfig, evaluate, train

# benchmarks/vision.py's target: LeNet on Fashion-MNIST test, default config, ≤ 30 min on 2 cores
TARGET = 0.90


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    base = PRESETS["quick"] if config.quick else VisionTrainConfig()
    run = replace(
        base,
        model="lenet",
        data="fashion-mnist",
        run_dir=out_dir,
        trainer=replace(base.trainer, seed=config.seed, progress=False),
    )
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    start = time.perf_counter()
    train(run)
    seconds = time.perf_counter() - start
    result = evaluate(VisionEvalConfig(run_dir=out_dir))
    filters(VisionFiltersConfig(run_dir=out_dir))
    t = run.trainer
    epochs = t.max_steps * t.batch_size / 55_000
    return Section(
        title="LeNet on Fashion-MNIST (notes 003, 004 §三: convolution, pooling, feature maps)",
        summary=(
            f"LeNet-5 with ReLU and max pooling ({count_parameters(build_model('lenet')):,} "
            f"parameters: conv 5×5 → pool → conv 5×5 → pool → 120 → 84 → 10), trained "
            f"{t.max_steps} steps ({epochs:.1f} epochs) of batch {t.batch_size} with AdamW on "
            f"the 55,000-image train split; best checkpoint chosen on the 5,000-image validation "
            f"split; accuracy on the official 10,000-image test split. The filters are the first "
            f"conv layer's 6 learned 5×5 kernels — compare them with the hand-made edge filters "
            f"of note 003 — and the maps are their responses to one test image."
        ),
        rows=[
            ResultRow(
                what="test accuracy",
                ours=f"{result['accuracy']:.4f}",
                reference=f"≥ {TARGET} with the default config (quick runs train 5× fewer steps)",
                ok=None if config.quick else result["accuracy"] >= TARGET,
            ),
            ResultRow(
                what="training time", ours=f"{seconds:.0f} s", reference="≤ 1800 s on 2 CPU cores"
            ),
        ],
        images=[
            out_dir / "curves.png",
            out_dir / "confusion.png",
            out_dir / "filters.png",
            out_dir / "feature_maps.png",
        ],
        seconds=seconds,
        timed="training",
        command=f"dlc vision train --model lenet --run-dir {out_dir}"
        + (" --preset quick" if config.quick else ""),
    )
