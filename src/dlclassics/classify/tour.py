"""The classifier's step in ``dlc tour``: sentiment of Chinese reviews, with its confusion matrix.

Quick: a bag of character embeddings on a fifth of the zh-reviews train split (a few seconds);
full: a bidirectional LSTM with max pooling on the whole split. Both are evaluated on the
1,736 test reviews; the TF-IDF + logistic-regression baseline's test accuracy
(``benchmarks/classify.py``) is the reference.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.classify.commands import PRESETS, ClassifyEvalConfig, ClassifyTrainConfig, evaluate
from dlclassics.classify.commands import train as train_run
from dlclassics.config import replace
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

BASELINE = 0.8508  # TF-IDF word + char n-grams + LogisticRegression, zh-reviews test split


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    base = PRESETS["quick"] if config.quick else ClassifyTrainConfig(max_len=150)
    run = replace(
        base, run_dir=out_dir, trainer=replace(base.trainer, seed=config.seed, progress=False)
    )
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    start = time.perf_counter()
    result = train_run(run)
    seconds = time.perf_counter() - start
    scores = evaluate(ClassifyEvalConfig(run_dir=out_dir))
    share = f"{run.train_fraction:.0%} of the" if run.train_fraction < 1 else "the"
    what = (
        "a bag of character embeddings (mean pooling)"
        if run.model == "bag"
        else f"a bidirectional {run.model.upper()} with {run.arch.pooling} pooling"
    )
    return Section(
        title="Sentiment of Chinese reviews (notes 002: a many-to-one sequence task)",
        summary=(
            f"{what.capitalize()}, trained {result.fit.final_step} steps of "
            f"{run.trainer.batch_size} reviews on {share} zh-reviews train split "
            f"({len(scores['labels'])} labels: {', '.join(scores['labels'])}); best checkpoint "
            f"by val accuracy; accuracy on the {scores['examples']} test reviews."
        ),
        rows=[
            ResultRow(
                what="test accuracy",
                ours=f"{scores['accuracy']:.4f}",
                reference=f"TF-IDF + logistic regression {BASELINE} (benchmarks/classify.py)",
                ok=None if config.quick else scores["accuracy"] >= BASELINE,
            ),
            ResultRow(what="training time", ours=f"{seconds:.0f} s", reference="—"),
        ],
        images=[out_dir / "confusion.png", out_dir / "curves.png"],
        seconds=seconds,
        timed="training",
        command=f"dlc classify train --run-dir {out_dir}"
        + (" --preset quick" if config.quick else " --max-len 150"),
    )
