"""Optimizers from scratch against torch.optim, step by step (004 §二.8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from dlclassics.autograd.tensor import Tensor
from dlclassics.classic.optim import (
    SGD,
    Adam,
    Momentum,
    MomentumNotes,
    Nesterov,
    Optimizer,
    RMSProp,
)
from dlclassics.errors import ConfigError

SHAPES = [(3, 4), (5,)]
STEPS = 20


def _gradient_sequence(seed: int = 0) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=s) for s in SHAPES] for _ in range(STEPS)]


def _start(seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) for s in SHAPES]


CASES: dict[str, tuple[Callable[[list[Any]], Optimizer], Callable[[list[Any]], Any]]] = {
    "sgd": (
        lambda p: SGD(p, lr=0.1),
        lambda p: torch.optim.SGD(p, lr=0.1),
    ),
    "sgd-weight-decay": (
        lambda p: SGD(p, lr=0.1, weight_decay=0.01),
        lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01),
    ),
    "momentum-velocity-form": (
        lambda p: Momentum(p, lr=0.05, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    "momentum-notes-form": (
        lambda p: MomentumNotes(p, lr=0.05, alpha=0.9),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    "nesterov": (
        lambda p: Nesterov(p, lr=0.05, momentum=0.9, weight_decay=0.001),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.001),
    ),
    "rmsprop": (
        lambda p: RMSProp(p, lr=0.01, rho=0.9, eps=1e-8),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8),
    ),
    "adam": (
        lambda p: Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-8),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-8),
    ),
    "adam-weight-decay": (
        lambda p: Adam(p, lr=0.01, weight_decay=0.1),
        lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_optimizer_matches_torch_optim_step_by_step(case: str) -> None:
    make_ours, make_torch = CASES[case]
    ours = _start()
    theirs = [torch.tensor(w, requires_grad=True) for w in _start()]
    opt, opt_t = make_ours(ours), make_torch(theirs)
    for grads in _gradient_sequence():
        opt.step(grads)
        for p, g in zip(theirs, grads, strict=True):
            p.grad = torch.tensor(g)
        opt_t.step()
        for w, p in zip(ours, theirs, strict=True):  # after every step, not just the last
            np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_notes_form_and_velocity_form_of_momentum_are_the_same_update() -> None:
    # w(t+1) = w(t) − η g + α[w(t) − w(t−1)]  ≡  v ← αv − ηg, w ← w + v
    notes, velocity = _start(), _start()
    opt_notes = MomentumNotes(notes, lr=0.05, alpha=0.9)
    opt_velocity = Momentum(velocity, lr=0.05, momentum=0.9)
    for grads in _gradient_sequence():
        before = [w.copy() for w in velocity]
        opt_notes.step(grads)
        opt_velocity.step(grads)
        for a, b, v, w0 in zip(notes, velocity, opt_velocity.velocity, before, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(v, b - w0, rtol=1e-10, atol=1e-14)  # v = w(t+1) − w(t)


def test_torch_momentum_buffer_is_minus_velocity_over_lr() -> None:
    lr = 0.05
    ours = _start()
    theirs = [torch.tensor(w, requires_grad=True) for w in _start()]
    opt, opt_t = Momentum(ours, lr=lr, momentum=0.9), torch.optim.SGD(theirs, lr=lr, momentum=0.9)
    for grads in _gradient_sequence():
        opt.step(grads)
        for p, g in zip(theirs, grads, strict=True):
            p.grad = torch.tensor(g)
        opt_t.step()
    for v, p in zip(opt.velocity, theirs, strict=True):
        buffer = opt_t.state[p]["momentum_buffer"].numpy()
        np.testing.assert_allclose(v, -lr * buffer, rtol=1e-10)


def test_velocity_and_torch_forms_part_when_the_learning_rate_changes() -> None:
    # torch's step −η·b rescales the whole history by the new η; v only scales the new g
    ours = _start()
    theirs = [torch.tensor(w, requires_grad=True) for w in _start()]
    opt, opt_t = (
        Momentum(ours, lr=0.05, momentum=0.9),
        torch.optim.SGD(theirs, lr=0.05, momentum=0.9),
    )
    for k, grads in enumerate(_gradient_sequence()):
        if k == 10:
            opt.lr = 0.01
            opt_t.param_groups[0]["lr"] = 0.01
        opt.step(grads)
        for p, g in zip(theirs, grads, strict=True):
            p.grad = torch.tensor(g)
        opt_t.step()
    assert not np.allclose(ours[0], theirs[0].detach().numpy(), rtol=1e-3)


def test_momentum_damps_the_oscillation_of_plain_sgd_on_a_narrow_valley() -> None:
    # 004 §二.4 迭代法: on L = ½(w₁² + 40·w₂²) a step size near 2/40 makes w₂ oscillate,
    # and w₁ crawls; momentum speeds up w₁ and averages out the w₂ swings.
    curvature = np.array([1.0, 40.0])

    def steps_to_converge(make: Callable[[list[np.ndarray]], Optimizer]) -> int:
        w = np.array([1.0, 1.0])
        opt = make([w])
        for t in range(1, 2000):
            opt.step([curvature * w])
            if 0.5 * np.sum(curvature * w**2) < 1e-8:
                return t
        return 2000

    sgd = steps_to_converge(lambda p: SGD(p, lr=0.045))
    momentum = steps_to_converge(lambda p: Momentum(p, lr=0.045, momentum=0.6))
    # measured: SGD 193 steps, momentum 57 steps (deterministic; no randomness involved)
    assert momentum < sgd / 2


def test_optimizers_update_tensor_parameters_from_their_grad() -> None:
    w = Tensor([1.0, -2.0], requires_grad=True)
    opt = Momentum([w], lr=0.1, momentum=0.9)
    (w * w).sum().backward()  # grad 2w
    opt.step()
    np.testing.assert_allclose(w.data, [0.8, -1.6])
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=0.0), "positive"),
        (lambda p: Momentum(p, lr=0.1, momentum=1.0), r"\[0, 1\)"),
        (lambda p: Adam(p, betas=(0.9, 1.5)), "beta2"),
        (lambda p: SGD([], lr=0.1), "no parameters"),
        (lambda p: SGD([np.zeros(3, dtype=int)], lr=0.1), "float"),
    ],
)
def test_bad_hyperparameters_are_clear_errors(
    make: Callable[[list[np.ndarray]], Optimizer], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        make(_start())


def test_step_checks_gradient_count_and_shapes() -> None:
    opt = SGD(_start(), lr=0.1)
    with pytest.raises(ConfigError, match="1 gradients for 2"):
        opt.step([np.zeros((3, 4))])
    with pytest.raises(ConfigError, match=r"shape \(4, 3\)"):
        opt.step([np.zeros((4, 3)), np.zeros(5)])
