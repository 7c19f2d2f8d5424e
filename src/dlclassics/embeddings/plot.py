"""Pictures of the vector space: chosen word groups projected to 2-D with PCA or t-SNE.

Note 001 draws word vectors in a plane where 男人→女人 and 国王→王后 are parallel arrows.
Real vectors have 100–300 dimensions, so we project the **unit** vectors of a few chosen
words (the space every query uses) to two:

* **PCA** (from scratch): centre the points, ``X − μ = U S Vᵀ`` (SVD), keep the first two
  principal directions: ``coords = (X − μ) V[:, :2]``. Linear, so parallel offsets stay
  parallel — the right picture for analogies. Signs follow sklearn (the largest loading of
  each direction is positive), so pictures are reproducible.
* **t-SNE** (van der Maaten & Hinton 2008, ``sklearn.manifold.TSNE``): keeps neighbours
  together, not directions; good for clusters, meaningless for arrows. Perplexity is
  ``min(30, (n − 1) / 3)`` for n words, initialisation PCA, seeded.

Chinese labels need a CJK font. :func:`cjk_font` looks, in order, at the file named by
``$DLCLASSICS_CJK_FONT``; installed WenQuanYi / Noto CJK files (Debian ``fonts-wqy-microhei``,
…); the data set ``wqy-microhei`` when it is cached (``dlc data fetch wqy-microhei``); a font
put in ``$DLCLASSICS_HOME/fonts/``; and matplotlib's font list. When none is found and the
caller allows it (``plot_words(..., fetch_font=True)``, as ``dlc vectors plot`` does), the
data set is fetched once, with one log line. Otherwise, or if that fetch fails,
matplotlib's DejaVu draws empty boxes, and a warning says so.

>>> import numpy as np, tempfile, pathlib
>>> from dlclassics.embeddings.keyed import KeyedVectors
>>> kv = KeyedVectors(list("abcd"), np.random.default_rng(0).normal(size=(4, 5)))
>>> out = plot_words(kv, {"x": ["a", "b"], "y": ["c", "d"]},
...                  pathlib.Path(tempfile.mkdtemp()) / "words.png", arrows=True)
>>> out.name
'words.png'
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from dlclassics.data.cache import is_cached
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import home
from dlclassics.report.plots import pyplot, save_figure

log = logging.getLogger(__name__)

Method = Literal["pca", "tsne"]
CJK_FONT_ENV = "DLCLASSICS_CJK_FONT"
CJK_FONT_FILES = (  # where Debian/Ubuntu packages put CJK fonts
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
CJK_FONT_NAMES = ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "Source Han", "SimHei")
CJK_FONT_DATASET = "wqy-microhei"  # the data set that ships a CJK font (WenQuanYi Micro Hei)


# -- projections ---------------------------------------------------------------------------


def pca(points: np.ndarray, seed: int = 0) -> np.ndarray:
    """Coordinates on the first two principal directions; (n, 2). ``seed`` is unused."""
    centred = points - points.mean(axis=0)  # (n, D)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)  # rows of vt: directions
    vt = vt[:2]
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])  # sklearn's svd_flip
    coords = centred @ (vt * signs[:, None]).T  # (n, k)
    return np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))  # one point: one direction


def tsne(points: np.ndarray, seed: int = 0) -> np.ndarray:
    """sklearn's t-SNE to two dimensions, perplexity ``min(30, (n − 1) / 3)``; (n, 2)."""
    from sklearn.manifold import TSNE

    n = len(points)
    if n < 4:
        raise ConfigError(f"t-SNE needs at least 4 words, got {n}; use --method pca")
    perplexity = max(1.0, min(30.0, (n - 1) / 3))
    model = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    coords: np.ndarray = model.fit_transform(points.astype(np.float64))
    return coords


PROJECTIONS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {"pca": pca, "tsne": tsne}


def project(points: np.ndarray, method: Method = "pca", *, seed: int = 0) -> np.ndarray:
    """(n, D) points → (n, 2) coordinates by ``method``."""
    try:
        projection = PROJECTIONS[method]
    except KeyError:
        raise ConfigError(
            f"unknown projection {method!r}; choose one of: {', '.join(PROJECTIONS)}"
        ) from None
    return projection(np.asarray(points, dtype=np.float64), seed)


# -- fonts ---------------------------------------------------------------------------------


def has_cjk(text: str) -> bool:
    """True if ``text`` has a CJK ideograph, kana, hangul or full-width form."""
    return any(
        "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef"
        for ch in text
    )


@cache
def cjk_font() -> Path | None:
    """A font file that draws Chinese: ``$DLCLASSICS_CJK_FONT``, WQY, Noto CJK, …; or None.

    Looks only at this machine (in the module docstring's order); :func:`fetch_cjk_font`
    downloads one.
    """
    env = os.environ.get(CJK_FONT_ENV)
    if env:
        if Path(env).is_file():
            return Path(env)
        log.warning("$%s=%s is not a file; looking for an installed CJK font", CJK_FONT_ENV, env)
    for name in CJK_FONT_FILES:
        if Path(name).is_file():
            return Path(name)
    if is_cached(CJK_FONT_DATASET):
        from dlclassics.data.sets import wqy_microhei

        return wqy_microhei.font_file()
    fonts = home() / "fonts"  # a font unpacked by hand, e.g. from fonts-wqy-microhei's .deb
    for path in sorted(fonts.glob("*.tt[cf]")) + sorted(fonts.glob("*.otf")):
        return path
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if any(entry.name.startswith(prefix) for prefix in CJK_FONT_NAMES):
            return Path(entry.fname)
    return None


@cache
def fetch_cjk_font() -> Path | None:
    """Fetch the data set ``wqy-microhei`` (a 1.6 MB package) and return its font file.

    None, the reason logged at debug level, when every source fails (no network, no
    ``apt-get``): a missing font costs legible labels, never the plot. Tried once a process.
    """
    from dlclassics.data import require
    from dlclassics.data.sets import wqy_microhei

    log.info("no CJK font installed: fetching one (`dlc data fetch %s`)", CJK_FONT_DATASET)
    try:
        require(CJK_FONT_DATASET)  # offline mode: a DataError, so no font
    except (DataError, OSError) as err:
        log.debug("fetching %s failed: %s", CJK_FONT_DATASET, err)
        return None
    cjk_font.cache_clear()  # later lookups find the cached data set
    return wqy_microhei.font_file()


def _label_font(labels: Sequence[str], *, fetch: bool = False) -> Any:
    """FontProperties for the labels: a CJK font when they need one and one is found.

    ``fetch``: when no CJK font is on this machine, fetch the ``wqy-microhei`` data set.
    """
    from matplotlib.font_manager import FontProperties

    if not any(has_cjk(label) for label in labels):
        return FontProperties()
    font = cjk_font()
    if font is None and fetch:
        font = fetch_cjk_font()
    if font is None:
        log.warning(
            "no CJK font found: Chinese labels will be drawn as boxes; run `dlc data fetch "
            "%s`, install the Debian package fonts-wqy-microhei, or set $%s to a .ttf/.ttc "
            "file",
            CJK_FONT_DATASET,
            CJK_FONT_ENV,
        )
        return FontProperties()
    return FontProperties(fname=str(font))


# -- the picture ---------------------------------------------------------------------------


def plot_words(
    kv: KeyedVectors,
    groups: Mapping[str, Sequence[str]] | Sequence[str],
    out: Path,
    *,
    method: Method = "pca",
    arrows: bool = False,
    title: str | None = None,
    seed: int = 0,
    fetch_font: bool = False,
) -> Path:
    """Scatter the words of each group (one colour each), labelled, and save a PNG.

    ``arrows`` draws an arrow from the i-th word of the first group to the i-th word of the
    second (男人→女人, 国王→王后, …): parallel arrows are note 001's analogy picture.
    Unknown words raise :class:`~dlclassics.embeddings.keyed.UnknownWordError`.
    ``fetch_font``: Chinese labels and no CJK font on this machine → fetch ``wqy-microhei``.
    """
    named = dict(groups) if isinstance(groups, Mapping) else {"words": list(groups)}
    words = [w for members in named.values() for w in members]
    if len(words) < 2:
        raise ConfigError("plot at least two words")
    rows = [kv.index(w) for w in words]  # raises for unknown words, with suggestions
    coords = project(kv.unit_vectors[rows], method, seed=seed)  # (n, 2)
    at = dict(zip(words, coords, strict=True))
    font = _label_font(words + list(named), fetch=fetch_font)

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 6))
    for i, (name, members) in enumerate(named.items()):
        xy = np.array([at[w] for w in members]).reshape(-1, 2)
        ax.scatter(xy[:, 0], xy[:, 1], color=f"C{i}", label=name if len(named) > 1 else None)
        for w, (x, y) in zip(members, xy, strict=True):
            ax.annotate(w, (x, y), xytext=(4, 4), textcoords="offset points", fontproperties=font)
    if arrows and len(named) >= 2:
        first, second = list(named.values())[:2]
        for a, b in zip(first, second, strict=False):
            ax.annotate("", xy=at[b], xytext=at[a], arrowprops={"arrowstyle": "->", "color": "0.4"})
    if len(named) > 1:
        ax.legend(prop=font)
    label = {"pca": "principal direction", "tsne": "t-SNE dimension"}[method]
    ax.set_xlabel(f"{label} 1")
    ax.set_ylabel(f"{label} 2")
    name = {"pca": "PCA", "tsne": "t-SNE"}[method]
    ax.set_title(title or f"{len(words)} word vectors, {name} of unit vectors", fontproperties=font)
    ax.grid(alpha=0.3)
    with warnings.catch_warnings():  # without a CJK font: warned once above, not per glyph
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        return save_figure(fig, out)
