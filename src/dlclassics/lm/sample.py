"""Auto-regressive generation — note 001, 生成: sample w_{t+1} ~ p(· | w_≤t), feed it back.

At each step the model's distribution is reshaped before sampling:

* **temperature** τ: p_τ(w) ∝ p(w)^{1/τ}; τ < 1 sharpens, τ > 1 flattens, τ = 0 is greedy
  (argmax; ties to the smallest id);
* **top-k** (Fan et al. 2018): keep only the k most probable words;
* **top-p**, nucleus (Holtzman et al. 2020): keep the smallest set of most probable words whose
  mass reaches p (the most probable word is always kept).

Filters apply in that order, then the kept mass is renormalised. Randomness comes only from
the ``torch.Generator`` passed in, so a seed fixes the text. ``banned`` ids (``<pad>``,
``<bos>`` — never in a stream) are never produced.

>>> logits = torch.tensor([[2.0, 1.0, 0.5, -1.0]])
>>> filter_logits(logits, top_k=2).isfinite().tolist()
[[True, True, False, False]]
"""

from __future__ import annotations

import torch
from torch import Tensor

from dlclassics.errors import ConfigError
from dlclassics.lm.models.base import LanguageModel, State

__all__ = ["filter_logits", "generate", "next_token"]


def filter_logits(
    logits: Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> Tensor:
    """(B, V) logits → (B, V) scaled logits with the filtered-out words at −inf."""
    if temperature < 0:
        raise ConfigError(f"temperature={temperature} must be >= 0 (0 = greedy)")
    if top_k is not None and top_k < 1:
        raise ConfigError(f"top_k={top_k} must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ConfigError(f"top_p={top_p} must be in (0, 1]")
    out = logits / temperature if temperature > 0 else logits.clone()
    if top_k is not None and top_k < out.shape[-1]:
        kth = torch.topk(out, top_k, dim=-1).values[..., -1:]  # (B, 1)
        out = out.masked_fill(out < kth, float("-inf"))
    if top_p is not None and top_p < 1:
        sorted_logits, order = torch.sort(out, dim=-1, descending=True)
        probs = torch.softmax(sorted_logits, dim=-1)
        before = torch.cumsum(probs, dim=-1) - probs  # mass strictly more probable
        drop = before >= top_p  # the first word (before = 0) always stays
        out = out.scatter(-1, order, sorted_logits.masked_fill(drop, float("-inf")))
    return out


def next_token(
    logits: Tensor,
    generator: torch.Generator,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> Tensor:
    """(B, V) logits → (B,) one sampled id per row (argmax when temperature is 0)."""
    filtered = filter_logits(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    if temperature == 0:
        return filtered.argmax(dim=-1)
    probs = torch.softmax(filtered.double(), dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def generate(
    model: LanguageModel,
    prompt: list[int],
    *,
    max_new_tokens: int,
    generator: torch.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    stop_id: int | None = None,
    banned: tuple[int, ...] = (),
) -> list[int]:
    """The ids sampled after ``prompt`` (≥ 1 id), at most ``max_new_tokens``, ending at
    ``stop_id`` (included) if it is sampled."""
    if not prompt:
        raise ConfigError("the prompt needs at least one token (the stream starts with </s>)")
    if max_new_tokens < 0:
        raise ConfigError(f"max_new_tokens={max_new_tokens} must be >= 0")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out: list[int] = []
    try:
        with torch.inference_mode():
            state: State = model.initial_state(1, device)
            if len(prompt) > 1:
                state = model.advance(torch.tensor([prompt[:-1]], device=device), state)
            last = prompt[-1]
            for _ in range(max_new_tokens):
                logp, state = model.log_probs(torch.tensor([[last]], device=device), state)
                logits = logp[:, -1].float()  # (1, V)
                if banned:
                    logits[:, list(banned)] = float("-inf")
                last = int(
                    next_token(logits, generator, temperature=temperature, top_k=top_k, top_p=top_p)
                )
                out.append(last)
                if last == stop_id:
                    break
    finally:
        model.train(was_training)
    return out
