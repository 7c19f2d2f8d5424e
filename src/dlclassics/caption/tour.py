"""The captioner's step in ``dlc tour``: train on scenes, caption unseen ones, draw attention."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.caption.commands import PRESETS, CaptionEvalConfig, CaptionTrainConfig, evaluate
from dlclassics.caption.commands import train as train_run
from dlclassics.config import replace
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

EXACT_TARGET, HIT_TARGET = 0.8, 0.9  # benchmarks/caption.py's targets (unseen combinations)


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    base = PRESETS["quick"] if config.quick else CaptionTrainConfig()
    run = replace(
        base, run_dir=out_dir, trainer=replace(base.trainer, seed=config.seed, progress=False)
    )
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    start = time.perf_counter()
    train_run(run)
    seconds = time.perf_counter() - start
    scenes = 200 if config.quick else 1000
    result = evaluate(CaptionEvalConfig(run_dir=out_dir, scenes=scenes, examples=2))
    full = not config.quick
    return Section(
        title="Attention captioning of 2×2 Fashion-MNIST scenes (notes 002 one-to-many, 001 §7)",
        summary=(
            f"A per-cell CNN encodes the four cells of each 56×56 scene; a {run.model.model} "
            f"decoder with attention over the cells writes a grammar description in "
            f"{run.lang} ('a bag in the top left; a sneaker on its right'). Trained "
            f"{run.trainer.max_steps} steps of batch {run.trainer.batch_size}; scored on "
            f"{scenes} test scenes whose item/cell combinations never occur in training. "
            + ("Quick runs stop long before the model reads the items." if config.quick else "")
        ),
        rows=[
            ResultRow(
                what="exact match (unseen combinations)",
                ours=f"{result['exact_match']:.3f}",
                reference=f"≥ {EXACT_TARGET} with the default config (benchmarks/caption.py)",
                ok=result["exact_match"] >= EXACT_TARGET if full else None,
            ),
            ResultRow(
                what="attention hit: item words looking at their item's cell",
                ours=f"{result['attention_hit']:.3f}",
                reference=f"≥ {HIT_TARGET} with the default config; 0.25 by chance",
                ok=result["attention_hit"] >= HIT_TARGET if full else None,
            ),
            ResultRow(what="BLEU", ours=f"{result['bleu']:.1f}", reference="100 = every caption"),
        ],
        images=[
            out_dir / "examples" / "test-0-attention.png",
            out_dir / "examples" / "test-1-attention.png",
            out_dir / "curves.png",
        ],
        seconds=seconds,
        timed="training",
        command=f"dlc caption train --run-dir {out_dir}"
        + (" --preset quick" if config.quick else ""),
    )
