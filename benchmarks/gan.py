"""GANs on the ring of 8 Gaussians, Fashion-MNIST and MNIST, measured by our own classifier.

    python benchmarks/gan.py                                   # every row (CPU-hours: see below)
    python benchmarks/gan.py --only fashion-mnist/dcgan 8-gaussians/pacgan

Each row trains one `dlc gan train` run (one CPU thread: ``torch.set_num_threads(1)``), then
measures it with ``dlc gan eval`` (10,000 samples): on the ring the modes covered and the share
of samples within 3σ of a mode; on images the Fréchet distance in our judge classifier's feature
space (``fid_own``) and the classifier score, each next to the same measure on real held-out
images (``*_real*``), and the rarest / commonest class among 10,000 samples. Rows of separate
invocations are merged into ``results/gan.json``. ``train_seconds`` is the process CPU time of
the training (all threads; one here), the honest budget on a machine shared with other jobs;
wall time is recorded too. Also written: the 1-D game (``line``: D vs D*, saturating vs
non-saturating generator gradients) and the pictures under ``runs/gan-bench/``.

Measured (seed 0, 2026-12-05, one thread on a 2-core machine shared with ~8 other jobs; CPU s
= process CPU seconds of the training; every row trains in well under the 30 minutes on 2 cores
(≤ 3,600 CPU s) of the target — the longest, 495 CPU s):

* line: E|D − D*| = 0.011 (max 0.035); ‖∇θ L_G‖ over the first 50 steps 0.0051 (saturating)
  vs 5.04 (non-saturating); after 300 SGD steps μ of G is −1.99 vs 1.99 (data mean 2, start −2);
* 8 Gaussians (σ = 0.05, r = 2), 10,000 steps of batch 256: PacGAN (pack 4) 8/8 modes, 88.1 %
  within 3σ (87.5 CPU s). Target 8/8 with ≥ 80 %: **met**. The plain discriminator collapses
  onto one region for the first ~1,000 steps (stepped scatter) and ends on 5/8 modes, 89.0 %
  (117.8 CPU s). Settings tried for PacGAN (10,000 samples, noise seeds 0 / 1): 6,000 steps (the
  old preset) 76.3 / 75.8 % — 8/8, the misses on bridges between neighbouring modes; 6,000 with
  the steps decaying linearly to 0: 56.8 % (the bridges freeze); depth 3: 79.7 %; D's step
  1e-3: 73.4 %; 10,000 steps: 88.1 / 88.1 %, now the ``ring`` preset (``ring-collapse`` too);
* the judge (:mod:`dlclassics.gan.judge`, same CNN) now trains 12 epochs, the best val accuracy
  kept: it was under-trained with 3 (Fashion-MNIST train 91.6 %, test 89.9 %, real test images'
  score 7.58; MNIST test 96.0 %, test score 8.30). With 12: Fashion-MNIST train 97.1 %, val 92.6 %,
  test 92.3 %, real test score 8.68 (434 CPU s, once); MNIST test 98.5 %, val + test 98.2 %,
  real score 9.40 (55 CPU s). Every image row below is judged by these; the real floor and the
  judge's held-out accuracy sit next to each row in results/gan.json;
* Fashion-MNIST (55,000 training images, 10,000 test images as the floor), batch 64: DCGAN,
  7,500 steps (8.7 epochs): fid_own 62.1, classifier score 6.43, classes 8.0–12.3 % (495 CPU s);
  the same run after 2,500 / 5,000 / 10,000 steps: fid_own 153.6 / 92.5 / 56.6, score 5.31 /
  6.08 / 6.48, classes 5.5–17.1 / 6.9–13.7 / 7.1–12.6 % (7,500 keeps a margin on the shares).
  MLP GAN, 2,500 steps: fid_own 303.4, score 4.47, classes 0.5–35.6 % (53 CPU s); cDCGAN, 2,500
  steps: fid_own 141.8, score 7.31, classes 6.0–11.8 % (156 CPU s). Real floor: fid_own 0.96,
  score 8.68. Targets: classes 7–13 % **met**; fid_own below the MLP GAN's **met** (also at equal
  steps: 153.6 vs 303.4 at 2,500); score ≥ 8.0 **not met** (6.43; the judge now scores real
  images 8.68, so 8.0 is within its reach);
* MNIST (the 10k set: 8,002 training images; the floor is the 1,998 val + test digits, so
  fid_own compares 1,998 samples per side — a larger small-sample bias than Fashion-MNIST's
  10,000, and another judge: compare MNIST numbers only with each other), batch 64: DCGAN, 7,500
  steps (60 epochs): fid_own 153.9, score 6.15, classes 3.8–18.7 % (470 CPU s; at 2,500 steps:
  232.9, 5.12, 1.9–22.6 %, 165 CPU s); MLP GAN, 2,500 steps: fid_own 439.7, score 4.73, classes
  0.9–21.8 % (55 CPU s); cDCGAN, 2,500 steps: fid_own 175.9, score 9.03, classes 6.5–14.9 %
  (170 CPU s). Real floor: fid_own 2.09, score 9.40. Targets for the DCGAN: fid_own below the
  MLP GAN's **met**; classes 7–13 % **not met** (1s, 2s, 4s, 8s 3.8–6.5 %; 0s 16.3, 9s
  18.7 %); score ≥ 8.0 **not met** (6.15; the class-conditional cDCGAN reaches 9.03).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from _common import update_results, write_results
from dlclassics.config import replace
from dlclassics.gan.commands import GANEvalConfig, evaluate
from dlclassics.gan.line import (
    LineConfig,
    SaturationConfig,
    optimal_discriminator_experiment,
    saturation_experiment,
)
from dlclassics.gan.loop import GANLoopConfig
from dlclassics.gan.mixture import ring_means
from dlclassics.gan.models import ModelConfig
from dlclassics.gan.pictures import (
    plot_generator_gradients,
    plot_optimal_discriminator,
    stepped_scatter,
)
from dlclassics.gan.training import PRESETS, GANTrainConfig, train, train_in_stages

OUT = Path("runs/gan-bench")
NOTE = (
    "2-core machine shared with ~8 other jobs: train_seconds is process CPU time on one thread "
    "(nice 5); wall time is inflated by the sharing"
)
IMAGE_LOOP = GANLoopConfig(max_steps=2500, batch_size=64, sample_every=500, checkpoint_every=500)
# the DCGAN rows train longer: Fashion-MNIST's class shares were 5.5–17.1 % after 2,500 steps,
# 6.9–13.7 % after 5,000, 8.0–12.3 % after 7,500 and 7.1–12.6 % after 10,000 (one run, seed 0)
DCGAN_LOOP = replace(IMAGE_LOOP, max_steps=7500)

# run name -> config; "8-gaussians/…" rows are trained in stages for the stepped scatter plot
RUNS: dict[str, GANTrainConfig] = {
    "8-gaussians/mlp-gan": replace(PRESETS["ring-collapse"], run_dir=OUT / "ring-mlp-gan"),
    "8-gaussians/pacgan": replace(PRESETS["ring"], run_dir=OUT / "ring-pacgan"),
    **{
        f"{data}/{model}": GANTrainConfig(
            data=data,  # type: ignore[arg-type]
            model=model,  # type: ignore[arg-type]
            run_dir=OUT / f"{data}-{model}",
            net=ModelConfig(latent=64, width=32, hidden=512),
            trainer=DCGAN_LOOP if model == "dcgan" else IMAGE_LOOP,
        )
        for data in ("fashion-mnist", "mnist")
        for model in ("dcgan", "mlp-gan", "cdcgan")
    },
}
KEYS = ("fid_own", "fid_own_real_floor", "classifier_score", "classifier_score_real",
        "class_share_min", "class_share_max", "judge_accuracy_real", "fid_samples",
        "modes_covered", "high_quality")  # fmt: skip


def run_row(name: str) -> dict[str, Any]:
    config = RUNS[name]
    shutil.rmtree(config.run_dir, ignore_errors=True)
    wall, cpu = time.perf_counter(), time.process_time()
    if config.data == "8-gaussians":
        steps = config.trainer.max_steps
        stops = (250, 1000, 2000, steps)
        staged = train_in_stages(config, stops)
        stepped_scatter(
            [(f"step {s}", x) for s, x in staged],
            ring_means(config.ring),
            OUT / f"{config.run_dir.name}-steps.png",
        )
    else:
        train(config)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    result = evaluate(GANEvalConfig(run_dir=config.run_dir, judge_dir=OUT / f"judge-{config.data}"))
    row = {"run": name, "data": config.data, "model": name.split("/")[1]}
    row.update({k: result.get(k) for k in KEYS})
    row.update(
        train_seconds=round(cpu, 1),
        train_wall_seconds=round(wall, 1),
        steps=config.trainer.max_steps,
        batch_size=config.trainer.batch_size,
        pack=config.net.pack,
        loss=config.loss,
        run_dir=str(config.run_dir),
        note=NOTE,
    )
    logging.info("%s", json.dumps(row))
    return row


def line_experiments() -> dict[str, Any]:
    """The 1-D game: D vs D*, and the generator's gradient with either loss."""
    line = LineConfig()
    d = optimal_discriminator_experiment(line)
    plot_optimal_discriminator(
        d.x, d.d, d.d_star, line.data.density(d.x), line.fake.density(d.x),
        OUT / "optimal-d.png", title=f"E|D − D*| = {d.error:.3f}",
    )  # fmt: skip
    sat = SaturationConfig()
    curves = {loss: saturation_experiment(sat, loss) for loss in ("saturating", "non-saturating")}
    plot_generator_gradients(
        [(k, r.grad_norm, r.mean) for k, r in curves.items()],
        OUT / "generator-gradients.png",
        data_mean=sat.data.mean,
        title="G(z) = μ + s·z starts at μ = −2 (data at 2); D rejects its samples",
    )
    return {
        "optimal_d_error": d.error,
        "optimal_d_max_error": d.max_error,
        **{f"{k}_grad_norm_first_50": float(np.mean(r.grad_norm[:50])) for k, r in curves.items()},
        **{f"{k}_mu_after_{sat.steps}": float(r.mean[-1]) for k, r in curves.items()},
        "data_mean": sat.data.mean,
        "start_mean": sat.start.mean,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=[*RUNS, "line"], help="rows to (re)run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    names = args.only or ["line", *RUNS]
    if "line" in names:
        line = line_experiments()
        logging.info("line: %s", json.dumps(line))
        write_results("gan_line", "the GAN game on a line (1-D Gaussians)", [line])
    rows = []
    for name in names:
        if name == "line":
            continue
        rows.append(run_row(name))
        update_results("gan", "GANs: own-classifier FID, classifier score, modes", rows, key="run")


if __name__ == "__main__":
    main()
