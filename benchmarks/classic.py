"""Classic classifiers on Fashion-MNIST: dlclassics vs scikit-learn, and our engine MLP vs torch.

Targets, Fashion-MNIST test accuracy: k-NN ≥ 0.85, softmax ≥ 0.84, SVM ≥ 0.83, MLP on
our own tensor engine ≥ 0.88; k-NN prediction time ≤ 1.5× scikit-learn's brute force; the
engine MLP's epoch time reported as a ratio to the same network in torch.

    python benchmarks/classic.py            # full: 55,000 train / 5,000 val / 10,000 test
    python benchmarks/classic.py --quick    # 5,000 / 1,000 / 1,000 rows: a smoke test

Protocol — no hyperparameter ever sees the test split:

1. every model is fit on the ``train`` split (55,000 images);
2. its settings are chosen by accuracy on the ``val`` split (5,000 images): k for k-NN (L2, one
   pass over the distances scores every k), the learning rate η and the L2 penalty λ for the
   softmax and SVM (a grid, 20 epochs each), all recorded under ``selection`` in the results;
   the engine MLP's settings were chosen the same way (the val sweep quoted in
   ``dlclassics.classic.protocol.MLP_FIT``), and its per-epoch val accuracy is
   recorded here;
3. the chosen setting is fit once more beside its peer, and both are scored once on ``test``
   (10,000 images).

Features: pixels / 255 for k-NN; for the linear models and the MLP, (x − μ) / σ per pixel with
μ, σ from the train split (the CLI's ``--preprocess normalize``). Peers, on the same features:

- knn: ``KNeighborsClassifier(algorithm="brute")``, the chosen k, L2. Predictions are identical
  to ours up to ties at the k-th distance (see ``dlclassics.classic.knn``). L1 is not in the
  grid; ``--models knn-l1`` times it separately (rows ``knn-l1``): the same k against
  ``KNeighborsClassifier(algorithm="brute", metric="manhattan")`` on the first
  ``--l1-rows`` val and test rows (the splits are shuffled), merged into the results file.
- softmax: ``LogisticRegression`` (lbfgs, multinomial) — the same model and loss, fit to
  convergence, against our minibatch SGD. sklearn minimizes C·Σ_i L_i + ½‖W‖², our
  (1/N)Σ_i L_i + λ‖W‖²: the same objective at C = 1/(2λN). Its λ is chosen on val over the
  same grid as ours (``selection.softmax_sklearn``).
- svm: ``LinearSVC`` (liblinear primal, one-vs-rest squared hinge) at C = 1/(2λN) with the λ
  chosen for LogisticRegression: a grid of its own is too slow (on standardized pixels one fit
  at λ = 1e-4 takes ≥ 5 minutes on 5,000 rows). Not the same multiclass SVM as ours
  (Weston–Watkins hinge Σ_{j≠y} max(0, s_j − s_y + 1)); sklearn has no direct equivalent.
  ``peers`` records each peer's C, iterations and whether liblinear/lbfgs converged.
- mlp: ``torch_mlp`` (float64, like our engine) trained by ``torch.optim.SGD`` with the same
  momentum, from the same initial weights, on the same shuffles and batches
  (``dlclassics.classic.reference.fit_torch_mlp``): with dropout 0 the two runs compute the same
  numbers, so accuracy should agree and the fit-time ratio is the epoch-time ratio.

Thread count: ``--threads`` (default 1) for NumPy's BLAS, scikit-learn's OpenMP and torch
alike, through ``threadpoolctl`` and ``torch.set_num_threads``. The development machine has 2
cores shared with other jobs; there, 2 BLAS threads on small matrices spin against each other
and the engine MLP runs ~10× slower than on one. Times are the best of ``--repeats`` runs, ours
and the peer alternating; k-NN's ``fit_seconds`` is memorizing the data, ``predict_seconds`` is
always the whole test split. ``--quick`` writes ``results/classic_quick.json``, so it never
overwrites the full run's ``results/classic.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from _common import RESULTS, machine, write_results
from dlclassics.classic.knn import KNNClassifier, KNNConfig
from dlclassics.classic.linear import LinearClassifier, LinearConfig
from dlclassics.classic.mlp_engine import fit_engine_mlp
from dlclassics.classic.protocol import KNN, MLP_FIT, SOFTMAX, SVM, Splits, load_splits, preprocess
from dlclassics.classic.reference import fit_torch_mlp
from dlclassics.errors import UserError
from dlclassics.io import write_json

log = logging.getLogger("classic-benchmark")

DATASET = "fashion-mnist"
KS = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20)  # k-NN candidates, all scored in one pass
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # η for softmax and SVM
REGS = (1e-4, 1e-3, 1e-2)  # λ in λ‖W‖²
Fit = Callable[[], Any]
Predict = Callable[[Any, np.ndarray], np.ndarray]


def subsample(splits: Splits, quick: bool) -> Splits:
    """``quick``: the first 5,000 train, 1,000 val and 1,000 test rows (splits are shuffled)."""
    if not quick:
        return splits
    return Splits(
        splits.X_train[:5000], splits.y_train[:5000], splits.X_val[:1000], splits.y_val[:1000],
        splits.X_test[:1000], splits.y_test[:1000],
    )  # fmt: skip


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.asarray(pred) == y))


# --- step 2: choose on val ----------------------------------------------------------------


def select_k(s: Splits) -> tuple[int, list[dict[str, Any]]]:
    """Val accuracy of every k in KS from one pass over the val-to-train distances."""
    model = KNNClassifier.fit(s.X_train, s.y_train, KNNConfig(k=1))
    seconds, predictions = timed(lambda: model.predict_many_k(s.X_val, KS))  # (len(KS), M)
    table = [
        {"k": k, "val_accuracy": accuracy(p, s.y_val)} for k, p in zip(KS, predictions, strict=True)
    ]
    best = max(table, key=lambda r: (r["val_accuracy"], -r["k"]))  # ties: the smaller k
    log.info("knn: val accuracy by k %s (%.0f s); chose k = %d", table, seconds, best["k"])
    return int(best["k"]), table


def select_linear(s: Splits, base: LinearConfig) -> tuple[LinearConfig, list[dict[str, Any]]]:
    """Val accuracy of every (η, λ) in the grid; the best (earliest on a tie) is chosen."""
    table = []
    for lr, reg in itertools.product(LEARNING_RATES, REGS):
        config = replace(base, lr=lr, reg=reg)
        try:
            seconds, model = timed(lambda c=config: LinearClassifier.fit(s.X_train, s.y_train, c))
            val = accuracy(model.predict(s.X_val), s.y_val)
        except UserError as error:  # η too large: the loss diverged
            seconds, val = float("nan"), 0.0
            log.info("%s η=%g λ=%g: %s", base.loss, lr, reg, error)
        table.append({"lr": lr, "reg": reg, "val_accuracy": val, "fit_seconds": seconds})
        log.info("%s η=%g λ=%g: val %.4f (%.0f s)", base.loss, lr, reg, val, seconds)
    best = max(table, key=lambda r: r["val_accuracy"])
    return replace(base, lr=best["lr"], reg=best["reg"]), table


def fit_peer(estimator: Any, s: Splits, record: dict[str, Any]) -> Any:
    """``estimator.fit`` on train; records its iterations and whether it converged."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(s.X_train, s.y_train)
    record["n_iter"] = int(np.max(estimator.n_iter_))
    record["converged"] = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return estimator


def select_peer_lambda(s: Splits) -> tuple[float, list[dict[str, Any]]]:
    """LogisticRegression's val accuracy at C = 1/(2λN) for every λ in REGS."""
    from sklearn.linear_model import LogisticRegression

    table = []
    for reg in REGS:
        record: dict[str, Any] = {"reg": reg, "C": 1.0 / (2 * reg * len(s.X_train))}
        estimator = LogisticRegression(C=record["C"], max_iter=1000)
        seconds, model = timed(lambda e=estimator, r=record: fit_peer(e, s, r))
        record |= {
            "val_accuracy": accuracy(model.predict(s.X_val), s.y_val),
            "fit_seconds": seconds,
        }
        table.append(record)
        log.info("sklearn softmax: %s", record)
    best = max(table, key=lambda r: r["val_accuracy"])
    return float(best["reg"]), table


# --- step 3: fit beside the peer, score once on test --------------------------------------


def compare(
    model: str,
    impls: dict[str, tuple[Fit, Predict]],
    s: Splits,
    repeats: int,
) -> list[dict[str, Any]]:
    """Fit and predict with each implementation ``repeats`` times, alternating; best times."""
    best: dict[str, dict[str, Any]] = {}
    for _ in range(repeats):
        for impl, (fit, predict) in impls.items():
            fit_s, fitted = timed(fit)
            predict_s, pred = timed(lambda p=predict, f=fitted: p(f, s.X_test))
            row = best.setdefault(impl, {"fit_seconds": fit_s, "predict_seconds": predict_s})
            row["fit_seconds"] = min(row["fit_seconds"], fit_s)
            row["predict_seconds"] = min(row["predict_seconds"], predict_s)
            row["test_accuracy"] = accuracy(pred, s.y_test)
            row["val_accuracy"] = accuracy(predict(fitted, s.X_val), s.y_val)
            log.info("%s %s: %s", model, impl, row)
    return [
        {
            "model": model,
            "impl": impl,
            "dataset": DATASET,
            "test_accuracy": round(r["test_accuracy"], 4),
            "fit_seconds": round(r["fit_seconds"], 3),
            "predict_seconds": round(r["predict_seconds"], 3),
            "val_accuracy": round(r["val_accuracy"], 4),
        }
        for impl, r in best.items()
    ]


def predict_with(model: Any, X: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(X))


def torch_predict(model: Any, X: np.ndarray) -> np.ndarray:
    import torch

    model.eval()
    with torch.inference_mode():
        return model(torch.from_numpy(X)).argmax(dim=1).numpy()


def merge_l1(
    rows: list[dict[str, Any]], setting: dict[str, Any], ratios: dict[str, float], threads: int
) -> Path:
    """Put the knn-l1 rows into ``results/classic.json``, keeping everything else in it."""
    path = RESULTS / "classic.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    command = "python " + " ".join(["benchmarks/classic.py", *sys.argv[1:]])
    results["rows"] = [r for r in results["rows"] if r["model"] != "knn-l1"] + [
        {**r, "command": command, "date": datetime.now(UTC).strftime("%Y-%m-%d")} for r in rows
    ]
    results.setdefault("chosen", {})["knn-l1"] = setting
    results.setdefault("ratios", {}).update(ratios)
    results["knn_l1_run"] = {
        "command": command,
        "machine": machine(),
        "threads": threads,
        "note": "shared 2-core machine under load: the two implementations alternate, so the "
        "ratio is fairer than either time",
    }
    write_json(path, results)
    return path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 / 1,000 / 1,000 rows")
    parser.add_argument("--repeats", type=int, default=None, help="default: 2 quick, 1 full")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads")
    parser.add_argument(
        "--models",
        nargs="+",
        choices=["knn", "softmax", "svm", "mlp", "knn-l1"],
        default=["knn", "softmax", "svm", "mlp"],
    )
    parser.add_argument("--l1-rows", type=int, default=1000, help="knn-l1: val and test rows")
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    import torch
    from sklearn import __version__ as sklearn_version
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import LinearSVC
    from threadpoolctl import threadpool_info, threadpool_limits

    torch.set_num_threads(args.threads)
    limits = threadpool_limits(limits=args.threads)  # NumPy's OpenBLAS, sklearn's OpenMP
    pools = {p["internal_api"]: p["num_threads"] for p in threadpool_info()}
    log.info("threads: torch %d, pools %s", torch.get_num_threads(), pools)
    try:
        pixels = subsample(load_splits(DATASET), args.quick)  # pixels / 255
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    normalized = preprocess(pixels, "normalize")

    rows: list[dict[str, Any]] = []
    selection: dict[str, Any] = {}
    chosen: dict[str, Any] = {}
    peers: dict[str, dict[str, Any]] = {}
    cli_defaults = {
        "knn": {"k": KNN.k},
        "softmax": {"lr": SOFTMAX.lr, "reg": SOFTMAX.reg},
        "svm": {"lr": SVM.lr, "reg": SVM.reg},
    }
    if "knn" in args.models:
        k, selection["knn"] = select_k(pixels)
        chosen["knn"] = asdict(KNNConfig(k=k))
        p = pixels
        rows += compare(
            "knn",
            {
                "dlclassics": (
                    lambda: KNNClassifier.fit(p.X_train, p.y_train, KNNConfig(k=k)),
                    predict_with,
                ),
                "sklearn": (
                    lambda: KNeighborsClassifier(k, algorithm="brute").fit(p.X_train, p.y_train),
                    predict_with,
                ),
            },
            p,
            repeats,
        )
    if "knn-l1" in args.models:
        k1 = chosen.get("knn", {}).get("k", KNN.k)
        p, n = pixels, args.l1_rows
        part = Splits(p.X_train, p.y_train, p.X_val[:n], p.y_val[:n], p.X_test[:n], p.y_test[:n])
        chosen["knn-l1"] = {"k": k1, "metric": "l1", "val_rows": n, "test_rows": n}
        rows += compare(
            "knn-l1",
            {
                "dlclassics": (
                    lambda: KNNClassifier.fit(p.X_train, p.y_train, KNNConfig(k=k1, metric="l1")),
                    predict_with,
                ),
                "sklearn": (
                    lambda: KNeighborsClassifier(k1, algorithm="brute", metric="manhattan").fit(
                        p.X_train, p.y_train
                    ),
                    predict_with,
                ),
            },
            part,
            repeats,
        )
    s = normalized
    # sklearn minimizes C·Σ_i L_i + ½‖W‖², i.e. (1/N)Σ L_i + λ‖W‖² with λ = 1/(2CN): the
    # penalty strength is chosen on val like ours, over the same λ grid. LinearSVC is slow to
    # converge on standardized pixels (≥ 5 min on 5,000 rows at λ = 1e-4), so it takes the λ
    # chosen for LogisticRegression instead of a grid of its own.
    N = len(s.X_train)
    peer_lambda = REGS[0]
    for name, base in (("softmax", SOFTMAX), ("svm", SVM)):
        if name not in args.models:
            continue
        best, selection[name] = select_linear(s, base)
        chosen[name] = asdict(best)
        if name == "softmax":
            peer_lambda, selection["softmax_sklearn"] = select_peer_lambda(s)
        C = 1.0 / (2 * peer_lambda * N)
        peer: Callable[[], Any] = {
            "softmax": lambda C=C: LogisticRegression(C=C, max_iter=1000),
            "svm": lambda C=C: LinearSVC(C=C, dual=False),
        }[name]
        peers[name] = {"lambda": peer_lambda, "C": C, "estimator": repr(peer())}
        rows += compare(
            name,
            {
                "dlclassics": (
                    lambda c=best: LinearClassifier.fit(s.X_train, s.y_train, c),
                    predict_with,
                ),
                "sklearn": (lambda f=peer, r=peers[name]: fit_peer(f(), s, r), predict_with),
            },
            s,
            repeats,
        )
    if "mlp" in args.models:
        fit = MLP_FIT
        if args.quick:
            fit = replace(fit, epochs=2)
        per_epoch: list[float] = []

        def on_epoch(epoch: int, loss: float, model: Any) -> None:
            per_epoch.append(round(accuracy(model.predict(s.X_val), s.y_val), 4))

        # The val curve of the chosen settings, outside the timed fits.
        fit_engine_mlp(s.X_train, s.y_train, fit, on_epoch=on_epoch)
        selection["mlp"] = {"val_accuracy_per_epoch": per_epoch}
        chosen["mlp"] = asdict(fit)
        rows += compare(
            "mlp",
            {
                "dlclassics": (
                    lambda: fit_engine_mlp(s.X_train, s.y_train, fit).model,
                    predict_with,
                ),
                "torch": (lambda: fit_torch_mlp(s.X_train, s.y_train, fit), torch_predict),
            },
            s,
            repeats,
        )

    by = {(r["model"], r["impl"]): r for r in rows}
    ratios: dict[str, float] = {}
    if "knn" in args.models:
        ours, theirs = by[("knn", "dlclassics")], by[("knn", "sklearn")]
        ratios["knn_predict_time_ours_over_sklearn"] = round(
            ours["predict_seconds"] / theirs["predict_seconds"], 3
        )
    if "knn-l1" in args.models:
        ours, theirs = by[("knn-l1", "dlclassics")], by[("knn-l1", "sklearn")]
        ratios["knn_l1_predict_time_ours_over_sklearn"] = round(
            ours["predict_seconds"] / theirs["predict_seconds"], 3
        )
    if args.models == ["knn-l1"] and not args.quick:  # into the full run's file
        limits.restore_original_limits()
        print(merge_l1(rows, chosen["knn-l1"], ratios, args.threads))
        return
    for name in ("softmax", "svm"):
        if name in args.models:
            ours, theirs = by[(name, "dlclassics")], by[(name, "sklearn")]
            ratios[f"{name}_fit_time_ours_over_sklearn"] = round(
                ours["fit_seconds"] / theirs["fit_seconds"], 3
            )
    if "mlp" in args.models:
        ours, theirs = by[("mlp", "dlclassics")], by[("mlp", "torch")]
        ratios["mlp_epoch_time_engine_over_torch"] = round(
            ours["fit_seconds"] / theirs["fit_seconds"], 2
        )
    matches = {
        name: {key: chosen[name][key] == value for key, value in defaults.items()}
        for name, defaults in cli_defaults.items()
        if name in chosen
    }
    path = write_results(
        "classic_quick" if args.quick else "classic",
        "classic classifiers: dlclassics vs scikit-learn and torch",
        rows,
        data={
            "dataset": DATASET,
            "train_rows": len(pixels.X_train),
            "val_rows": len(pixels.X_val),
            "test_rows": len(pixels.X_test),
            "features": {"knn": "pixels/255", "others": "(pixels/255 − μ)/σ, μ σ from train"},
        },
        protocol=(
            "fit on train; choose settings on val (selection); fit the chosen setting beside "
            "its peer and score both once on test"
        ),
        selection=selection,
        chosen=chosen,
        chosen_equals_cli_default=matches,
        peers={"versions": f"scikit-learn {sklearn_version}, torch {torch.__version__}", **peers},
        threads=args.threads,
        repeats=repeats,
        ratios=ratios,
    )
    limits.restore_original_limits()
    print(path)


if __name__ == "__main__":
    main()
