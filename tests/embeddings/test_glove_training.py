"""GloVe: one step of our AdaGrad is glove.c's update written out, on the gradient torch's
autograd gives for the reference loss; training works."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.cli import main
from dlclassics.embeddings import kernels, reference
from dlclassics.embeddings.formats import load_word2vec_format
from dlclassics.embeddings.glove import GloveConfig, train_glove

V, D = 7, 5


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    i=st.integers(0, V - 1),
    j=st.integers(0, V - 1),
    x=st.floats(0.05, 300.0),
)
def test_glove_adagrad_step_matches_glove_c_formula_on_autograd_gradient(
    seed: int, i: int, j: int, x: float
) -> None:
    """glove.c's update, written out: u = η ∂J/∂θ for the vectors, u = ∂J/∂θ for the
    biases; θ −= u / √G with G from *before* this step, then G += u²."""
    rng = np.random.default_rng(seed)
    W, Wc = rng.normal(scale=0.3, size=(V, D)), rng.normal(scale=0.3, size=(V, D))
    b, bc = rng.normal(scale=0.3, size=V), rng.normal(scale=0.3, size=V)
    G = [1.0 + rng.random(a.shape) for a in (W, Wc, b, bc)]  # accumulators after some steps
    eta = 0.05
    params = [torch.tensor(a, requires_grad=True) for a in (W, Wc, b, bc)]
    loss = reference.glove_loss(*params, i, j, x)
    loss.backward()
    expected, expected_G = [], []
    for p, g, scale in zip(params, G, (eta, eta, 1.0, 1.0), strict=True):
        assert p.grad is not None
        u = scale * p.grad.numpy()
        expected.append(p.detach().numpy() - u / np.sqrt(g))
        expected_G.append(g + u**2)
    Wk, Wck, bk, bck = (a.copy() for a in (W, Wc, b, bc))
    Gk = [g.copy() for g in G]
    cost = kernels.glove_epoch(
        Wk, Wck, bk, bck, *Gk, np.array([i], np.int32), np.array([j], np.int32),
        np.array([x]), np.array([0]), 100.0, 0.75, eta,
    )  # fmt: skip
    assert cost == pytest.approx(float(loss.detach()), rel=1e-12)
    for ours, theirs in zip((Wk, Wck, bk, bck, *Gk), expected + expected_G, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_glove_loss_decreases_and_planted_topics_are_neighbours() -> None:
    """Calibration: with corpus and training seeds 0–9 (equal) the loss fell every epoch and
    the same-topic top-1 share was 1.0 every time (random vectors: ≈ 0.11).

    A quarter of each sentence's words come from any topic: GloVe fits only the non-zero
    X_ij, so the topics must show in the counts. Had no cross-topic pair occurred, every
    log X_ij would be about equal, the biases alone (η = 1 in glove.c's rule) would fit it,
    and the vectors would learn nothing (they did not: top-1 share 0.06–0.38).
    """
    rng = np.random.default_rng(0)
    corpus = []
    for _ in range(1500):
        g = rng.integers(8)
        topics = np.where(rng.random(8) < 0.75, g, rng.integers(8, size=8))  # (8,)
        corpus.append([f"g{t}w{w}" for t, w in zip(topics, rng.integers(6, size=8), strict=True)])
    losses: list[float] = []
    kv, stats = train_glove(
        corpus, GloveConfig(dim=16, window=4, min_count=1, epochs=10, workers=1, x_max=10.0),
        callbacks=[lambda epoch, loss: losses.append(loss)],
    )  # fmt: skip
    assert losses == stats.losses and len(losses) == 10
    assert all(b < a for a, b in itertools.pairwise(losses))
    hits = sum(kv.most_similar(f"g{g}w{w}", topn=1)[0][0].startswith(f"g{g}w")
               for g in range(8) for w in range(6))  # fmt: skip
    assert hits / 48 >= 0.9


def test_glove_train_command_writes_vectors_bin_and_config_json(tmp_path: Path) -> None:
    text = tmp_path / "corpus.txt"
    text.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 20, encoding="utf-8")
    out = tmp_path / "glove"
    args = ["glove", "train", "--corpus", str(text), "--out", str(out), "--dim", "4",
            "--epochs", "3", "--min-count", "1", "--workers", "1"]  # fmt: skip
    assert main(args) == 0
    kv = load_word2vec_format(out / "vectors.bin")
    assert kv.vectors.shape == (7, 4) and kv.words[0] == "the"
    config = json.loads((out / "config.json").read_text())
    assert len(config["training"]["losses"]) == 3 and config["training"]["nonzeros"] > 0
