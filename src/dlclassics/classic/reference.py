"""The engine MLP's torch twin, and the epoch-time ratio of the two (004 §二.5, §二.8).

Our MLP (:mod:`~dlclassics.classic.mlp_engine`) runs on the NumPy tensor engine; torch is its
oracle. :func:`fit_torch_mlp` trains :func:`~dlclassics.classic.mlp_engine.torch_mlp` (float64)
the way :func:`~dlclassics.classic.mlp_engine.fit_engine_mlp` trains ours — the same initial
weights, the momentum update of 004 §二.8 (``torch.optim.SGD(momentum=α)``, equal to our
velocity form at a constant η, see :mod:`~dlclassics.classic.optim`), the same shuffles and
batches — so with dropout 0 both end at the same weights up to rounding.

:func:`epoch_time_ratio` times one SGD step of each on the same batches: how much slower the
from-scratch engine is than torch on the same network (``dlc classic mlp`` and
``benchmarks/classic.py`` report it).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from dlclassics.classic.mlp_engine import MLP, FitConfig, MLPConfig, fit_engine_mlp, torch_mlp
from dlclassics.classic.preprocess import FloatArray, IntArray
from dlclassics.config import replace
from dlclassics.errors import ConfigError

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


def engine_initial_state(
    n_features: int, n_classes: int, fit: FitConfig
) -> tuple[MLP, np.random.Generator]:
    """The MLP :func:`fit_engine_mlp` starts from, and its generator in the same state.

    ``fit_engine_mlp`` seeds one generator with ``fit.seed``, builds the MLP from it, then
    draws each epoch's shuffle from it; rebuilding both here lets torch start from the same
    weights and (with dropout 0) visit the batches in the same order.
    """
    rng = np.random.default_rng(fit.seed)
    sizes = (n_features, *fit.hidden, n_classes)
    config = MLPConfig(sizes=sizes, activation=fit.activation, dropout=fit.dropout, init=fit.init)
    return MLP(config, rng=rng), rng


def fit_torch_mlp(X: FloatArray, y: IntArray, fit: FitConfig) -> torch.nn.Module:
    """The same training in torch: :func:`torch_mlp` (float64) from the engine's initial
    weights, ``torch.optim.SGD`` with the same momentum (equal to ours at a constant η, see
    :mod:`~dlclassics.classic.optim`) and weight decay, the same shuffles and batches.

    With ``fit.dropout`` = 0 both compute the same numbers up to rounding; with dropout the
    masks (torch's own generator) and, after the first epoch, the shuffles differ.
    """
    import torch
    import torch.nn.functional as F

    engine, rng = engine_initial_state(X.shape[1], int(y.max()) + 1, fit)
    model = torch_mlp(engine.config)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in engine.state_dict().items()})
    opt = torch.optim.SGD(
        model.parameters(), lr=fit.lr, momentum=fit.momentum, weight_decay=fit.weight_decay
    )
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    model.train()
    for _ in range(fit.epochs):
        order = torch.from_numpy(rng.permutation(len(X)))  # the engine's shuffle of this epoch
        for start in range(0, len(X), fit.batch_size):
            idx = order[start : start + fit.batch_size]
            loss = F.cross_entropy(model(X_t[idx]), y_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def numpy_blas_threads() -> int | None:
    """Threads of NumPy's OpenBLAS (via threadpoolctl, when installed), else None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [p["num_threads"] for p in threadpool_info() if p["internal_api"] == "openblas"]
    return max(counts) if counts else None


def epoch_time_ratio(
    X: FloatArray, y: IntArray, fit: FitConfig, *, batches: int, repeats: int = 3
) -> dict[str, float | int | None]:
    """Seconds per SGD step of our engine and of torch on the same ``batches`` batches.

    Both in float64, from the same initial weights; alternating engine and torch, best of
    ``repeats``. Torch gets as many threads as NumPy's BLAS has (when threadpoolctl can tell),
    and its own count back afterwards. The ratio of steps is the ratio of epochs.
    """
    import torch

    if batches < 1:
        raise ConfigError(f"timing_batches={batches} must be ≥ 1")
    n = min(len(X), batches * fit.batch_size)
    X_few, y_few = X[:n], y[:n]
    steps = -(-n // fit.batch_size)
    one_epoch = replace(fit, epochs=1)
    best = {"engine": float("inf"), "torch": float("inf")}
    blas, torch_threads = numpy_blas_threads(), torch.get_num_threads()
    try:
        if blas is not None:
            torch.set_num_threads(blas)
        for _ in range(repeats):
            start = time.perf_counter()
            fit_engine_mlp(X_few, y_few, one_epoch)
            best["engine"] = min(best["engine"], time.perf_counter() - start)
            start = time.perf_counter()
            fit_torch_mlp(X_few, y_few, one_epoch)
            best["torch"] = min(best["torch"], time.perf_counter() - start)
        timed_threads = torch.get_num_threads()
    finally:
        torch.set_num_threads(torch_threads)
    timing: dict[str, float | int | None] = {
        "engine_step_ms": round(1000 * best["engine"] / steps, 3),
        "torch_step_ms": round(1000 * best["torch"] / steps, 3),
        "engine_over_torch_epoch_time": round(best["engine"] / best["torch"], 2),
        "timed_steps": steps,
        "numpy_blas_threads": blas,
        "torch_threads": timed_threads,
    }
    log.info(
        "one SGD step: engine %.2f ms, torch %.2f ms — engine epoch time = %.2f × torch's",
        timing["engine_step_ms"], timing["torch_step_ms"], timing["engine_over_torch_epoch_time"],
    )  # fmt: skip
    return timing
