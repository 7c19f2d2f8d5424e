"""Constrained decoding: regulated Tang quatrains from a character LM (note 002, one-to-many).

A character LM trained on the Complete Tang Poems writes poem-like text, but nothing makes it
keep a form: a jueju (绝句) is four lines of five (五言) or seven (七言) characters, with a comma
after the odd lines and a full stop after the even ones::

    白日依山盡，黃河入海流。欲窮千里目，更上一層樓。        (form 5x4)

Here the form is not hoped for but enforced *while decoding*. The poem is a template of
slots, one per character; at each slot the model's distribution p(· | poem so far) is
restricted before sampling:

* a **character slot** keeps only Chinese characters (CJK ideographs in the vocabulary) —
  no punctuation, no ``</s>``, no Latin letters — then temperature / top-k / top-p apply
  (:func:`dlclassics.lm.sample.filter_logits`) and the kept mass is renormalised;
* a **punctuation slot** (line end) is forced: ``，`` after lines 1 and 3, ``。`` after 2 and 4;
* an **acrostic head** (藏头诗: the first characters of the lines spell a given word) is
  forced at the first slot of each line.

Sampling from p restricted to the allowed set A is sampling from p(· | w ∈ A) — the model's
own preferences among the characters the form permits. The forced characters are fed back
like sampled ones, so the model conditions on them. Every output is well-formed by
construction; :func:`well_formed` checks it independently (tests, benchmark), and
:func:`sample_free` draws unconstrained text for comparison.

>>> well_formed("白日依山盡，黃河入海流。欲窮千里目，更上一層樓。", FORMS["5x4"])
True
>>> well_formed("白日依山盡，黃河入海流。", FORMS["5x4"])
False
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import torch
from torch import Tensor

from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError
from dlclassics.lm.models import LanguageModel
from dlclassics.lm.sample import next_token

__all__ = ["FORMS", "PoemForm", "compose", "is_hanzi", "sample_free", "well_formed"]


@dataclass(frozen=True)
class PoemForm:
    """``lines`` lines of ``chars`` characters, line i ending with ``ends[i]``."""

    chars: int  # characters per line: 5 (五言) or 7 (七言)
    lines: int = 4  # a quatrain (绝句)
    ends: tuple[str, ...] = ("，", "。", "，", "。")  # punctuation after each line

    def __post_init__(self) -> None:
        assert len(self.ends) == self.lines, (self.ends, self.lines)


FORMS: dict[str, PoemForm] = {"5x4": PoemForm(5), "7x4": PoemForm(7)}


def is_hanzi(token: str) -> bool:
    """Whether ``token`` is one CJK ideograph (unified, extension or compatibility block)."""
    if len(token) != 1:
        return False
    return unicodedata.name(token, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def well_formed(text: str, form: PoemForm, acrostic: str = "") -> bool:
    """Whether ``text`` is exactly the form (and its lines start with ``acrostic``, if given)."""
    line_len = form.chars + 1
    if len(text) != form.lines * line_len:
        return False
    for i in range(form.lines):
        line = text[i * line_len : (i + 1) * line_len]
        if not all(is_hanzi(ch) for ch in line[:-1]) or line[-1] != form.ends[i]:
            return False
        if acrostic and line[0] != acrostic[i]:
            return False
    return True


def _check_acrostic(acrostic: str, form: PoemForm, vocab: Vocab) -> None:
    if len(acrostic) != form.lines:
        raise ConfigError(
            f"acrostic {acrostic!r} has {len(acrostic)} characters; a {form.chars}x{form.lines} "
            f"poem has {form.lines} lines, one head character each"
        )
    other = [ch for ch in acrostic if not is_hanzi(ch)]
    if other:
        raise ConfigError(f"acrostic {acrostic!r}: {''.join(other)!r} is not a Chinese character")
    missing = [ch for ch in acrostic if ch not in vocab.stoi]
    if missing:
        raise ConfigError(
            f"acrostic character(s) {''.join(missing)!r} not in the model's vocabulary of "
            f"{len(vocab)} characters (the Tang poems are in traditional script, e.g. 龍 not 龙)"
        )


def _template(form: PoemForm, vocab: Vocab, acrostic: str) -> list[int | None]:
    """One entry per output character: a forced id, or None for a free character slot."""
    slots: list[int | None] = []
    for i in range(form.lines):
        slots.append(vocab[acrostic[i]] if acrostic else None)
        slots += [None] * (form.chars - 1)
        end = form.ends[i]
        if end not in vocab.stoi:
            raise ConfigError(f"the model's vocabulary has no {end!r}; train it on tang-poems")
        slots.append(vocab[end])
    return slots


def hanzi_mask(vocab: Vocab) -> Tensor:
    """(V,) bool: True for the ids a character slot may take."""
    return torch.tensor([is_hanzi(token) for token in vocab.itos])


def compose(
    model: LanguageModel,
    vocab: Vocab,
    form: PoemForm,
    *,
    n: int,
    generator: torch.Generator,
    acrostic: str = "",
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> list[str]:
    """``n`` poems of ``form`` sampled with the constraints of the module docstring.

    The poems are drawn side by side (one batch row each), each starting after ``</s>`` as
    a poem starts in the training stream.
    """
    if n < 1:
        raise ConfigError(f"n={n} must be >= 1 poem")
    if acrostic:
        _check_acrostic(acrostic, form, vocab)
    slots = _template(form, vocab, acrostic)
    device = next(model.parameters()).device
    allowed = hanzi_mask(vocab).to(device)  # (V,)
    if not bool(allowed.any()):
        raise ConfigError("the model's vocabulary has no Chinese character; train it on tang-poems")
    was_training = model.training
    model.eval()
    out = torch.empty(n, len(slots), dtype=torch.long)
    try:
        with torch.inference_mode():
            state = model.initial_state(n, device)
            last = torch.full((n, 1), vocab.eos_id, device=device)  # (n, 1): </s> starts a poem
            for j, forced in enumerate(slots):
                logp, state = model.log_probs(last, state)  # (n, 1, V)
                if forced is None:
                    logits = logp[:, -1].float().masked_fill(~allowed, float("-inf"))  # (n, V)
                    nxt = next_token(
                        logits, generator, temperature=temperature, top_k=top_k, top_p=top_p
                    )
                else:
                    nxt = torch.full((n,), forced, device=device)
                out[:, j] = nxt.cpu()
                last = nxt[:, None]
    finally:
        model.train(was_training)
    return ["".join(vocab.decode(row.tolist())) for row in out]


def sample_free(
    model: LanguageModel,
    vocab: Vocab,
    *,
    n: int,
    max_new_tokens: int,
    generator: torch.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> list[str]:
    """``n`` unconstrained samples after ``</s>``, each cut at its first ``</s>`` (the same
    filters as :func:`compose`, only ``<pad>``/``<bos>``/``<unk>`` banned): the baseline the
    constraints are measured against."""
    device = next(model.parameters()).device
    banned = [vocab.pad_id, vocab.bos_id, vocab.unk_id]
    was_training = model.training
    model.eval()
    out = torch.empty(n, max_new_tokens, dtype=torch.long)
    try:
        with torch.inference_mode():
            state = model.initial_state(n, device)
            last = torch.full((n, 1), vocab.eos_id, device=device)
            for j in range(max_new_tokens):
                logp, state = model.log_probs(last, state)
                logits = logp[:, -1].float()
                logits[:, banned] = float("-inf")
                nxt = next_token(
                    logits, generator, temperature=temperature, top_k=top_k, top_p=top_p
                )
                out[:, j] = nxt.cpu()
                last = nxt[:, None]
    finally:
        model.train(was_training)
    texts = []
    for row in out.tolist():
        ids = row[: row.index(vocab.eos_id)] if vocab.eos_id in row else row
        texts.append("".join(vocab.decode(ids)))
    return texts
