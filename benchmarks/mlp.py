"""MLP on Fashion-MNIST: `dlc mlp train` (default config) vs a bare PyTorch loop.

Targets: the default config reaches ≥ 0.88 test accuracy in ≤ 5 minutes on 2 cores.

Measures (the MLP rows of ``benchmarks/RESULTS.md``) the test accuracy of the default config
over ``--seeds`` seeds, and the trainer's overhead as the ratio of its wall time to a plain
loop (same model, init, data order, optimizer, schedule) run in the same process — the loop
the PyTorch tutorials teach, with no evaluation, checkpoints or logging.

    python benchmarks/mlp.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from _common import write_results
from dlclassics.config import replace
from dlclassics.data.tensors import image_dataset
from dlclassics.mlp.commands import MLPEvalConfig, MLPTrainConfig, build, evaluate, train


def bare_loop(config: MLPTrainConfig) -> tuple[float, float]:
    """(seconds, test accuracy) of the same training in a tutorial-style loop."""
    train_set, test_set = image_dataset(config.data, "train"), image_dataset(config.data, "test")
    task = build(config, train_set)
    t = config.trainer
    optimizer = torch.optim.Adam(task.parameters(), lr=t.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, t.max_steps) / t.max_steps))
    )
    x, y = train_set.tensors
    start = time.perf_counter()
    task.train()
    step, epoch = 0, 0
    while step < t.max_steps:
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(t.seed + epoch))
        for i in range(0, len(x) - t.batch_size + 1, t.batch_size):
            if step == t.max_steps:
                break
            idx = order[i : i + t.batch_size]
            loss = F.cross_entropy(task(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
        epoch += 1
    seconds = time.perf_counter() - start
    xt, yt = test_set.tensors
    accuracy = (task.predict(xt) == yt).float().mean().item()
    return seconds, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--max-steps", type=int, default=None, help="override (default: config)")
    args = parser.parse_args()
    rows = []
    for seed in args.seeds:
        base = MLPTrainConfig()
        trainer = replace(base.trainer, seed=seed, progress=False)
        if args.max_steps:
            trainer = replace(trainer, max_steps=args.max_steps)
        with tempfile.TemporaryDirectory() as tmp:
            config = replace(base, run_dir=Path(tmp), trainer=trainer)
            start = time.perf_counter()
            train(config)
            ours_seconds = time.perf_counter() - start
            ours = evaluate(MLPEvalConfig(run_dir=Path(tmp)))["accuracy"]
        bare_seconds, bare = bare_loop(config)
        common = {"dataset": "fashion-mnist", "seed": seed, "steps": trainer.max_steps}
        common["epochs"] = round(trainer.max_steps * trainer.batch_size / 55_000, 2)
        rows.append(
            {"impl": "dlclassics", **common, "test_accuracy": ours, "train_seconds": ours_seconds}
        )
        rows.append(
            {
                "impl": "bare-torch-loop",
                **common,
                "test_accuracy": bare,
                "train_seconds": bare_seconds,
            }
        )
        rows.append(
            {"impl": "ratio", "seed": seed, "time_ratio_to_bare": ours_seconds / bare_seconds}
        )
        print(rows[-3:])
    ours_acc = [r["test_accuracy"] for r in rows if r["impl"] == "dlclassics"]
    mean = sum(ours_acc) / len(ours_acc)
    std = (sum((a - mean) ** 2 for a in ours_acc) / max(len(ours_acc) - 1, 1)) ** 0.5
    path = write_results(
        "mlp",
        "mlp_fashion_mnist",
        rows,
        summary={"test_accuracy_mean": mean, "test_accuracy_std": std, "seeds": args.seeds},
        notes=(
            "dlclassics includes per-epoch validation, checkpoints and metrics.jsonl in its time; "
            "the bare loop only trains. Same model, init, data order and LR schedule."
        ),
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
