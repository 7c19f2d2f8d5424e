"""Bahdanau's additive score and the context vector, against the formula written out (float64)."""

from __future__ import annotations

import torch

from dlclassics.nn.alignment import AdditiveScore, attend


def test_additive_attention_matches_the_formula_term_by_term() -> None:
    torch.manual_seed(0)
    B, S, Q, M, A = 2, 5, 3, 4, 6
    score = AdditiveScore(Q, M, A).double()
    query = torch.randn(B, Q, dtype=torch.float64)
    memory = torch.randn(B, S, M, dtype=torch.float64)
    pad = torch.tensor([[False] * S, [False, False, False, True, True]])
    context, weights = attend(score(query, score.prepare(memory)), memory, pad)
    W, U, b, v = score.W.weight, score.U.weight, score.U.bias, score.v.weight[0]
    for i in range(B):
        real = [s for s in range(S) if not pad[i, s]]
        e = torch.stack([v @ torch.tanh(W @ query[i] + U @ memory[i, s] + b) for s in real])
        alpha = torch.exp(e) / torch.exp(e).sum()  # α_s = exp(e_s) / Σ exp(e_s')
        torch.testing.assert_close(weights[i, real], alpha)
        assert weights[i, pad[i]].sum() == 0
        expected = sum(alpha[k] * memory[i, s] for k, s in enumerate(real))  # c = Σ α_s h_s
        torch.testing.assert_close(context[i], expected)
