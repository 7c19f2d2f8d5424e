"""The tagger's step in ``dlc tour``: a BiLSTM-CRF tags Brown with the universal tags.

A slice of Brown's train split (written as a ``token<TAB>tag`` file, split 80/10/10 by
position) trains a small BiLSTM-CRF with the hand-made features for a few seconds; the
step reports its test accuracy next to the most-frequent-tag rule on the same slice and
draws one held-out sentence with its predicted and gold tags (``tagged.png``).
"""

from __future__ import annotations

import shutil
import time
from collections import Counter, defaultdict
from pathlib import Path

from dlclassics.config import replace
from dlclassics.report.html import ResultRow, Section
from dlclassics.report.plots import save_figure
from dlclassics.tag.commands import TagEvalConfig, TagTrainConfig, evaluate, load_run, tag, train
from dlclassics.tag.corpora import load
from dlclassics.tag.models import ModelConfig
from dlclassics.tour import TourConfig
from dlclassics.train.curves import pyplot

SLICE = {True: 1500, False: 6000}  # Brown train sentences (quick, full)
STEPS = {True: 150, False: 1200}


def draw_tagged(tokens: list[str], predicted: list[str], gold: list[str], out: Path) -> Path:
    """The sentence, each word over its predicted tag (red where it differs from gold)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(min(1.1 * len(tokens) + 1, 16), 1.9))
    ax.set_axis_off()
    ax.set_xlim(-0.6, len(tokens) - 0.4)
    ax.set_ylim(-1.6, 1.0)
    for i, (w, p, g) in enumerate(zip(tokens, predicted, gold, strict=True)):
        ax.text(i, 0.5, w, ha="center", va="center", fontsize=11)
        right = p == g
        box = {"boxstyle": "round", "fc": "#dff0d8" if right else "#f2dede", "ec": "#999"}
        ax.text(i, -0.3, p, ha="center", va="center", fontsize=9, bbox=box)
        if not right:
            ax.text(i, -1.1, f"gold {g}", ha="center", va="center", fontsize=7, color="#a94442")
    ax.set_title("BiLSTM-CRF tags (green: right, red: wrong, with the gold tag)", fontsize=10)
    return save_figure(fig, out)


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    out_dir.mkdir(parents=True)
    sentences = load("brown-universal").splits["train"][: SLICE[config.quick]]
    data = out_dir / "brown-slice.conll"
    data.write_text(
        "".join(
            "".join(f"{w}\t{t}\n" for w, t in zip(tokens, tags, strict=True)) + "\n"
            for tokens, tags in sentences
        ),
        encoding="utf-8",
    )
    base = TagTrainConfig()
    run = TagTrainConfig(
        data=str(data),
        run_dir=out_dir / "run",
        tagger=ModelConfig(model="bilstm-crf", features=True, hidden=64, word_dim=48),
        trainer=replace(
            base.trainer,
            max_steps=STEPS[config.quick],
            eval_every=STEPS[config.quick],
            lr=3e-3,
            seed=config.seed,
            progress=False,
        ),
    )
    start = time.perf_counter()
    train(run)
    seconds = time.perf_counter() - start
    result = evaluate(TagEvalConfig(run_dir=run.run_dir))
    # the most-frequent-tag rule on the same slice, for scale
    n_train = round(len(sentences) * 0.8)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, tags in sentences[:n_train]:
        for w, t in zip(tokens, tags, strict=True):
            counts[w][t] += 1
    test = sentences[round(len(sentences) * 0.9) :]
    right = sum(
        (counts[w].most_common(1)[0][0] if w in counts else "NOUN") == t
        for tokens, tags in test
        for w, t in zip(tokens, tags, strict=True)
    )
    baseline = right / sum(len(tokens) for tokens, _ in test)
    example = next(s for s in test if 8 <= len(s[0]) <= 14)
    _, encoder, tagger = load_run(run.run_dir)
    predicted = tag(tagger, encoder, [example[0]])[0]
    picture = draw_tagged(example[0], predicted, example[1], out_dir / "tagged.png")
    return Section(
        title="Sequence labelling: BiLSTM-CRF POS tagger (note 002, many-to-many; the CRF)",
        summary=(
            f"A BiLSTM-CRF with a character CNN and hand-made features, its CRF written from "
            f"scratch, trained {run.trainer.max_steps} steps on {n_train} sentences of the Brown "
            f"corpus with the 12 universal tags; accuracy on {len(test)} held-out sentences."
        ),
        rows=[
            ResultRow(
                what="test accuracy",
                ours=f"{result['accuracy']:.4f}",
                reference=f"most frequent tag per word: {baseline:.4f}",
                ok=result["accuracy"] > baseline,
            ),
            ResultRow(
                what="full benchmark",
                ours="benchmarks/tag.py",
                reference="≥ 0.97 on Brown universal, whole train split",
            ),
        ],
        images=[picture],
        seconds=seconds,
        timed="training",
        command=f"dlc tag train --data {data} --features --run-dir {run.run_dir}",
    )
