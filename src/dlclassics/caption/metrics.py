"""How good a caption is, and whether the model looked at the right place.

* **exact match**: the share of scenes whose generated caption equals the reference token for
  token (the grammar gives every layout one description, so this is "described the scene");
* **BLEU** (Papineni et al. 2002): corpus BLEU-4 by sacreBLEU over the grammar's word tokens
  (``tokenize="none"``: the tokens are joined by spaces in both languages, so a Chinese word
  such as 运动鞋 counts as one token, as in English);
* **attention hit**: of the item words (class nouns) of the reference captions, the share
  whose attention peak — argmax over the four cells of α_t at the step that predicts the
  word, teacher-forced on the reference prefix — is the cell holding that item::

      hit = Σ_t [argmax_s α_{t,s} = cell(y_t)] / #{t : y_t is an item word}

  Teacher forcing measures where the model looks when it has to name a given item, on every
  scene, whether or not its own caption went astray earlier.

>>> import torch
>>> attention = torch.tensor([[[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]]])  # (B, T, S)
>>> attention_hits(attention, torch.tensor([[0, 2]]))   # peak 3 ≠ cell 2: one hit of two
(1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import sacrebleu
from torch import Tensor


def attention_hits(attention: Tensor, item_cells: Tensor) -> tuple[int, int]:
    """``(hits, item words)`` for attention (B, T, S) and item_cells (B, T), −1 = not an item."""
    assert attention.shape[:2] == item_cells.shape, (attention.shape, item_cells.shape)
    is_item = item_cells >= 0  # (B, T)
    peaks = attention.argmax(dim=-1)  # (B, T)
    hits = (peaks == item_cells) & is_item
    return int(hits.sum()), int(is_item.sum())


def exact_matches(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> int:
    """Number of hypotheses equal to their reference, token for token."""
    assert len(hypotheses) == len(references)
    return sum(list(h) == list(r) for h, r in zip(hypotheses, references, strict=True))


def bleu(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> float:
    """Corpus BLEU-4 (0–100) over word tokens (sacreBLEU, ``tokenize="none"``)."""
    hyp = [" ".join(h) for h in hypotheses]
    ref = [" ".join(r) for r in references]
    return float(sacrebleu.corpus_bleu(hyp, [ref], tokenize="none").score)
