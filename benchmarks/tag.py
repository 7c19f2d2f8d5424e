"""Sequence labelling: our best tagger vs sklearn-crfsuite, jieba and a most-frequent-tag rule.

Targets: Brown POS ≥ 0.95 accuracy (stripped tags) and ≥ 0.97 (universal tags); People's
Daily segmentation word F1 ≥ 0.95 and above jieba's; WNUT-16 entity F1 ≥ the CRF baseline's;
on every task our tagger ≥ the best baseline, all on the same fixed splits, in one run.

Per task (``--tasks``), in one process on one thread:

* ``dlclassics`` — `dlc tag train` with the task's model and step budget below, the
  checkpoint with the best val score (the task's metric: accuracy, or word/entity F1)
  evaluated on val and test (`dlc tag eval`);
* ``crfsuite`` — sklearn-crfsuite's linear-chain CRF (L-BFGS, c1 = c2 = 0.1 as in its
  tutorial; the averaged perceptron where L-BFGS costs too much, see ``Setup``) over the same
  hand-made feature templates as our MEMM (:mod:`dlclassics.tag.features`:
  the token and ±2 neighbours, bigrams, affixes, shape);
* ``jieba`` (segmentation) — ``jieba.lcut`` with its default dictionary and HMM, on raw text;
* ``most-frequent-tag`` (POS) — each word's most frequent train tag, the train's most frequent
  tag for unknown words.

Rows go to ``results/text_tasks.json`` (one per task × implementation; the file also holds
other families' tasks). CPU seconds are the budget measure: the machine is shared (2 cores,
several jobs), so wall times are not comparable.

    OMP_NUM_THREADS=1 nice python benchmarks/tag.py --tasks ner-wnut16 pos-brown-universal
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from _common import RESULTS, update_results
from dlclassics.config import replace
from dlclassics.tag.commands import TagEvalConfig, TagTrainConfig, evaluate, train
from dlclassics.tag.corpora import TaggingData, load, scheme_metric
from dlclassics.tag.features import sentence_features
from dlclassics.tag.metrics import score
from dlclassics.tag.models import ModelConfig
from dlclassics.tag.tagsets import bmes


@dataclass(frozen=True, kw_only=True)
class Setup:
    data: str  # the tagging data set
    model: ModelConfig
    steps: int  # optimizer steps of batch 32
    eval_every: int
    crf_iterations: int = 100  # L-BFGS iterations (or perceptron epochs) of the crfsuite baseline
    # "lbfgs": the CRF's likelihood, c1 = c2 = 0.1; "ap": averaged structured perceptron
    # (Collins 2002), one Viterbi pass per epoch — for the tag sets where an L-BFGS iteration's
    # forward-backward (≈ K² per token) costs minutes: K = 190 (Brown), 44 (People's Daily)
    crf_algorithm: str = "lbfgs"
    extra: dict[str, Any] = field(default_factory=dict)


TASKS = {
    "ner-wnut16": Setup(
        data="wnut16",
        # the checkpoint is chosen by val entity F1 (val_score); on 4,539 val tokens with 164
        # entities token accuracy hardly moves while F1 does
        model=ModelConfig(model="bilstm-crf", features=True, direct=True),
        steps=1000,  # ≈ 17 epochs of 1,916 tweets
        eval_every=100,
    ),
    "pos-brown-universal": Setup(
        data="brown-universal",
        model=ModelConfig(model="bilstm-crf", features=True, direct=True),
        steps=2500,  # ≈ 2.3 epochs of 35,523 sentences
        eval_every=500,
    ),
    "seg-peoples-daily": Setup(
        data="peoples-daily-seg",
        # the char bigrams (w-1|w, w|w+1) as input embeddings and as direct output weights
        model=ModelConfig(model="bilstm-crf", features=True, direct=True),
        steps=2400,  # ≈ 3.8 epochs of the ~20k train pieces of ≤ 100 characters
        eval_every=400,
        crf_iterations=50,
    ),
    "pos-peoples-daily": Setup(
        data="peoples-daily",
        model=ModelConfig(model="bilstm-char", features=True, direct=True),
        steps=2000,
        eval_every=500,
        crf_algorithm="ap",
        crf_iterations=5,
    ),
    "pos-brown": Setup(
        data="brown",
        model=ModelConfig(model="bilstm-char", features=True, direct=True),
        steps=1500,  # ≈ 1.4 epochs of 35,523 sentences
        eval_every=500,
        crf_algorithm="ap",
        crf_iterations=3,  # ≈ 95 CPU s per L-BFGS iteration here
    ),
}


def row(task: str, impl: str, model: str, metric: str, test: float, val: float | None,
        seconds: float, **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "task": task,
        "impl": impl,
        "model": model,
        "metric": metric,
        "test": round(test, 4),
        "val": None if val is None else round(val, 4),
        "train_seconds": round(seconds, 1),
        **extra,
    }


def ours(task: str, setup: Setup, out: Path, seed: int) -> dict[str, Any]:
    base = TagTrainConfig()
    config = TagTrainConfig(
        data=setup.data,
        run_dir=out / task,
        tagger=setup.model,
        feature_min_count=3,
        trainer=replace(
            base.trainer,
            max_steps=setup.steps,
            eval_every=setup.eval_every,
            checkpoint_every=setup.eval_every,
            lr=3e-3,
            seed=seed,
            progress=False,
        ),
    )
    shutil.rmtree(config.run_dir, ignore_errors=True)  # the benchmark's own run: start afresh
    result = train(config)
    test = evaluate(TagEvalConfig(run_dir=config.run_dir, split="test"))
    val = evaluate(TagEvalConfig(run_dir=config.run_dir, split="val"))
    budget = f"{setup.steps} steps of batch 32, Adam lr 3e-3 cosine, seed {seed}"
    return row(
        task, "dlclassics", setup.model.name, test["metric"], test["value"], val["value"],
        result.cpu_seconds, budget=budget, wall_seconds=round(result.wall_seconds, 1),
    )  # fmt: skip


def crfsuite(task: str, setup: Setup, data: TaggingData) -> dict[str, Any]:
    import sklearn_crfsuite

    def features(split: str) -> list[list[list[str]]]:
        return [sentence_features(tokens) for tokens, _ in data.splits[split]]

    start = time.process_time()
    if setup.crf_algorithm == "lbfgs":
        crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=0.1, c2=0.1, max_iterations=setup.crf_iterations
        )
        trained = "L-BFGS, c1=c2=0.1"
        budget = f"≤ {setup.crf_iterations} L-BFGS iterations (feature extraction included)"
    else:
        crf = sklearn_crfsuite.CRF(algorithm="ap", max_iterations=setup.crf_iterations)
        trained = "averaged perceptron"
        budget = f"{setup.crf_iterations} perceptron epochs (feature extraction included)"
    crf.fit(features("train"), [tags for _, tags in data.splits["train"]])
    seconds = time.process_time() - start
    metric = scheme_metric(data.scheme)
    scores = {
        split: score(data.scheme, [t for _, t in data.splits[split]], crf.predict(features(split)))
        for split in ("test", "val")
    }
    return row(
        task, "crfsuite", f"linear-chain CRF, {trained}, the MEMM's feature templates",
        metric, scores["test"][metric], scores["val"][metric], seconds, budget=budget,
    )  # fmt: skip


def most_frequent_tag(task: str, data: TaggingData) -> dict[str, Any]:
    start = time.process_time()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for tokens, tags in data.splits["train"]:
        for w, t in zip(tokens, tags, strict=True):
            counts[w][t] += 1
            overall[t] += 1
    best = {w: c.most_common(1)[0][0] for w, c in counts.items()}
    default = overall.most_common(1)[0][0]
    seconds = time.process_time() - start

    def accuracy(split: str) -> float:
        gold = [t for _, t in data.splits[split]]
        predicted = [[best.get(w, default) for w in tokens] for tokens, _ in data.splits[split]]
        return score("pos", gold, predicted)["accuracy"]

    return row(
        task, "most-frequent-tag", f"each word's most frequent train tag, else {default}",
        "accuracy", accuracy("test"), accuracy("val"), seconds,
    )  # fmt: skip


def jieba_segmenter(task: str, data: TaggingData) -> dict[str, Any]:
    import jieba

    jieba.setLogLevel(60)  # no "Building prefix dict" lines
    jieba.initialize()

    def f1(split: str) -> float:
        gold = [t for _, t in data.splits[split]]
        predicted = [bmes(jieba.lcut("".join(chars))) for chars, _ in data.splits[split]]
        return score("bmes", gold, predicted)["f1"]

    return row(
        task, "jieba", "jieba 0.42.1 default dictionary + HMM (trained on other text)",
        "f1", f1("test"), f1("val"), 0.0,
    )  # fmt: skip


def committed_baselines(task: str) -> list[dict[str, Any]]:
    """The task's baseline rows as ``results/text_tasks.json`` holds them (``--keep-baselines``)."""
    path = RESULTS / "text_tasks.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"] if path.exists() else []
    kept = [r for r in rows if r["task"] == task and r["impl"] != "dlclassics"]
    if not kept:
        raise SystemExit(f"{path} holds no baseline rows of {task}: run without --keep-baselines")
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--out", type=Path, default=Path("runs/bench-tag"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--keep-baselines",
        action="store_true",
        help="train and score ours only; keep the task's committed baseline rows (each with "
        "the command that made it): crfsuite's L-BFGS/perceptron and jieba are deterministic",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    for task in args.tasks:
        setup = TASKS[task]
        data = load(setup.data)
        rows = [ours(task, setup, args.out, args.seed)]
        if args.keep_baselines:
            rows += committed_baselines(task)
        else:
            rows.append(crfsuite(task, setup, data))
            if data.scheme == "pos":
                rows.append(most_frequent_tag(task, data))
            if data.scheme == "bmes":
                rows.append(jieba_segmenter(task, data))
        for r in rows:
            print(f"{task:20s} {r['impl']:18s} {r['metric']} test {r['test']:.4f}  "
                  f"val {r['val']}  {r['train_seconds']:.0f} CPU s", flush=True)  # fmt: skip
        update_results(
            "text_tasks",
            "Text tasks: classification and sequence labelling, ours vs peers on the same splits "
            "(shared 2-core machine: CPU seconds are the budget measure)",
            rows,
            key="task",
        )


if __name__ == "__main__":
    main()
