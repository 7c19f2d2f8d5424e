"""What ``dlc gan eval`` measures: modes on the ring; own-FID, score and class shares on images.

Every image measure comes with its floor, the same measure on real images the GAN never saw:

* ``fid_own``: Fréchet distance (judge features) between ``m`` samples and a reference of real
  training images; ``fid_own_real_floor``: between the ``m`` held-out real images and the same
  reference, with ``m`` = the held-out count (Fashion-MNIST: the 10,000 test images; MNIST:
  val + test, 1,998) or ``n`` if fewer, so both sides carry the same small-sample bias;
* ``classifier_score`` on ``n`` samples; ``classifier_score_real`` on the held-out images;
* ``class_share_min/max``: the rarest and commonest class among the ``n`` samples;
* ``judge_accuracy_real``: the judge's accuracy on the held-out images, how far its classes
  (and so the score and the shares) can be trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from dlclassics.data.tensors import CLASS_NAMES, image_dataset
from dlclassics.gan.judge import judge, load_judge, real_images
from dlclassics.gan.loop import GAN
from dlclassics.gan.measures import class_shares, classifier_score, frechet_distance_of
from dlclassics.gan.mixture import mode_report, ring_means
from dlclassics.gan.pictures import image_grid, scatter
from dlclassics.gan.training import GANTrainConfig
from dlclassics.train.curves import pyplot, save_figure

REFERENCE = 10_000  # real training images in the Fréchet reference (all of them if fewer)


def evaluate_ring(
    run: GANTrainConfig, gan: GAN, n: int, generator: torch.Generator, out_dir: Path
) -> dict[str, Any]:
    """Modes covered and the high-quality share of ``n`` samples; writes eval-scatter.png."""
    samples = gan.sample(n, generator)
    report = mode_report(run.ring, samples)
    title = f"{report.modes_covered}/8 modes, {report.high_quality:.0%} within 3σ"
    scatter(samples[:2000], ring_means(run.ring), out_dir / "eval-scatter.png", title=title)
    return {
        "data": run.data,
        "model": run.model,
        "samples": n,
        "modes_covered": report.modes_covered,
        "high_quality": report.high_quality,
        "mode_shares": list(report.shares),
    }


def _generate(gan: GAN, n: int, generator: torch.Generator, batch: int = 1000) -> torch.Tensor:
    """(n, 1, 28, 28) samples in [0, 1]; conditional models draw classes uniformly."""
    parts = [gan.sample(min(batch, n - i), generator) for i in range(0, n, batch)]
    return (torch.cat(parts).clamp(-1, 1) + 1) / 2


def evaluate_images(
    run: GANTrainConfig,
    gan: GAN,
    n: int,
    generator: torch.Generator,
    out_dir: Path,
    judge_dir: Path,
) -> dict[str, Any]:
    """The measures of the module docstring; writes classes.png and a 100-sample grid."""
    task = load_judge(run.data, judge_dir)
    held_out_splits = ("test",) if run.data == "fashion-mnist" else ("val", "test")
    held_out = torch.cat([real_images(run.data, s) for s in held_out_splits])
    held_out_labels = torch.cat([image_dataset(run.data, s).tensors[1] for s in held_out_splits])
    train = real_images(run.data, "train")
    pick = torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[:REFERENCE]
    reference, _ = judge(task, train[pick])
    real_feats, real_probs = judge(task, held_out)
    fake = _generate(gan, n, generator)
    fake_feats, fake_probs = judge(task, fake)
    m = min(len(held_out), n)
    shares, real_shares = class_shares(fake_probs), class_shares(real_probs)
    labels = CLASS_NAMES[run.data]
    _plot_shares(shares, real_shares, labels, out_dir / "classes.png", f"{run.model} on {run.data}")
    image_grid(fake[:100] * 2 - 1, 10, out_dir / "eval-samples.png")
    return {
        "data": run.data,
        "model": run.model,
        "samples": n,
        "fid_own": frechet_distance_of(fake_feats[:m], reference),
        "fid_own_real_floor": frechet_distance_of(real_feats[:m], reference),
        "fid_samples": m,
        "fid_reference": len(reference),
        "classifier_score": classifier_score(fake_probs),
        "classifier_score_real": classifier_score(real_probs),
        "class_share_min": float(shares.min()),
        "class_share_max": float(shares.max()),
        "class_shares": {name: float(s) for name, s in zip(labels, shares, strict=True)},
        "class_shares_real": {name: float(s) for name, s in zip(labels, real_shares, strict=True)},
        "judge_accuracy_real": float((real_probs.argmax(axis=1) == held_out_labels.numpy()).mean()),
        "judge_dir": str(judge_dir),
    }


def _plot_shares(
    shares: np.ndarray, real: np.ndarray, labels: tuple[str, ...], out: Path, title: str
) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 3))
    x = np.arange(len(labels))
    ax.bar(x - 0.2, shares, 0.4, label="samples")
    ax.bar(x + 0.2, real, 0.4, label="real held-out")
    ax.axhline(1 / len(labels), color="grey", lw=0.8, ls="--")
    ax.set_xticks(x, labels, rotation=30, fontsize=7)
    ax.set_ylabel("share (judge's class)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return save_figure(fig, out)
