"""PCA equals sklearn's; the plots are real PNGs with the CJK font when there is one; the
TensorBoard projector files have the layout the projector reads."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from sklearn.decomposition import PCA

from dlclassics.embeddings import plot
from dlclassics.embeddings.keyed import KeyedVectors, UnknownWordError
from dlclassics.embeddings.plot import has_cjk, pca, plot_words, project
from dlclassics.embeddings.projector import export_projector
from dlclassics.errors import ConfigError

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("seed", range(3))
def test_pca_matches_sklearn_pca_including_signs(seed: int) -> None:
    points = np.random.default_rng(seed).standard_normal((12, 7))
    np.testing.assert_allclose(pca(points), PCA(n_components=2).fit_transform(points), atol=1e-10)


def test_pca_keeps_parallel_offsets_parallel() -> None:
    rng = np.random.default_rng(0)
    base = rng.standard_normal((4, 10))
    offset = rng.standard_normal(10)
    coords = pca(np.vstack([base, base + offset]))  # (8, 2)
    arrows = coords[4:] - coords[:4]
    np.testing.assert_allclose(arrows, np.broadcast_to(arrows[0], arrows.shape), atol=1e-10)


def test_tsne_gives_two_coordinates_per_word_and_rejects_tiny_groups() -> None:
    points = np.random.default_rng(0).standard_normal((8, 5))
    assert project(points, "tsne").shape == (8, 2)
    with pytest.raises(ConfigError, match="at least 4 words"):
        project(points[:3], "tsne")
    with pytest.raises(ConfigError, match="unknown projection 'umap'"):
        project(points, "umap")  # type: ignore[arg-type]


def kv_zh() -> KeyedVectors:
    words = ["男人", "女人", "国王", "王后", "父亲", "母亲"]
    return KeyedVectors(words, np.random.default_rng(1).standard_normal((6, 10)))


def test_plot_words_writes_a_png_for_each_method(tmp_path: Path) -> None:
    kv = kv_zh()
    groups = {"男": ["男人", "国王", "父亲"], "女": ["女人", "王后", "母亲"]}
    for method in ("pca", "tsne"):
        out = plot_words(kv, groups, tmp_path / f"{method}.png", method=method, arrows=True)
        assert out.read_bytes().startswith(PNG)
    with pytest.raises(UnknownWordError, match="'皇后' is not in the vocabulary"):
        plot_words(kv, ["国王", "皇后"], tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_chinese_labels_without_a_cjk_font_warn_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    with caplog.at_level(logging.WARNING, logger="dlclassics.embeddings.plot"):
        plot_words(kv_zh(), ["男人", "女人"], tmp_path / "p.png")
    assert [r.message.split(":")[0] for r in caplog.records] == ["no CJK font found"]
    assert (tmp_path / "p.png").read_bytes().startswith(PNG)


def test_cjk_font_comes_from_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    font = tmp_path / "my-cjk.ttf"
    font.write_bytes(b"")
    monkeypatch.setenv(plot.CJK_FONT_ENV, str(font))
    plot.cjk_font.cache_clear()
    try:
        assert plot.cjk_font() == font
    finally:
        plot.cjk_font.cache_clear()
    assert has_cjk("国王") and has_cjk("ｄ") and not has_cjk("king")


def test_projector_files_hold_the_vectors_words_and_counts(tmp_path: Path) -> None:
    vectors = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    kv = KeyedVectors(["的", "国王", "王后", "a", "b"], vectors, counts=[50, 40, 30, 20, 10])
    out = export_projector(kv, tmp_path, top_n=4)
    tensors = np.loadtxt(out / "tensors.tsv", delimiter="\t")
    np.testing.assert_allclose(tensors, vectors[:4], rtol=1e-5)
    metadata = (out / "metadata.tsv").read_text("utf-8").splitlines()
    assert metadata == ["word\tcount", "的\t50", "国王\t40", "王后\t30", "a\t20"]
    config = (out / "projector_config.pbtxt").read_text("utf-8")
    assert 'tensor_path: "tensors.tsv"' in config and 'metadata_path: "metadata.tsv"' in config
    export_projector(KeyedVectors(["x", "y"], vectors[:2]), tmp_path / "plain")
    assert (tmp_path / "plain" / "metadata.tsv").read_text("utf-8") == "x\ny\n"  # no header
