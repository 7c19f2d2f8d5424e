"""RNN, LSTM and GRU from scratch against torch in float64 (note 002: 循环神经网络, 长短时记忆单元).

Oracles: ``nn.RNNCell``/``nn.LSTMCell``/``nn.GRUCell`` and ``nn.RNN``/``nn.LSTM``/``nn.GRU``
(batch_first) after ``load_state_dict``: outputs, final states, and gradients of the input,
the initial state and every parameter, on random shapes (1–2 layers, uni/bidirectional, with
and without bias, initial state and variable lengths — the latter against packed sequences).
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.testing import assert_close

from dlclassics.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

FAST = settings(max_examples=15, deadline=None)
TOL = {"rtol": 1e-6, "atol": 1e-6}  # the bound; the tests also pass at 1e-12
f64 = torch.float64

CELLS: dict[str, tuple[type[nn.Module], type[nn.Module]]] = {
    "rnn": (RNNCell, nn.RNNCell),
    "lstm": (LSTMCell, nn.LSTMCell),
    "gru": (GRUCell, nn.GRUCell),
}
LAYERS: dict[str, tuple[type[nn.Module], type[nn.Module]]] = {
    "rnn": (RNN, nn.RNN),
    "lstm": (LSTM, nn.LSTM),
    "gru": (GRU, nn.GRU),
}


def _flat(x: Tensor | tuple[Tensor, ...]) -> list[Tensor]:
    return list(x) if isinstance(x, tuple) else [x]


def _param_grads(module: nn.Module) -> dict[str, Tensor]:
    grads = {}
    for name, p in module.named_parameters():
        assert p.grad is not None, name
        grads[name] = p.grad
    return grads


@FAST
@given(
    kind=st.sampled_from(sorted(CELLS)),
    B=st.integers(1, 3),
    n_in=st.integers(1, 5),
    H=st.integers(1, 5),
    bias=st.booleans(),
    given_state=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_cells_match_torch_cells_values_and_gradients(
    kind: str, B: int, n_in: int, H: int, bias: bool, given_state: bool, seed: int
) -> None:
    ours_cls, ref_cls = CELLS[kind]
    torch.manual_seed(seed)
    ref = ref_cls(n_in, H, bias=bias).to(f64)
    ours = ours_cls(n_in, H, bias=bias).to(f64)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(B, n_in, dtype=f64)
    n_state = 2 if kind == "lstm" else 1
    state = [torch.randn(B, H, dtype=f64) for _ in range(n_state)] if given_state else None

    def run(module: nn.Module) -> tuple[list[Tensor], list[Tensor]]:
        xs = x.clone().requires_grad_()
        ss = [s.clone().requires_grad_() for s in state] if state is not None else None
        arg: Any = None if ss is None else (tuple(ss) if kind == "lstm" else ss[0])
        out = _flat(module(xs, arg))
        sum(o.sum() * (k + 1) for k, o in enumerate(out)).backward()
        grads = [xs.grad] + ([s.grad for s in ss] if ss is not None else [])
        return out, grads  # type: ignore[return-value]

    out, grads = run(ours)
    ref_out, ref_grads = run(ref)
    assert_close(out, ref_out, **TOL)
    assert_close(grads, ref_grads, **TOL)
    assert_close(_param_grads(ours), _param_grads(ref), **TOL)


def test_rnn_cell_is_tanh_of_u_x_plus_w_h_plus_b() -> None:
    cell = RNNCell(3, 4).to(f64)
    x, h = torch.randn(2, 3, dtype=f64), torch.randn(2, 4, dtype=f64)
    U, W = cell.weight_ih, cell.weight_hh
    assert cell.bias_ih is not None and cell.bias_hh is not None
    expected = torch.tanh(
        x @ U.T + h @ W.T + cell.bias_ih + cell.bias_hh
    )  # note 002: h_t = tanh(U x_t + W h_{t−1})
    assert_close(cell(x, h), expected)


def test_relu_rnn_cell_matches_nn_rnn_cell() -> None:
    ref = nn.RNNCell(3, 4, nonlinearity="relu").to(f64)
    ours = RNNCell(3, 4, nonlinearity="relu").to(f64)
    ours.load_state_dict(ref.state_dict())
    x, h = torch.randn(5, 3, dtype=f64), torch.randn(5, 4, dtype=f64)
    assert_close(ours(x, h), ref(x, h), **TOL)


@st.composite
def layer_cases(draw: st.DrawFn) -> dict[str, Any]:
    B, T = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    return {
        "kind": draw(st.sampled_from(sorted(LAYERS))),
        "B": B,
        "T": T,
        "I": draw(st.integers(1, 4)),
        "H": draw(st.integers(1, 4)),
        "num_layers": draw(st.integers(1, 2)),
        "bidirectional": draw(st.booleans()),
        "bias": draw(st.booleans()),
        "given_state": draw(st.booleans()),
        "lengths": draw(st.none() | st.lists(st.integers(1, T), min_size=B, max_size=B)),
        "seed": draw(st.integers(0, 1000)),
    }


@settings(max_examples=40, deadline=None)
@given(layer_cases())
def test_layers_match_torch_outputs_final_states_and_gradients(case: dict[str, Any]) -> None:
    kind, B, T, n_in, H = case["kind"], case["B"], case["T"], case["I"], case["H"]
    L, D = case["num_layers"], 2 if case["bidirectional"] else 1
    ours_cls, ref_cls = LAYERS[kind]
    kwargs = {"num_layers": L, "bias": case["bias"], "bidirectional": case["bidirectional"]}
    torch.manual_seed(case["seed"])
    ref = ref_cls(n_in, H, batch_first=True, dtype=f64, **kwargs)
    ours = ours_cls(n_in, H, **kwargs).to(f64)
    ours.load_state_dict(ref.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    x = torch.randn(B, T, n_in, dtype=f64)
    n_state = 2 if kind == "lstm" else 1
    state = (
        [torch.randn(L * D, B, H, dtype=f64) for _ in range(n_state)]
        if case["given_state"]
        else None
    )
    lengths = None if case["lengths"] is None else torch.tensor(case["lengths"])

    def run(module: nn.Module, ours_: bool) -> tuple[list[Tensor], list[Tensor]]:
        xs = x.clone().requires_grad_()
        ss = [s.clone().requires_grad_() for s in state] if state is not None else None
        hx: Any = None if ss is None else (tuple(ss) if kind == "lstm" else ss[0])
        if lengths is None:
            out, final = module(xs, hx)
        elif ours_:
            out, final = module(xs, hx, lengths=lengths)
        else:  # the oracle for variable lengths: packed sequences
            packed = pack_padded_sequence(xs, lengths, batch_first=True, enforce_sorted=False)
            packed_out, final = module(packed, hx)
            out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=T)
        results = [out, *_flat(final)]
        sum(
            (r * torch.linspace(-1, 1, r.numel(), dtype=f64).view_as(r)).sum() for r in results
        ).backward()
        grads = [xs.grad] + ([s.grad for s in ss] if ss is not None else [])
        return results, grads  # type: ignore[return-value]

    results, grads = run(ours, True)
    ref_results, ref_grads = run(ref, False)
    assert results[0].shape == (B, T, D * H)
    assert_close(results, ref_results, **TOL)
    assert_close(grads, ref_grads, **TOL)
    assert_close(_param_grads(ours), _param_grads(ref), **TOL)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_time_major_input_matches_torch_with_batch_first_false(kind: str) -> None:
    ours_cls, ref_cls = LAYERS[kind]
    ref = ref_cls(3, 4, num_layers=2, bidirectional=True, dtype=f64)
    ours = ours_cls(3, 4, num_layers=2, bidirectional=True, batch_first=False).to(f64)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(5, 2, 3, dtype=f64)  # (T, B, I)
    assert_close(_flat(ours(x)[0]) + _flat(ours(x)[1]), _flat(ref(x)[0]) + _flat(ref(x)[1]), **TOL)


def test_dropout_between_layers_acts_in_training_mode_only() -> None:
    torch.manual_seed(0)
    lstm = LSTM(3, 8, num_layers=2, dropout=0.5).to(f64)
    x = torch.randn(2, 4, 3, dtype=f64)
    assert not torch.allclose(lstm(x)[0], lstm(x)[0])  # two different dropout masks
    lstm.eval()
    ref = nn.LSTM(3, 8, num_layers=2, dropout=0.5, batch_first=True, dtype=f64).eval()
    ref.load_state_dict(lstm.state_dict())
    assert_close(lstm(x)[0], ref(x)[0], **TOL)


def test_bad_shapes_raise_clear_errors() -> None:
    gru = GRU(3, 4, num_layers=2)
    with pytest.raises(ValueError, match="input width 5 does not match input_size=3"):
        gru(torch.randn(2, 4, 5))
    with pytest.raises(ValueError, match=r"initial state must be .*\(2, 2, 4\)"):
        gru(torch.randn(2, 4, 3), torch.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="lengths must be"):
        gru(torch.randn(2, 4, 3), lengths=torch.tensor([0, 4]))
    with pytest.raises(ValueError, match=r"expected input \(B, 3\)"):
        LSTMCell(3, 4)(torch.randn(2, 5))
    with pytest.raises(ValueError, match="nonlinearity='sigmoid'"):
        RNN(3, 4, nonlinearity="sigmoid")  # type: ignore[arg-type]
