"""Where the captioner looked for each word: the scene once per word, its cells shaded by α_t.

Panel t shows the scene with a red overlay whose opacity in cell s is α_{t,s} (note 002
"Attention注意力机制"; the picture of Xu et al. 2015, fig. 2, on a 2×2 grid): a model that
attends well lights up the item's cell exactly when it names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from torch import Tensor

from dlclassics.caption.grammar import GRID
from dlclassics.data.cache import is_cached
from dlclassics.report.plots import save_figure
from dlclassics.train.curves import pyplot

FONT_DATASET = "wqy-microhei"  # CJK font for Chinese words, used when already cached
PER_ROW = 8  # panels per row


def _font(words: Sequence[str]) -> Any:
    from matplotlib.font_manager import FontProperties

    if all(w.isascii() for w in words) or not is_cached(FONT_DATASET):
        return FontProperties()
    from dlclassics.data.sets import wqy_microhei

    return FontProperties(fname=str(wqy_microhei.font_file()))


def plot_scene_attention(
    image: np.ndarray, words: Sequence[str], attention: Tensor, path: Path, *, title: str = ""
) -> Path:
    """Save one panel per word: ``image`` (H, W) with cell s shaded by ``attention[t, s]``.

    attention (T, 4): row t for ``words[t]`` (include the ``<eos>`` row to show it too).
    """
    T, S = attention.shape
    if len(words) != T or S != GRID * GRID:
        raise ValueError(f"attention is {T}×{S}; expected {len(words)} words × {GRID * GRID}")
    H, W = image.shape
    plt = pyplot()
    rows = (T + PER_ROW - 1) // PER_ROW
    cols = min(T, PER_ROW)
    fig, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.6 * rows + 0.3), squeeze=False)
    font = _font(words)
    weights = attention.detach().double().cpu().numpy()
    for ax in axes.flat:
        ax.axis("off")
    for t, (ax, word) in enumerate(zip(axes.flat, words, strict=False)):
        cells = weights[t].reshape(GRID, GRID)
        overlay = np.kron(cells, np.ones((H // GRID, W // GRID)))  # (H, W)
        ax.imshow(image, cmap="gray", vmin=0, vmax=255)
        red = np.zeros((H, W, 4))
        red[..., 0], red[..., 3] = 1.0, 0.6 * overlay
        ax.imshow(red)
        ax.set_title(word, fontproperties=font, fontsize=9)
    if title:
        fig.suptitle(title, fontproperties=_font([title]), fontsize=9)
    return save_figure(fig, path)
