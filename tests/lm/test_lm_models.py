"""The neural LMs: shapes, −log p of the right tokens, state carrying, learning, oracles.

Oracles: maxent's custom gather/scatter gradient vs autograd of plain indexing (float64);
the RNN LM with ``dlclassics.nn.rnn`` cells vs the same weights in ``nn.LSTM``/``nn.GRU``/
``nn.RNN`` (loss and gradients, float64).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from dlclassics.errors import ConfigError
from dlclassics.lm.data import StreamWindows
from dlclassics.lm.models import MODELS, LMModelConfig, build_model
from dlclassics.lm.models.base import context_windows
from dlclassics.lm.models.maxent import HashedGather, MaxEntLM
from dlclassics.lm.models.nnlm import NNLM
from dlclassics.lm.task import LMTask

V = 23
SMALL = LMModelConfig(
    order=3, embed=8, hidden=8, heads=2, ff=16, context=16, dropout=0.0, buckets=997, bptt=6,
    cutoffs=(5, 12),
)  # fmt: skip


def tokens(B: int, L: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(4, V, (B, L), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("softmax", ["full", "adaptive"])
def test_nll_is_minus_log_prob_of_the_next_token_for_every_model(name: str, softmax: str) -> None:
    torch.manual_seed(0)
    model = build_model(name, LMModelConfig(**{**SMALL.__dict__, "softmax": softmax}), V)
    model.eval()
    x, y = tokens(3, 7), tokens(3, 7, seed=1)
    state = model.initial_state(3, x.device)
    logp, _ = model.log_probs(x, state)
    nll, _ = model.nll(x, y, state)
    assert logp.shape == (3, 7, V) and nll.shape == (3, 7)
    torch.testing.assert_close(logp.exp().sum(-1), torch.ones(3, 7))  # a distribution over V
    torch.testing.assert_close(nll, -logp.gather(-1, y[..., None]).squeeze(-1))


@pytest.mark.parametrize("name", list(MODELS))
def test_two_windows_with_carried_state_equal_one_window(name: str) -> None:
    torch.manual_seed(0)
    model = build_model(name, SMALL, V)
    model.eval()
    x = tokens(2, 10)
    state = model.initial_state(2, x.device)
    whole, _ = model.log_probs(x, state)
    first, mid = model.log_probs(x[:, :4], state)
    second, _ = model.log_probs(x[:, 4:], mid)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)
    # advance() computes the same state without scoring
    advanced = model.advance(x[:, :4], state)
    for a, b in zip(advanced, mid, strict=True):
        torch.testing.assert_close(a, b)


def test_nnlm_context_is_the_last_n_minus_1_tokens_only() -> None:
    torch.manual_seed(0)
    model = build_model("nnlm", SMALL, V)  # order 3: two previous tokens
    model.eval()
    a, b = tokens(1, 6), tokens(1, 6, seed=5)
    b[:, -2:] = a[:, -2:]  # same last two tokens, different history
    state = model.initial_state(1, a.device)
    torch.testing.assert_close(
        model.log_probs(a, state)[0][:, -1], model.log_probs(b, state)[0][:, -1]
    )


def test_nnlm_direct_connections_see_the_embeddings_dropped_once() -> None:
    """Inverted dropout p = 0.5 once: each direct feature is 0 or 2·e, never 4·e."""
    from dataclasses import replace

    torch.manual_seed(0)
    model = build_model("nnlm", replace(SMALL, dropout=0.5, direct=True), V)
    assert isinstance(model, NNLM)
    model.train()
    x = tokens(4, 6)
    state = model.initial_state(4, x.device)
    features, _ = model.features(x, state)
    direct = features[..., SMALL.hidden :]  # the (n − 1)·m embedding part
    contexts, _ = context_windows(x, state[0], SMALL.order)  # (B, L, n − 1), as features
    e = model.embedding(contexts.flip(-1)).reshape(direct.shape)
    kept = direct != 0
    assert 0 < kept.float().mean() < 1
    torch.testing.assert_close(direct[kept], 2 * e[kept])


def test_order_below_one_and_nnlm_order_one_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="order=0"):
        LMModelConfig(order=0)
    with pytest.raises(ConfigError, match="nnlm needs order >= 2"):
        build_model("nnlm", LMModelConfig(order=1), V)


def test_tied_output_layer_shares_the_embedding_matrix() -> None:
    config = LMModelConfig(**{**SMALL.__dict__, "softmax": "full", "tie": True})
    model = build_model("lstm", config, V)
    assert model.head.linear.weight is model.embedding.weight  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="tie needs --softmax full"):
        build_model("lstm", LMModelConfig(**{**SMALL.__dict__, "tie": True}), V)


def test_maxent_gather_gradient_matches_autograd_of_plain_indexing() -> None:
    g = torch.Generator().manual_seed(0)
    table = torch.randn(50 + 7, dtype=torch.float64, generator=g, requires_grad=True)
    start = torch.randint(0, 50, (6, 2), generator=g)
    upstream = torch.randn(6, 7, dtype=torch.float64, generator=g)
    ours = HashedGather.apply(table, start, 7)
    (grad_ours,) = torch.autograd.grad((ours * upstream).sum(), table)
    index = start[:, :, None] + torch.arange(7)  # (6, 2, 7)
    reference = table[index].sum(1)
    (grad_ref,) = torch.autograd.grad((reference * upstream).sum(), table)
    torch.testing.assert_close(ours, reference)
    torch.testing.assert_close(grad_ours, grad_ref)


def test_maxent_is_softmax_regression_on_its_indicator_features() -> None:
    """log p = log_softmax(b + Σ_k λ·f_k) with f_k the one-hot (hashed k-gram, w) features."""
    torch.manual_seed(0)
    model = MaxEntLM(SMALL, V)
    with torch.no_grad():
        model.bias.normal_()
        model.weight.normal_()
    x = tokens(2, 5)
    state = model.initial_state(2, x.device)
    logp, _ = model.log_probs(x, state)
    full = torch.cat([state[0], x], dim=1)
    for b in range(2):
        for t in range(5):
            context = full[b, t + 1 : t + 3]  # the 2 tokens before the prediction
            starts = model.slice_starts(context)
            features = torch.zeros(V, model.weight.numel())  # (V words, buckets) one-hots
            for s in starts.tolist():
                features[torch.arange(V), s + torch.arange(V)] = 1.0
            logits = model.bias + features @ model.weight
            torch.testing.assert_close(logp[b, t], F.log_softmax(logits, -1))


@pytest.mark.parametrize("classes", [1, 4, 5, V])
def test_class_factored_maxent_is_two_softmax_regressions_chained(classes: int) -> None:
    """log p(w | h) = log softmax_c(β + Σ_k λ·f_k)[c(w)] + log softmax_{w' ∈ c(w)}(b + Σ_k λ·g_k)
    with f_k the one-hot (hashed k-gram, class) and g_k the (hashed k-gram and class, word)
    features; classes of ⌈V/C⌉ consecutive ids (5 classes of 5: the last one has 3 words)."""
    torch.manual_seed(0)
    model = MaxEntLM(LMModelConfig(**{**SMALL.__dict__, "classes": classes}), V).double()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
    x, y = tokens(2, 5), tokens(2, 5, seed=3)
    state = model.initial_state(2, x.device)
    logp, _ = model.log_probs(x, state)
    nll, _ = model.nll(x, y, state)
    full = torch.cat([state[0], x], dim=1)
    S = -(-V // classes)
    members = [torch.arange(c * S, min(V, (c + 1) * S)) for c in range(classes)]
    for b in range(2):
        for t in range(5):
            context = full[b, t + 1 : t + 3]
            f = torch.zeros(classes, model.weight.numel(), dtype=torch.float64)
            for s in model.slice_starts(context).tolist():
                f[torch.arange(classes), s + torch.arange(classes)] = 1.0
            log_class = F.log_softmax(model.class_bias + f @ model.weight, -1)  # (C,)
            expected = torch.empty(V, dtype=torch.float64)
            for c, words in enumerate(members):
                g = torch.zeros(len(words), model.weight.numel(), dtype=torch.float64)
                for s in model.word_slice_starts(context, torch.tensor(c)).tolist():
                    g[torch.arange(len(words)), s + torch.arange(len(words))] = 1.0
                expected[words] = log_class[c] + F.log_softmax(
                    model.bias[words] + g @ model.weight, -1
                )
            torch.testing.assert_close(logp[b, t], expected)
            torch.testing.assert_close(nll[b, t], -expected[y[b, t]])


def test_class_factored_maxent_gradient_of_nll_equals_that_of_its_log_probs() -> None:
    """Training scores only the target's class; its gradient is the full distribution's."""
    torch.manual_seed(0)
    model = MaxEntLM(LMModelConfig(**{**SMALL.__dict__, "classes": 5}), V).double()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
    x, y = tokens(2, 6), tokens(2, 6, seed=4)
    state = model.initial_state(2, x.device)
    fast = torch.autograd.grad(model.nll(x, y, state)[0].sum(), list(model.parameters()))
    logp = model.log_probs(x, state)[0]
    slow = torch.autograd.grad(-logp.gather(-1, y[..., None]).sum(), list(model.parameters()))
    for a, b in zip(fast, slow, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_scratch_cells_give_the_torch_modules_loss_and_gradients(kind: str) -> None:
    torch.manual_seed(0)
    config = LMModelConfig(**{**SMALL.__dict__, "layers": 2, "softmax": "full"})
    fast = build_model(kind, config, V).double()
    scratch = build_model(kind, LMModelConfig(**{**config.__dict__, "cell": "scratch"}), V).double()
    scratch.load_state_dict(fast.state_dict())
    x, y = tokens(3, 9), tokens(3, 9, seed=2)
    losses, grads = [], []
    for model in (fast, scratch):
        state = tuple(s.double() for s in model.initial_state(3, x.device))
        loss = model.nll(x, y, state)[0].mean()
        losses.append(loss)
        grads.append(torch.autograd.grad(loss, list(model.parameters())))
    torch.testing.assert_close(losses[0], losses[1], rtol=1e-6, atol=1e-6)
    for a, b in zip(*grads, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(MODELS))
def test_a_few_adam_steps_lower_the_training_loss(name: str) -> None:
    """Calibration: 40 steps on a 5-token cyclic stream drop the loss by > 30 % for every model."""
    torch.manual_seed(0)
    stream = torch.tensor([3] + [4, 5, 6, 7, 8] * 60)
    model = build_model(name, SMALL, V)
    task = LMTask(model, model.default_warmup)
    data = StreamWindows(stream, SMALL.bptt, task.warmup)
    batch = tuple(torch.stack(t) for t in zip(*[data[i] for i in range(8)], strict=True))
    optimizer = torch.optim.Adam(task.parameters(), lr=2e-2)
    first = task.training_step(batch).loss.item()
    for _ in range(40):
        optimizer.zero_grad()
        task.training_step(batch).loss.backward()
        optimizer.step()
    assert task.training_step(batch).loss.item() < 0.7 * first
