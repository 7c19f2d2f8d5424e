"""The language-model ladder's step in ``dlc tour`` (notes 002 and 001): n-gram → NNLM → LSTM.

On the first sentences of the Brown train split (a file, split 80/10/10 by position, one
vocabulary for all models), the step builds an interpolated Kneser–Ney trigram with the
n-gram code, trains Bengio's NNLM and an LSTM with ``dlc lm train --cpu-budget`` and scores
all three on the held-out tenth in the same convention (every word and ``</s>``), then draws
their test perplexities as bars. The full ladder on all of Brown, with its targets, is
``benchmarks/lm_brown.py``; here the budgets are small, so the rows are informational.

``--quick``: 6,000 sentences, 12 CPU seconds per neural model (about 40 s in all).
Full tour: 20,000 sentences, 90 CPU seconds per neural model.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import torch

from dlclassics.config import replace
from dlclassics.io import write_text
from dlclassics.lm.commands import LMEvalConfig, LMSampleConfig, LMTrainConfig, evaluate, sample
from dlclassics.lm.commands import train as train_lm
from dlclassics.lm.data import units
from dlclassics.lm.models import LMModelConfig
from dlclassics.report.html import ResultRow, Section
from dlclassics.report.plots import pyplot, save_figure
from dlclassics.tour import TourConfig

NEURAL = {
    "nnlm": LMModelConfig(order=4, embed=64, hidden=128, dropout=0.1, bptt=32),
    "lstm": LMModelConfig(embed=128, hidden=128, dropout=0.1, bptt=32),
}


def _slice(out_dir: Path, sentences: int) -> Path:
    lines = [" ".join(s) for s in units("brown", "train", "word")[:sentences]]
    path = out_dir / "brown_slice.txt"
    write_text(path, "\n".join(lines) + "\n")
    return path


def _kn_trigram(text: Path) -> tuple[float, float]:
    from dlclassics.lm.data import BROWN_MIN_COUNT
    from dlclassics.ngram import count_ngrams, estimate

    train, test = units(str(text), "train", "word"), units(str(text), "test", "word")
    start = time.process_time()
    lm = estimate(count_ngrams(train, 3, min_count=BROWN_MIN_COUNT), "kn")
    return lm.score(test).perplexity, time.process_time() - start


def _bars(perplexities: dict[str, float], path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    names = list(perplexities)
    ax.bar(names, [perplexities[n] for n in names], color=["#888", "#4c72b0", "#dd8452"])
    for i, n in enumerate(names):
        ax.text(i, perplexities[n], f"{perplexities[n]:.0f}", ha="center", va="bottom")
    ax.set_ylabel("test perplexity (lower is better)")
    ax.set_title("The LM ladder on a Brown slice")
    return save_figure(fig, path)


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    """Build the KN trigram, train NNLM and LSTM, compare test perplexities.

    Runs torch on one thread (restored afterwards): the budgets are CPU seconds, and on a
    small model extra threads mostly add spin time to the process's CPU clock.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _ladder(config, out_dir)
    finally:
        torch.set_num_threads(threads)


def _ladder(config: TourConfig, out_dir: Path) -> Section:
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    out_dir.mkdir(parents=True)
    sentences, budget = (6000, 12.0) if config.quick else (20000, 90.0)
    start = time.perf_counter()
    text = _slice(out_dir, sentences)
    kn, kn_seconds = _kn_trigram(text)
    perplexities = {"KN trigram": kn}
    rows = [
        ResultRow(
            what=f"interpolated Kneser–Ney trigram ({kn_seconds:.1f} CPU s)",
            ours=f"test perplexity {kn:.1f}",
            reference="n-gram baseline (benchmarks/lm_brown.py: 151 on all of Brown)",
        )
    ]
    base = LMTrainConfig()
    samples = []
    for name, arch in NEURAL.items():
        run_dir = out_dir / name
        trainer = replace(
            base.trainer, seed=config.seed, eval_every=10**9, progress=False, batch_size=32
        )
        train_lm(
            LMTrainConfig(
                model=name,  # type: ignore[arg-type]
                data=str(text),
                run_dir=run_dir,
                cpu_budget=budget,
                arch=arch,
                trainer=trainer,
            )
        )
        result = evaluate(LMEvalConfig(run_dir=run_dir))
        perplexities[name.upper()] = result["perplexity"]
        rows.append(
            ResultRow(
                what=f"{name.upper()} ({result['params']:,} parameters, {budget:.0f} CPU s)",
                ours=f"test perplexity {result['perplexity']:.1f}",
                reference=f"below the KN trigram's {kn:.1f}? (informational at this budget)",
                ok=None,
            )
        )
        text_out = sample(
            LMSampleConfig(run_dir=run_dir, prompt="The", top_p=0.9, seed=config.seed)
        )
        samples.append(f"{name.upper()} sample (top-p 0.9): {text_out}")
    chart = _bars(perplexities, out_dir / "perplexity.png")
    seconds = time.perf_counter() - start
    return Section(
        title="Language models: n-gram → NNLM → LSTM (notes 002, 001)",
        summary=(
            f"The first {sentences:,} Brown sentences, split 80/10/10, one vocabulary (words "
            "seen ≥ 4 times, the rest <unk>). Perplexity counts every word and each "
            "sentence's </s>, for the n-gram and the neural models alike. The Kneser–Ney "
            "trigram is counted in a second; the neural models get a fixed CPU budget "
            f"({budget:.0f} s each) — small, so the n-gram often still wins here; "
            "benchmarks/lm_brown.py gives the full ladder on all of Brown."
        ),
        rows=rows,
        images=[chart],
        notes=samples,
        seconds=seconds,
        timed="n-gram + training + evaluation + samples",
        command=(
            "dlc lm train --model lstm --data brown --run-dir runs/lstm --cpu-budget 480; "
            "dlc lm eval --run-dir runs/lstm"
        ),
    )
