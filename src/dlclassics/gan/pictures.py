"""Pictures of a GAN: sample grids, scatter plots of 2-D samples, latent interpolations."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from dlclassics.io import write_bytes
from dlclassics.train.curves import pyplot, save_figure


def image_grid(images: torch.Tensor, rows: int, out: Path, *, scale: int = 2) -> Path:
    """(N, 1, H, W) images in [−1, 1] tiled ``rows`` high, 1-pixel gaps, as a grey PNG."""
    from PIL import Image

    N, _, H, W = images.shape
    cols = -(-N // rows)
    grid = np.ones((rows * (H + 1) + 1, cols * (W + 1) + 1), dtype=np.float32)
    pixels = ((images[:, 0].clamp(-1, 1) + 1) / 2).cpu().numpy()  # (N, H, W) in [0, 1]
    for i in range(N):
        r, c = divmod(i, cols)
        top, left = 1 + r * (H + 1), 1 + c * (W + 1)
        grid[top : top + H, left : left + W] = pixels[i]
    image = Image.fromarray((grid * 255).round().astype(np.uint8), mode="L")
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_bytes(out, buffer.getvalue())
    return out


def scatter(
    samples: torch.Tensor, means: torch.Tensor, out: Path, *, title: str = "", lim: float = 3.0
) -> Path:
    """2-D samples (N, 2) as dots over the target modes (K, 2) as crosses."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(3.6, 3.6))
    _scatter_on(ax, samples, means, title, lim)
    return save_figure(fig, out)


def stepped_scatter(
    panels: Sequence[tuple[str, torch.Tensor]], means: torch.Tensor, out: Path, *, lim: float = 3.0
) -> Path:
    """One scatter per (title, samples) panel side by side: the game step by step."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.8), squeeze=False)
    for ax, (title, samples) in zip(axes[0], panels, strict=True):
        _scatter_on(ax, samples, means, title, lim)
    return save_figure(fig, out)


def _scatter_on(
    ax: Any, samples: torch.Tensor, means: torch.Tensor, title: str, lim: float
) -> None:
    s, m = samples.detach().cpu().numpy(), means.cpu().numpy()
    ax.scatter(s[:, 0], s[:, 1], s=2, alpha=0.4, color="tab:blue")
    ax.scatter(m[:, 0], m[:, 1], s=30, marker="x", color="tab:red")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=8)


def interpolation_latents(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """(R, Z) pairs → (R·steps, Z): spherical interpolation z0 → z1 in each row (White 2016).

    slerp(z0, z1; t) = sin((1 − t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1, cos Ω = ẑ0·ẑ1: it keeps
    the norm of Gaussian noise, where a straight line passes through improbably short z.
    """
    t = torch.linspace(0, 1, steps)[None, :, None]  # (1, S, 1)
    cos = torch.nn.functional.cosine_similarity(z0, z1, dim=1).clamp(-1 + 1e-6, 1 - 1e-6)
    omega = torch.acos(cos)[:, None, None]  # (R, 1, 1)
    a = torch.sin((1 - t) * omega) / torch.sin(omega)
    b = torch.sin(t * omega) / torch.sin(omega)
    return (a * z0[:, None] + b * z1[:, None]).reshape(-1, z0.shape[1])  # (R·S, Z)


def plot_optimal_discriminator(
    x: np.ndarray,
    d: np.ndarray,
    d_star: np.ndarray,
    p_data: np.ndarray,
    p_g: np.ndarray,
    out: Path,
    *,
    title: str = "",
) -> Path:
    """The trained D(x) over D*(x) = p_data / (p_data + p_g), densities underneath."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(x, d_star, color="black", lw=2, label="D*(x) = p_data / (p_data + p_g)")
    ax.plot(x, d, color="tab:orange", ls="--", lw=2, label="D(x), trained on samples")
    scale = max(p_data.max(), p_g.max())
    ax.fill_between(x, p_data / scale, alpha=0.2, color="tab:green", label="p_data (scaled)")
    ax.fill_between(x, p_g / scale, alpha=0.2, color="tab:blue", label="p_g (scaled)")
    ax.set_xlabel("x")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title(title, fontsize=9)
    return save_figure(fig, out)


def plot_generator_gradients(
    curves: Sequence[tuple[str, np.ndarray, np.ndarray]],
    out: Path,
    *,
    data_mean: float,
    title: str = "",
) -> Path:
    """Per loss (name, ‖∇_θ L_G‖ per step, μ of G per step): two panels side by side."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    for name, grad_norm, mean in curves:
        left.plot(np.arange(1, len(grad_norm) + 1), grad_norm, label=name)
        right.plot(np.arange(1, len(mean) + 1), mean, label=name)
    right.axhline(data_mean, color="grey", ls=":")
    left.set_yscale("log")
    left.set_xlabel("step")
    left.set_ylabel("‖∇θ L_G‖")
    right.set_xlabel("step")
    right.set_ylabel("μ of G (data mean: dotted)")
    left.legend(fontsize=7)
    left.grid(alpha=0.3)
    right.grid(alpha=0.3)
    fig.suptitle(title, fontsize=9)
    return save_figure(fig, out)
