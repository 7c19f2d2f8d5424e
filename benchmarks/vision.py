"""CNNs on Fashion-MNIST: test accuracy, parameters and training time of `dlc vision train`.

Targets, Fashion-MNIST test split, CPU, each within 30 minutes on 2 cores: LeNet ≥ 0.90,
ResNet-20 ≥ 0.93 (and ≥ 0.94 with augmentation), VGG and Inception ≥ 0.92; the ViT (``vit``,
parameters level with LeNet) compared with LeNet at equal CPU seconds. Measured 2026-12-05 on
a shared machine (one thread, seed 0, one run each): ResNet-20 with ``--preset resnet
--augment`` 0.9401 after 18 epochs in 2,275 CPU s (38 minutes of one core; without
augmentation 0.9369 after 11 epochs in 1,886 CPU s); Inception 0.9269 after 10 epochs in 841
CPU s; VGG 0.935 after 5 epochs in 499 CPU s; ViT 0.8685 after 5 epochs in 101 CPU s against
LeNet's 0.9101 after 15 epochs in the same 101 CPU s. Rows record the machine's load average
during the run; on a shared machine train_cpu_seconds, not train_seconds, is the cost.

Measures the CNN rows of ``benchmarks/RESULTS.md``. Each model trains with the default
config of `dlc vision train` (``--max-steps`` overrides it), is evaluated on the 10,000-image
test split with its best-validation checkpoint, and adds one row per (model, seed, steps) to
``benchmarks/results/vision.json``; rows of other models or runs already in the file are kept,
so models can be run one at a time. ``--ops`` adds the ``{"op": "conv2d", "impl":
"naive"|"im2col"|"torch", "seconds", "ratio_to_torch"}`` rows of the from-scratch convolution
(the measurement of ``benchmarks/vision_ops.py``, also kept as its own file).

    python benchmarks/vision.py --models lenet --seeds 0
    python benchmarks/vision.py --ops --models                 # conv2d timings only
    python benchmarks/vision.py --models resnet --threads 1     # long: see the row's seconds
    python benchmarks/vision.py --models resnet --preset resnet --augment --max-steps 7740
    python benchmarks/vision.py --models inception --max-steps 4300 --threads 1
    python benchmarks/vision.py --models vit --max-steps 2150 --threads 1

``--run-dir DIR`` trains in DIR (kept) instead of a temporary folder, and continues the run saved
there if there is one (``dlc vision train --resume``, with ``--max-steps`` as the new budget);
``--prior-cpu-seconds S`` adds the CPU time an earlier process spent on that run to the row.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

from _common import RESULTS, write_results
from dlclassics.config import replace
from dlclassics.vision.models import MODELS, build_model, count_parameters
from dlclassics.vision.run import (
    PRESETS,
    TRAIN,
    VisionEvalConfig,
    VisionTrainConfig,
    evaluate,
    train,
)

TRAIN_IMAGES = 55_000  # fashion-mnist train split (the other 5,000 are validation)
LOAD_EVERY = 60.0  # seconds between samples of the 1-minute load average during a run


class LoadSampler:
    """The machine's 1-minute load average, sampled every ``LOAD_EVERY`` s in a daemon thread.

    On a shared machine train_seconds depends on the other jobs; the row states how busy the
    machine was, so that train_cpu_seconds (this process's CPU time) reads as the cost measure.
    """

    def __init__(self) -> None:
        self.samples = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(LOAD_EVERY):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> str:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])
        mean, peak = sum(self.samples) / len(self.samples), max(self.samples)
        return (
            f"1-minute load average {mean:.1f} mean, {peak:.1f} max on {os.cpu_count()} cores "
            f"(shared with other jobs; {len(self.samples)} samples): train_seconds depends on "
            "them, train_cpu_seconds is the cost measure"
        )


def run(
    model: str,
    seed: int,
    max_steps: int | None,
    preset: str | None,
    augment: bool,
    run_dir: Path | None = None,
    prior_cpu: float = 0.0,
) -> dict[str, Any]:
    base = VisionTrainConfig(model=model, data="fashion-mnist")  # type: ignore[arg-type]
    if preset is not None:
        base = replace(PRESETS[preset], model=model, data="fashion-mnist")
    if augment:
        base = replace(base, augmentation=replace(base.augmentation, augment=True))
    trainer = replace(base.trainer, seed=seed, progress=False)
    if max_steps is not None:
        trainer = replace(trainer, max_steps=max_steps)
    resumed = run_dir is not None and (run_dir / "model.json").is_file()
    with tempfile.TemporaryDirectory() as tmp:
        where = run_dir or Path(tmp)
        config = replace(base, run_dir=where, trainer=trainer)
        start, start_cpu, load = time.perf_counter(), time.process_time(), LoadSampler()
        if resumed:
            config = TRAIN.resume_config(where)
            config = replace(config, trainer=replace(config.trainer, max_steps=trainer.max_steps,
                                                     progress=False))  # fmt: skip
            TRAIN.resume(config)
        else:
            train(config)
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        load_average = load.stop()
        accuracy = evaluate(VisionEvalConfig(run_dir=where))["accuracy"]
    extra = {}
    if resumed:
        extra["resumed"] = (
            f"continued the run in {run_dir} to {trainer.max_steps} steps; train_cpu_seconds "
            f"adds {prior_cpu:.0f} s that an earlier process spent on its first steps"
        )
    return {
        "model": model,
        "recipe": preset or "default",
        "augment": base.augmentation.augment,
        "dataset": "fashion-mnist",
        "seed": seed,
        "steps": trainer.max_steps,
        "epochs": round(trainer.max_steps * trainer.batch_size / TRAIN_IMAGES, 2),
        "params": count_parameters(build_model(model)),
        "test_accuracy": accuracy,
        "train_seconds": round(seconds, 1),  # includes per-epoch validation and checkpoints
        "train_cpu_seconds": round(
            cpu + prior_cpu, 1
        ),  # process CPU time: what the run cost, whatever the load
        "threads": torch.get_num_threads(),
        "load_average": load_average,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "command": "python " + " ".join(sys.argv),
        **extra,
    }


def key(row: dict[str, Any]) -> tuple[Any, ...]:
    if "op" in row:  # a conv2d timing row
        return "op", row["impl"], row["shape"]
    recipe = row.get("recipe", "default"), row.get("augment", False)
    return row["model"], *recipe, row["dataset"], row["seed"], row["steps"], row.get("threads")


def conv_rows(repeats: int = 7) -> list[dict[str, Any]]:
    """The conv2d op rows (naive, im2col, torch; forward+backward) of :mod:`vision_ops`."""
    from threadpoolctl import threadpool_limits

    from vision_ops import measure

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1, user_api="blas"):
        rows = measure(repeats, seed=0, threads=1)
    torch.set_num_threads(threads)
    command = "python " + " ".join(sys.argv)
    return [
        {**row, "command": command, "date": datetime.now(UTC).strftime("%Y-%m-%d")} for row in rows
    ]


def order(row: dict[str, Any]) -> tuple[Any, ...]:
    if "op" in row:
        return 1, row["shape"], row["impl"], 0, 0
    return 0, row["model"], row.get("recipe", "default"), row["steps"], row["seed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--models", nargs="*", default=["lenet"], choices=list(MODELS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--max-steps", type=int, default=None, help="override (default: config)")
    parser.add_argument("--preset", default=None, choices=list(PRESETS), help="a train preset")
    parser.add_argument("--augment", action="store_true", help="random crops and flips")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    parser.add_argument("--ops", action="store_true", help="also time conv2d (naive/im2col/torch)")
    parser.add_argument("--run-dir", type=Path, default=None, help="train here; resume if saved")
    parser.add_argument("--prior-cpu-seconds", type=float, default=0.0)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    new = conv_rows() if args.ops else []
    for row in new:
        print(json.dumps(row))
    save(new)
    for model in args.models:
        for seed in args.seeds:
            row = run(model, seed, args.max_steps, args.preset, args.augment, args.run_dir,
                      args.prior_cpu_seconds)  # fmt: skip
            print(json.dumps(row))
            save([row])


def save(new: list[dict[str, Any]]) -> None:
    """Add ``new`` to the rows in ``results/vision.json`` as the file is now, replacing rows of
    the same key: runs of other models, possibly another process's finished a minute ago, stay."""
    path = RESULTS / "vision.json"
    old = json.loads(path.read_text())["rows"] if path.is_file() else []
    rows = {key(row): row for row in [*old, *new]}
    write_results(
        "vision",
        "cnn_fashion_mnist",
        sorted(rows.values(), key=order),
        notes=(
            "Model rows: dlc vision train with the config named by `recipe`: `default` = AdamW "
            "lr 2e-3, weight decay 0.01, cosine, batch 128; `resnet` = the `--preset resnet` "
            "recipe (SGD Nesterov lr 0.1, weight decay 5e-4, cosine, label smoothing 0.1); "
            "`augment` = random crops (pad 2) and flips. `steps` steps, best validation "
            "checkpoint, Fashion-MNIST test split (10,000 images). train_seconds is wall time "
            "(with per-epoch validation and checkpoints) on a machine shared with other jobs "
            "(train_cpu_seconds: the process's CPU time); `threads` is torch's intra-op thread "
            "count. Op rows (`--ops`): conv2d forward+backward in float64, best of 7, one "
            "thread, our NumPy naive loops and im2col vs torch F.conv2d on the stated shape "
            "(same code as benchmarks/vision_ops.py). `load_average`: the machine's 1-minute "
            "load average, sampled each minute of the run. Each row carries the command that "
            "made it."
        ),
    )


if __name__ == "__main__":
    main()
