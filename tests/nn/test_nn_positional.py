"""Positional encodings (note 001 §7, 为A'添加位置信息): the sinusoid formula, offsets, errors."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.testing import assert_close

from dlclassics.nn.positional import (
    LearnedPositionalEmbedding,
    SinusoidalPositionalEncoding,
    sinusoidal_table,
)

f64 = torch.float64


@settings(max_examples=30, deadline=None)
@given(d=st.integers(1, 33), pos=st.integers(0, 499))
def test_sinusoidal_table_follows_the_formula_sin_then_cos_of_pos_over_10000_to_2i_over_d(
    d: int, pos: int
) -> None:
    pe = sinusoidal_table(500, d)
    for j in range(d):
        i2 = j - j % 2  # the 2i shared by dimensions 2i (sin) and 2i + 1 (cos)
        angle = pos / 10000 ** (i2 / d)
        expected = math.sin(angle) if j % 2 == 0 else math.cos(angle)
        assert pe[pos, j].item() == pytest.approx(expected, abs=1e-12)


def test_sinusoidal_encoding_adds_the_table_slice_at_the_offset() -> None:
    enc = SinusoidalPositionalEncoding(6, max_len=20).to(f64)
    x = torch.randn(2, 4, 6, dtype=f64)
    assert_close(enc(x), x + sinusoidal_table(20, 6)[:4])
    assert_close(enc(x, offset=7), x + sinusoidal_table(20, 6)[7:11])


def test_sinusoidal_encoding_keeps_the_input_dtype_and_is_not_saved_in_the_state_dict() -> None:
    enc = SinusoidalPositionalEncoding(8, max_len=10)
    assert enc(torch.zeros(1, 3, 8, dtype=f64)).dtype == f64
    assert enc.state_dict() == {}


def test_learned_embedding_adds_its_rows_at_the_offset_and_receives_gradients() -> None:
    emb = LearnedPositionalEmbedding(10, 4).to(f64)
    x = torch.randn(3, 2, 4, dtype=f64)
    out = emb(x, offset=5)
    assert_close(out, x + emb.weight[5:7])
    out.sum().backward()
    assert emb.weight.grad is not None
    assert torch.equal(emb.weight.grad[5:7], torch.full((2, 4), 3.0, dtype=f64))  # B = 3 rows
    assert emb.weight.grad[:5].abs().sum() == 0 and emb.weight.grad[7:].abs().sum() == 0


@pytest.mark.parametrize(
    "module", [SinusoidalPositionalEncoding(4, max_len=5), LearnedPositionalEmbedding(5, 4)]
)
def test_positions_past_max_len_raise_a_clear_value_error(module: torch.nn.Module) -> None:
    module(torch.zeros(1, 5, 4))  # exactly max_len is fine
    with pytest.raises(ValueError, match=r"positions 3…5 exceed max_len=5"):
        module(torch.zeros(1, 3, 4), offset=3)
    with pytest.raises(ValueError, match="offset=-1"):
        module(torch.zeros(1, 1, 4), offset=-1)
    with pytest.raises(ValueError, match="does not match d_model=4"):
        module(torch.zeros(1, 2, 3))
