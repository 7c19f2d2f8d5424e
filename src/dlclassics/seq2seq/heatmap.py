"""Attention heatmaps: which source words each target word looked at (notes 002 "Attention").

For target step t the decoder's attention weights a_t = softmax_s(score(h_t, m_s)) form a
distribution over source positions s; stacking them for t = 1 … |Y| gives the |Y| × |X|
alignment matrix of Bahdanau et al. (2015, fig. 3). A good translation model shows a
roughly diagonal band, bent where the two languages order words differently ("the white
house" → "la casa blanca").

>>> import torch, tempfile, pathlib
>>> weights = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
>>> out = pathlib.Path(tempfile.mkdtemp()) / "attention.png"
>>> plot_attention(weights, ["hola", "mundo"], ["hello", "world", "</s>"], out).exists()
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from dlclassics.report.plots import pyplot, save_figure

__all__ = ["plot_attention"]


def plot_attention(
    attention: torch.Tensor,
    source: Sequence[str],
    target: Sequence[str],
    path: Path,
    *,
    title: str = "",
) -> Path:
    """Save a |target| × |source| heatmap of attention weights as a PNG.

    attention (T, S): row t is the distribution over the source for target token t (a
    :class:`~dlclassics.seq2seq.search.Hypothesis` keeps one row per emitted token, the EOS
    step included). ``source`` and ``target`` label the columns and rows.
    """
    T, S = attention.shape
    if (len(target), len(source)) != (T, S):
        raise ValueError(
            f"attention is {T}×{S} but there are {len(target)} target and {len(source)} "
            "source labels; give one label per row and per column"
        )
    weights = attention.detach().double().cpu().numpy()
    plt = pyplot()
    # About 0.35 inch per token, so every label stays readable, within sane bounds.
    width = min(max(3.0, 0.35 * S + 1.5), 24.0)
    height = min(max(2.5, 0.35 * T + 1.0), 24.0)
    fig, ax = plt.subplots(figsize=(width, height))
    image = ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="attention weight")
    ax.set_xticks(range(S), list(source), rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(T), list(target), fontsize=8)
    ax.set_xlabel("source")
    ax.set_ylabel("target")
    if title:
        ax.set_title(title, fontsize=9)
    return save_figure(fig, path)
