"""conv2d forward + backward: our loops and im2col against torch.nn.functional.conv2d.

Target: the im2col conv2d (NumPy) takes ≤ 3× the time of ``F.conv2d`` for one forward
and one backward pass (dX, dW, db) at x (64, 16, 28, 28), w (32, 16, 3, 3), padding 1, stride 1.

    python benchmarks/vision_ops.py                  # 1 thread each, best of 7
    python benchmarks/vision_ops.py --threads 2      # 2 BLAS / torch threads each

Everything is float64 (torch's CPU float64 convolution is its own unfold + matrix product; it
has no oneDNN path for float64), one process, the implementations alternating, best of
``--repeats``. Both get the same thread count: ``torch.set_num_threads`` for torch, threadpoolctl
(installed with scikit-learn, the ``bench`` extra) for NumPy's OpenBLAS. The default is one
thread: on a shared 2-core machine two spinning BLAS threads that lose a core to another process
slow down by 10× or more, which measures the neighbours rather than the code. The loop version is
far too slow for the main shape, so it is timed on a small one (x (2, 4, 28, 28), w (8, 4, 3, 3)),
next to im2col and torch on that shape; each row's ``ratio_to_torch`` is against torch on its own
shape. Before timing, each implementation's output and gradients are checked against torch.
Not shown: float32 speed, other shapes (im2col's column matrix, C_in·k² × N·H_out·W_out floats,
is 58 MB here and grows with the batch), memory use.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from _common import write_results
from dlclassics.vision.conv import (
    Conv2dGrads,
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv2d_naive_backward,
)

SHAPES = {  # name → (x shape, w shape); stride 1, padding 1 everywhere
    "main": ((64, 16, 28, 28), (32, 16, 3, 3)),
    "small": ((2, 4, 28, 28), (8, 4, 3, 3)),
}
PADDING = 1


def shape_label(x_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> str:
    return f"x={x_shape} w={w_shape} stride=1 pad={PADDING}"


def ours(
    forward: Callable[..., np.ndarray],
    backward: Callable[..., Conv2dGrads],
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    g: np.ndarray,
) -> Callable[[], tuple[np.ndarray, Conv2dGrads]]:
    def run() -> tuple[np.ndarray, Conv2dGrads]:
        y = forward(x, w, b, padding=PADDING)
        return y, backward(g, x, w, padding=PADDING)

    return run


def theirs(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray
) -> Callable[[], tuple[np.ndarray, Conv2dGrads]]:
    tx, tw, tb, tg = (torch.from_numpy(a) for a in (x, w, b, g))

    def run() -> tuple[np.ndarray, Conv2dGrads]:
        xs, ws, bs = (t.detach().requires_grad_() for t in (tx, tw, tb))
        y = F.conv2d(xs, ws, bs, padding=PADDING)
        y.backward(tg)
        assert xs.grad is not None and ws.grad is not None and bs.grad is not None
        return y.detach().numpy(), Conv2dGrads(xs.grad.numpy(), ws.grad.numpy(), bs.grad.numpy())

    return run


def check(
    run: Callable[[], tuple[np.ndarray, Conv2dGrads]], reference: tuple[np.ndarray, Conv2dGrads]
) -> None:
    y, grads = run()
    np.testing.assert_allclose(y, reference[0], rtol=1e-8, atol=1e-8)
    for a, e in zip(grads, reference[1], strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-8, atol=1e-8)


def best_of(runs: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Best wall time of each run, alternating between them ``repeats`` times."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def measure(repeats: int, seed: int, threads: int) -> list[dict[str, Any]]:
    """One row per (shape, implementation)."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, (x_shape, w_shape) in SHAPES.items():
        x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
        b = rng.standard_normal(w_shape[0])
        g = rng.standard_normal((x_shape[0], w_shape[0], *x_shape[2:]))  # padding 1 keeps H×W
        runs = {"torch": theirs(x, w, b, g), "im2col": ours(conv2d, conv2d_backward, x, w, b, g)}
        if name == "small":
            runs["naive"] = ours(conv2d_naive, conv2d_naive_backward, x, w, b, g)
        reference = runs["torch"]()
        for run in runs.values():
            check(run, reference)
        seconds = best_of(runs, repeats)
        for impl in ("naive", "im2col", "torch"):
            if impl in seconds:
                rows.append(
                    {
                        "op": "conv2d",
                        "impl": impl,
                        "pass": "forward+backward",
                        "shape": shape_label(x_shape, w_shape),
                        "threads": threads,
                        "seconds": round(seconds[impl], 6),
                        "ratio_to_torch": round(seconds[impl] / seconds["torch"], 3),
                    }
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per implementation")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads, each")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads, user_api="blas"):
        rows = measure(args.repeats, args.seed, args.threads)
    path = write_results(
        "vision_ops",
        "conv2d forward+backward: naive loops and im2col (NumPy) vs torch F.conv2d, float64",
        rows,
        settings={
            "repeats": args.repeats,
            "threads": args.threads,
            "seed": args.seed,
            "numpy": np.__version__,
        },
    )
    for row in rows:
        impl, shape, ratio = row["impl"], row["shape"], row["ratio_to_torch"]
        print(f"{impl:>7}  {shape:<50} {row['seconds']:8.4f} s  ×{ratio}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
