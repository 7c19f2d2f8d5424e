"""Gradients through time (note 002): why the plain RNN forgets, and why it is clipped.

**Vanishing.** A many-to-one RNN's loss L reads only the last state h_T. Back-propagation
through time carries ∂L/∂h_T back one step at a time,

    ∂L/∂h_t = (∂h_{t+1}/∂h_t)ᵀ ∂L/∂h_{t+1},    ∂h_{t+1}/∂h_t = diag(tanh′(·)) W   (tanh RNN)

so ‖∂L/∂h_t‖ is a product of T − t Jacobians: with ‖W‖ < 1 and |tanh′| ≤ 1 it shrinks
geometrically in the distance T − t, and an input that far back cannot change the loss — the
notes' "the gradient is multiplied by W and tanh′ again and again and vanishes". The LSTM's
cell path C_t = f_t ⊙ C_{t−1} + … has Jacobian diag(f_t) instead: with forget gates near 1
the gradient travels far; the GRU's (1 − z) ⊙ n + z ⊙ h path does the same. :func:`measure`
computes ‖∂L/∂h_t‖ for every t, averaged over a batch of real texts of one length, for the
three cells of :mod:`dlclassics.nn.rnn` stepped one position at a time (each h_t is a node of
the graph, so its gradient is the full back-propagated one).

**Exploding.** When ‖W‖ > 1 the same product grows instead, and one step of SGD can throw the
weights far off (Pascanu et al. 2013). Clipping the global gradient norm to τ,
g ← g · min(1, τ / ‖g‖), bounds every step. :func:`clipping_curves` trains the same tanh RNN
classifier twice from the same start and data order, with plain SGD at a learning rate where
it explodes, with and without clipping, and records loss and gradient norm per step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.classify.text import tokenizer
from dlclassics.data.labelled import LABELLED, labels_of, read_examples
from dlclassics.data.vocab import Vocab
from dlclassics.errors import DataError
from dlclassics.nn.rnn import GRUCell, LSTMCell, RNNCell

CellName = Literal["rnn", "lstm", "gru"]
CELLS: tuple[CellName, ...] = ("rnn", "lstm", "gru")


@dataclass(frozen=True, kw_only=True)
class GradientsConfig:
    data: str = "zh-reviews"  # a labelled set or a label<TAB>text file
    length: int = 80  # tokens per text: texts at least this long, cut to it
    texts: int = 128  # texts in the measured batch (and per training step)
    embed: int = 32  # embedding size
    hidden: int = 64  # state size
    train_steps: int = 300  # Adam steps (lr 3e-3, clipped at 1) before the "trained" measurement
    steps: int = 300  # SGD steps of each clipping run
    lr: float = 1.0  # plain SGD; the tanh RNN explodes at this rate without clipping
    w_scale: float = 1.5  # W starts as this × a random orthogonal matrix: ‖W‖ > 1, as in training
    clip: float = 1.0  # τ, the max global gradient norm of the clipped run
    seed: int = 0
    out: Path = Path("runs/classify-gradients")  # gradients.json, gradients.png, clipping.png


class StepwiseClassifier(nn.Module):
    """Embedding → one cell stepped over t = 1 … T → linear scores from h_T (many-to-one)."""

    def __init__(self, cell: CellName, vocab_size: int, embed: int, hidden: int, classes: int):
        super().__init__()
        self.kind = cell
        self.embedding = nn.Embedding(vocab_size, embed)
        self.cell = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}[cell](embed, hidden)
        self.out = nn.Linear(hidden, classes)

    def forward(self, ids: Tensor) -> tuple[Tensor, list[Tensor]]:
        """ids (B, T) → scores (B, classes) and the states [h_1, …, h_T], each (B, H)."""
        e = self.embedding(ids)  # (B, T, E)
        states: list[Tensor] = []
        h: Any = None
        for t in range(ids.shape[1]):
            h = self.cell(e[:, t], h)
            states.append(h[0] if self.kind == "lstm" else h)
        return self.out(states[-1]), states


def real_batch(config: GradientsConfig) -> tuple[Tensor, Tensor, int, int]:
    """Ids (N, length) of the train texts with ≥ length tokens, labels, |V| and classes."""
    language = LABELLED[config.data].language if config.data in LABELLED else "en"
    tokenize = tokenizer("auto", language, lowercase=True)
    labels = labels_of(config.data)
    tokens, y = [], []
    for example in read_examples(config.data, "train"):
        words = tokenize(example.text)
        if len(words) >= config.length:
            tokens.append(words[: config.length])
            y.append(labels.index(example.label))
    if len(tokens) < config.texts:
        raise DataError(
            f"{config.data} has {len(tokens)} train texts of ≥ {config.length} tokens, fewer "
            f"than --texts {config.texts}; lower --length or --texts"
        )
    vocab = Vocab.build(tokens, min_count=2)
    ids = torch.tensor([vocab.encode(t) for t in tokens])  # (N, length)
    return ids, torch.tensor(y), len(vocab), len(labels)


def state_gradient_norms(model: StepwiseClassifier, ids: Tensor, y: Tensor) -> np.ndarray:
    """Mean over the batch of ‖∂L/∂h_t‖ for t = 1 … T (L: the summed cross-entropy)."""
    scores, states = model(ids)
    for h in states:
        h.retain_grad()
    F.cross_entropy(scores, y, reduction="sum").backward()
    norms = torch.stack([h.grad.norm(dim=-1) for h in states], dim=1)
    return norms.mean(dim=0).numpy()  # (T,)


def _scale_recurrence(model: StepwiseClassifier, scale: float, seed: int) -> None:
    """The tanh RNN's W ← scale × a random orthogonal matrix (spectral norm = scale)."""
    g = torch.Generator().manual_seed(seed)
    H = model.cell.hidden_size
    q, _ = torch.linalg.qr(torch.randn(H, H, generator=g))
    with torch.no_grad():
        model.cell.weight_hh.copy_(scale * q)


def _train(model: StepwiseClassifier, ids: Tensor, y: Tensor, config: GradientsConfig) -> None:
    """``train_steps`` Adam steps on random batches of (ids, y), clipped at norm 1."""
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    order = torch.Generator().manual_seed(config.seed)
    for _ in range(config.train_steps):
        pick = torch.randint(len(ids), (config.texts,), generator=order)
        optimizer.zero_grad()
        F.cross_entropy(model(ids[pick])[0], y[pick]).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()


def measure(config: GradientsConfig) -> dict[str, Any]:
    """‖∂L/∂h_t‖ against the distance T − t per cell, at initialisation and after training.

    The gradients are measured on the first ``texts`` texts, which training never sees.
    """
    ids, y, V, K = real_batch(config)
    held, rest = slice(0, config.texts), slice(config.texts, None)
    curves: dict[str, dict[str, list[float]]] = {"initial": {}, "trained": {}}
    for cell in CELLS:
        torch.manual_seed(config.seed)
        model = StepwiseClassifier(cell, V, config.embed, config.hidden, K)
        norms = state_gradient_norms(model, ids[held], y[held])
        curves["initial"][cell] = norms[::-1].tolist()  # index k = distance T − t
        _train(model, ids[rest], y[rest], config)
        model.zero_grad()
        curves["trained"][cell] = state_gradient_norms(model, ids[held], y[held])[::-1].tolist()
    return {
        "distance": list(range(config.length)),
        "grad_norm": curves,  # when -> cell -> mean ‖∂L/∂h_{T−k}‖ for k = 0 … T − 1
        "ratio_farthest_to_last": {
            when: {c: v[-1] / v[0] for c, v in by_cell.items()} for when, by_cell in curves.items()
        },
    }


def clipping_curves(config: GradientsConfig) -> dict[str, Any]:
    """Loss and gradient norm per SGD step of the tanh RNN, with and without clipping."""
    ids, y, V, K = real_batch(config)
    runs: dict[str, dict[str, Any]] = {}
    for name, clip in (("no clipping", None), (f"clip {config.clip:g}", config.clip)):
        torch.manual_seed(config.seed)
        model = StepwiseClassifier("rnn", V, config.embed, config.hidden, K)
        _scale_recurrence(model, config.w_scale, config.seed)
        optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
        order = torch.Generator().manual_seed(config.seed)
        losses: list[float] = []
        norms: list[float] = []
        diverged = None
        for step in range(config.steps):
            pick = torch.randint(len(ids), (config.texts,), generator=order)
            optimizer.zero_grad()
            scores, _ = model(ids[pick])
            loss = F.cross_entropy(scores, y[pick])
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(
                model.parameters(), clip if clip is not None else math.inf
            )
            losses.append(float(loss.detach()))
            norms.append(float(norm))
            if not (math.isfinite(losses[-1]) and math.isfinite(norms[-1])):
                diverged = step + 1
                break
            optimizer.step()
        runs[name] = {"loss": losses, "grad_norm": norms, "diverged_at": diverged}
    return runs


def plot(measured: dict[str, Any], runs: dict[str, Any], out: Path) -> list[Path]:
    """gradients.png (‖∂L/∂h_t‖ vs distance) and clipping.png (loss, norm per step)."""
    from dlclassics.report.plots import save_figure
    from dlclassics.train.curves import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    for ax, (when, by_cell) in zip(axes, measured["grad_norm"].items(), strict=True):
        for cell, values in by_cell.items():
            ax.semilogy(measured["distance"], values, label=cell)
        ax.set_xlabel("distance T − t (tokens before the last)")
        ax.set_title(f"{when}: ‖∂L/∂h_t‖ on real text")
        ax.legend()
    axes[0].set_ylabel("mean ‖∂L/∂h_t‖ (log scale)")
    first = save_figure(fig, out / "gradients.png")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for name, run in runs.items():
        steps = np.arange(1, len(run["loss"]) + 1)
        label = name + (f" (diverged at step {run['diverged_at']})" if run["diverged_at"] else "")
        top.plot(steps, run["loss"], label=label)
        bottom.semilogy(steps, run["grad_norm"], label=name)
    top.set_ylabel("training loss")
    top.set_title("tanh RNN, plain SGD: with and without gradient clipping")
    top.legend()
    bottom.set_ylabel("‖g‖ before clipping")
    bottom.set_xlabel("step")
    second = save_figure(fig, out / "clipping.png")
    return [first, second]


def run(config: GradientsConfig) -> dict[str, Any]:
    """Both experiments; writes gradients.json and the two PNGs into ``config.out``."""
    from dlclassics.config import to_dict
    from dlclassics.io import write_json

    measured = measure(config)
    runs = clipping_curves(config)
    config.out.mkdir(parents=True, exist_ok=True)
    images = plot(measured, runs, config.out)
    result = {"config": to_dict(config), "vanishing": measured, "clipping": runs}
    write_json(config.out / "gradients.json", result)
    return {**result, "images": [str(p) for p in images]}
