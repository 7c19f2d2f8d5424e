"""Translation's step in ``dlc tour``: an attention GRU on Tatoeba en→fr, with a heatmap.

Trains ``gru-bahdanau`` (bidirectional GRU encoder + additive attention, notes 003
"Attention model") on the 4,464 Tatoeba training pairs, decodes the held-out test sentences
greedily and with beam search (k = 5, α = 0.6), and draws the attention weights of one test
sentence (source × target). The Bible benchmark (``benchmarks/seq2seq.py``) is where the
models are compared; this run only shows the pieces working end to end.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import torch

from dlclassics.config import replace
from dlclassics.report.html import ResultRow, Section
from dlclassics.seq2seq.evaluate import evaluate_run
from dlclassics.seq2seq.run import PRESETS, fit
from dlclassics.tour import TourConfig

FULL_STEPS = 1400  # the full tour trains 4× the quick preset's 350 steps


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    base = PRESETS["quick"]
    steps = base.trainer.max_steps if config.quick else FULL_STEPS
    trainer = replace(
        base.trainer,
        max_steps=steps,
        eval_every=max(1, steps // 5),
        checkpoint_every=steps,
        seed=config.seed,
        progress=False,
    )
    run = replace(base, run_dir=out_dir, trainer=trainer)
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a small model: extra threads only contend on a shared machine
    try:
        start = time.perf_counter()
        result = fit(run)
        greedy = evaluate_run(out_dir, beam=1, alpha=0.0, method="greedy", write=False)
        # examples are spread over the test file, which is sorted by length: the last one is
        # the longest sentence, the one whose heatmap shows an alignment
        beam = evaluate_run(out_dir, beam=5, alpha=0.6, heatmaps=4, examples=4)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    examples = [
        f"{e['source']} → {e['hypothesis']} (reference: {e['reference']})" for e in beam["examples"]
    ]
    return Section(
        title="Translation with attention on Tatoeba en→fr (notes 002/003: seq2seq, attention)",
        summary=(
            f"A bidirectional-GRU encoder and a GRU decoder with Bahdanau (additive) attention, "
            f"{run.net.hidden} units, trained {steps} steps of {run.bucket_size} sentence pairs "
            f"(≤ {run.max_len} tokens) with teacher forcing on the Tatoeba training split; "
            f"scored on its {beam['sentences']} held-out test pairs (no test English sentence "
            "is seen in training) by sacreBLEU, lowercased. A 5,000-pair corpus gives a rough "
            "model: the point is the pipeline and the alignment in the heatmap."
        ),
        rows=[
            ResultRow(
                what="test BLEU, greedy",
                ours=f"{greedy['bleu']:.1f} (chrF {greedy['chrf']:.1f})",
                reference="informational (Bible benchmark: benchmarks/results/seq2seq.json)",
            ),
            ResultRow(
                what="test BLEU, beam 5, α = 0.6",
                ours=f"{beam['bleu']:.1f} (chrF {beam['chrf']:.1f})",
                reference="informational",
            ),
            ResultRow(
                what="best validation loss (nats per target token)",
                ours=f"{result.fit.best_metric:.3f} at step {result.fit.best_step}",
                reference="informational",
            ),
            ResultRow(what="training time", ours=f"{result.wall_seconds:.0f} s", reference="—"),
        ],
        images=[out_dir / "curves.png", *beam["heatmaps"][-1:]],
        seconds=seconds,
        timed="training + evaluation",
        command=f"dlc seq2seq train --preset quick --run-dir {out_dir}",
        notes=examples,
    )
