"""Gradients through time on real text (note 002): vanishing in the tanh RNN, not in LSTM/GRU;
exploding under plain SGD, and gradient clipping.

Runs ``dlc classify gradients`` (:mod:`dlclassics.classify.gradients`) on Chinese reviews of at
least 80 characters and writes ``benchmarks/results/classify_gradients.json`` plus the two
plots ``classify_gradients.png`` (‖∂L/∂h_t‖ against the distance to the last token, at
initialisation and after 300 Adam steps) and ``classify_clipping.png`` (loss and gradient norm
per SGD step of the tanh RNN with and without clipping, same start and data order).

    nice python benchmarks/classify_gradients.py
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import torch

from _common import RESULTS, write_results
from dlclassics.classify.gradients import GradientsConfig, run


def main() -> None:
    torch.set_num_threads(1)
    config = GradientsConfig(out=Path("runs/bench-classify/gradients"))
    start = time.process_time()
    result = run(config)
    cpu = time.process_time() - start
    for name in ("gradients", "clipping"):
        shutil.copy(config.out / f"{name}.png", RESULTS / f"classify_{name}.png")
    vanishing = result["vanishing"]
    rows = [
        {
            "experiment": "vanishing",
            "when": when,
            "cell": cell,
            "grad_norm_last": round(values[0], 6),
            "grad_norm_at_10": values[10],
            "grad_norm_farthest": values[-1],
            "distance_farthest": len(values) - 1,
        }
        for when, by_cell in vanishing["grad_norm"].items()
        for cell, values in by_cell.items()
    ]
    rows += [
        {
            "experiment": "clipping",
            "run": name,
            "final_loss": round(r["loss"][-1], 4),
            "max_loss": round(max(r["loss"]), 4),
            "mean_loss_last_50": round(sum(r["loss"][-50:]) / len(r["loss"][-50:]), 4),
            "max_grad_norm": round(max(r["grad_norm"]), 2),
            "diverged_at": r["diverged_at"],
        }
        for name, r in result["clipping"].items()
    ]
    write_results(
        "classify_gradients",
        "Gradients through time and gradient clipping on real text (zh-reviews)",
        rows,
        config={k: str(v) for k, v in result["config"].items()},
        curves=result["vanishing"]["grad_norm"],
        clipping={
            k: {"loss": v["loss"], "grad_norm": v["grad_norm"]}
            for k, v in result["clipping"].items()
        },
        images=["classify_gradients.png", "classify_clipping.png"],
        cpu_seconds=round(cpu, 1),
        notes="CPU, one torch thread, shared 2-core machine. ‖∂L/∂h_t‖ is the mean over 128 "
        "held-out reviews (cut to 80 characters) of the full back-propagated gradient of the "
        "summed "
        "cross-entropy with respect to each state; the cells are dlclassics.nn.rnn's, stepped "
        "one token at a time. The clipping runs start from W = 1.5 × a random orthogonal matrix.",
    )


if __name__ == "__main__":
    main()
