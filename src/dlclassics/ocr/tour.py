"""The OCR step of ``dlc tour``: train a CRNN with CTC, read a test line, show its alignment."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.config import replace
from dlclassics.ocr.commands import (
    PRESETS,
    OCREvalConfig,
    OCRTrainConfig,
    Recogniser,
    evaluate,
    plot_alignment,
    test_images,
    train,
)
from dlclassics.ocr.model import CRNNConfig
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

TARGET = 0.01  # benchmarks/ocr.py's target: English CER on clean test lines
QUICK = replace(
    PRESETS["quick"],
    train_lines=400,
    val_lines=32,
    model=CRNNConfig(channels=(16, 16, 32, 32, 64), hidden=48),
    trainer=replace(PRESETS["quick"].trainer, max_steps=40, batch_size=16, eval_every=40),
)  # a slice: seconds of training, enough to show the pipeline, not to read well


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    base = QUICK if config.quick else OCRTrainConfig()
    run = replace(
        base, run_dir=out_dir, trainer=replace(base.trainer, seed=config.seed, progress=False)
    )
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    start = time.perf_counter()
    train(run)
    lines = 50 if config.quick else 1000
    result = evaluate(OCREvalConfig(run_dir=out_dir, lines=lines))
    rec = Recogniser.load(out_dir)
    (text,), (image,) = test_images(rec.run, "test", "clean", 1)
    (log_probs,) = rec.log_probs([image])
    read = rec.decode(log_probs, "greedy")
    picture = plot_alignment(image, log_probs, rec.charset, out_dir / "alignment.png")
    seconds = time.perf_counter() - start
    return Section(
        title="CRNN + CTC text recognition (note 001: conv features → BiLSTM → CTC)",
        summary=(
            f"English lines of Brown and State of the Union text drawn with the DejaVu fonts, "
            f"32 pixels high; {len(rec.charset.chars)} characters + blank; trained "
            f"{run.trainer.max_steps} steps of batch {run.trainer.batch_size} with a "
            f"from-scratch CTC loss; best-path decoding on {result['lines']} clean test lines. "
            f"The picture shows which image columns emit which character."
        ),
        rows=[
            ResultRow(
                what="character error rate (clean test lines)",
                ours=f"{100 * result['cer']:.2f} %",
                reference=f"≤ {100 * TARGET:.0f} % with the default config (quick: 40 steps)",
                ok=None if config.quick else result["cer"] <= TARGET,
            ),
            ResultRow(what="test line 0", ours=repr(read), reference=repr(text)),
        ],
        images=[out_dir / "curves.png", picture],
        seconds=seconds,
        timed="training + evaluation",
        command=f"dlc ocr train --run-dir {out_dir}" + (" --preset quick" if config.quick else ""),
    )
