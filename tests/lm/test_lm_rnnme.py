"""RNNME (Elman RNN + maximum-entropy direct connections): the maxent with its recurrent part
switched off, the class-factored distribution written out, and the gradient of training's
nll equal to that of the full distribution. Shapes, normalisation and state carrying are
checked for every model, this one included, in test_lm_models.py."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from dlclassics.lm.models import LMModelConfig
from dlclassics.lm.models.maxent import MaxEntLM
from dlclassics.lm.models.rnnme import RNNMaxEntLM

V = 23
CONFIG = LMModelConfig(order=3, embed=8, hidden=6, dropout=0.0, buckets=997, bptt=6)


def tokens(B: int, L: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(4, V, (B, L), generator=torch.Generator().manual_seed(seed))


def randomised(classes: int | None) -> RNNMaxEntLM:
    torch.manual_seed(0)
    model = RNNMaxEntLM(LMModelConfig(**{**CONFIG.__dict__, "classes": classes}), V).double()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.5)
    return model


@pytest.mark.parametrize("classes", [None, 5])
def test_without_its_recurrent_weights_it_is_the_maxent(classes: int | None) -> None:
    model = randomised(classes)
    with torch.no_grad():
        model.word_out.zero_()
        if model.class_out is not None:
            model.class_out.weight.zero_()
    maxent = MaxEntLM(LMModelConfig(**{**CONFIG.__dict__, "classes": classes}), V).double()
    maxent.load_state_dict(model.state_dict(), strict=False)  # the shared maxent weights
    x, y = tokens(2, 7), tokens(2, 7, seed=1)
    state = model.initial_state(2, x.device)
    state = (state[0], state[1].double())
    torch.testing.assert_close(model.log_probs(x, state)[0], maxent.log_probs(x, state[:1])[0])
    torch.testing.assert_close(model.nll(x, y, state)[0], maxent.nll(x, y, state[:1])[0])


def test_class_factored_distribution_adds_the_hidden_layer_to_both_softmaxes() -> None:
    """log p(w | h) = log softmax_c(maxent class scores + A s_t)[c(w)]
    + log softmax_{w' ∈ c(w)}(maxent word scores + V_w' · s_t), with s_t from nn.RNN."""
    model = randomised(5)
    maxent = MaxEntLM(LMModelConfig(**{**CONFIG.__dict__, "classes": 5}), V).double()
    maxent.load_state_dict(model.state_dict(), strict=False)
    x = tokens(2, 6)
    state = model.initial_state(2, x.device)
    state = (state[0], state[1].double())
    logp, _ = model.log_probs(x, state)
    s, _ = model.rnn(model.embedding(x), state[1])  # (B, L, H) tanh(U e + W s + b)
    S = -(-V // 5)
    full = torch.cat([state[0], x], dim=1)
    for b in range(2):
        for t in range(6):
            context = full[b, t + 1 : t + 3][None]  # the n − 1 tokens ending at x_t
            before = (full[b, t : t + 2][None],)  # the state before x_t
            class_scores = maxent._class_logits(x[b : b + 1, t : t + 1], before)[0][0]
            log_class = F.log_softmax(class_scores + model.class_out.weight @ s[b, t], -1)
            for c in range(5):
                words = torch.arange(c * S, min(V, (c + 1) * S))
                scores = maxent._word_logits(context, torch.tensor([c]))[0, : len(words)]
                recurrent = model.word_out[words] @ s[b, t]
                expected = log_class[c] + F.log_softmax(scores + recurrent, -1)
                torch.testing.assert_close(logp[b, t, words], expected)


def test_gradient_of_training_nll_equals_that_of_the_full_distribution() -> None:
    model = randomised(5)
    x, y = tokens(2, 6), tokens(2, 6, seed=4)
    state = model.initial_state(2, x.device)
    state = (state[0], state[1].double())
    params = list(model.parameters())
    fast = torch.autograd.grad(model.nll(x, y, state)[0].sum(), params)
    logp = model.log_probs(x, state)[0]
    slow = torch.autograd.grad(-logp.gather(-1, y[..., None]).sum(), params)
    for a, b in zip(fast, slow, strict=True):
        torch.testing.assert_close(a, b)


def test_dense_gradients_are_scaled_by_the_dense_rate_and_hashed_ones_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dlclassics.lm.models import rnnme

    model = randomised(5)
    x, y = tokens(2, 6), tokens(2, 6, seed=5)
    state = model.initial_state(2, x.device)
    state = (state[0], state[1].double())
    params = dict(model.named_parameters())

    def grads() -> dict[str, torch.Tensor]:
        return dict(
            zip(
                params,
                torch.autograd.grad(model.nll(x, y, state)[0].sum(), list(params.values())),
                strict=True,
            )
        )

    scaled, dense = grads(), rnnme.DENSE_LR
    assert dense != 1.0
    monkeypatch.setattr(rnnme, "DENSE_LR", 1.0)  # the hooks read it when they run
    plain = grads()
    for name in params:
        scale = 1.0 if name in ("weight", "bias", "class_bias") else dense
        torch.testing.assert_close(scaled[name], scale * plain[name], msg=name)
