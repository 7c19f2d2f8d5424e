"""The GAN's step in ``dlc tour``: the game on a line, on the ring of 8 Gaussians, on digits.

Three small pictures of note 004 §五: the discriminator trained against a fixed generator next
to the optimal D*; the ring covered step by step by a packed discriminator (PacGAN); a DCGAN
grid of MNIST digits after a short run. ``benchmarks/gan.py`` trains the full runs.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dlclassics.config import replace
from dlclassics.gan.line import LineConfig, optimal_discriminator_experiment
from dlclassics.gan.loop import GANLoopConfig
from dlclassics.gan.mixture import mode_report, ring_means
from dlclassics.gan.models import ModelConfig
from dlclassics.gan.pictures import plot_optimal_discriminator, stepped_scatter
from dlclassics.gan.training import PRESETS, GANTrainConfig, train, train_in_stages
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    out_dir.mkdir(parents=True)
    start = time.perf_counter()
    # 1. the line: D against a fixed G, next to D*
    line = LineConfig(steps=400 if config.quick else 1500, seed=config.seed)
    d = optimal_discriminator_experiment(line)
    line_png = plot_optimal_discriminator(
        d.x, d.d, d.d_star, line.data.density(d.x), line.fake.density(d.x),
        out_dir / "optimal-d.png", title=f"E|D − D*| = {d.error:.3f}",
    )  # fmt: skip
    # 2. the plane: PacGAN on the ring, step by step
    steps = 1000 if config.quick else 4000
    base = PRESETS["ring"]
    ring = replace(
        base,
        run_dir=out_dir / "ring",
        trainer=replace(base.trainer, max_steps=steps, seed=config.seed, progress=False),
    )
    stops = tuple(steps * k // 4 for k in (1, 2, 3, 4))
    staged = train_in_stages(ring, stops)
    report = mode_report(ring.ring, staged[-1][1])
    ring_png = stepped_scatter(
        [(f"step {s}", x) for s, x in staged], ring_means(ring.ring), out_dir / "ring-steps.png"
    )
    # 3. a tiny DCGAN on real digits
    dcgan = GANTrainConfig(
        data="mnist",
        model="dcgan",
        run_dir=out_dir / "dcgan",
        net=ModelConfig(latent=32, width=16),
        trainer=GANLoopConfig(
            max_steps=100 if config.quick else 1500, sample_every=10_000, seed=config.seed,
            progress=False,
        ),
    )  # fmt: skip
    result = train(dcgan)
    grid = out_dir / "dcgan" / "samples" / f"step-{result.fit.final_step:06d}.png"
    seconds = time.perf_counter() - start
    return Section(
        title="GANs: the minimax game on a line, on a ring of 8 Gaussians, on digits (004 §五)",
        summary=(
            f"min_G max_D E[log D(x)] + E[log(1 − D(G(z)))]. On a line, a discriminator trained "
            f"on samples against a fixed generator lands on D* = p_data / (p_data + p_g). On the "
            f"ring of 8 Gaussians (σ = {ring.ring.std}), a discriminator that judges "
            f"{ring.net.pack} samples at once (PacGAN) keeps the generator from collapsing; "
            f"{steps} steps. A DCGAN trained {dcgan.trainer.max_steps} steps on MNIST draws "
            "the grid."
        ),
        rows=[
            ResultRow(
                what="E_x |D(x) − D*(x)|, 1-D Gaussians",
                ours=f"{d.error:.3f}",
                reference="0 for the optimal discriminator (Goodfellow et al. 2014, Prop. 1)",
                ok=d.error < 0.05,
            ),
            ResultRow(
                what="ring: modes covered, samples within 3σ",
                ours=f"{report.modes_covered}/8, {report.high_quality:.0%}",
                reference="8/8 and ≥ 80 % in the benchmark's longer run",
                ok=None if config.quick else report.modes_covered == 8,
            ),
        ],
        images=[line_png, ring_png, grid],
        seconds=seconds,
        timed="the three trainings",
        command="dlc gan train --preset ring; dlc gan train --data mnist --model dcgan",
    )
