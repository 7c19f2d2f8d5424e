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
  scene, whether or not its own caption went astray earlier;
* **what went wrong** (:func:`error_kind`, :func:`item_confusions`): a wrong caption is read
  back into a layout (:func:`~dlclassics.caption.grammar.parse`) and compared cell by cell —
  not a description at all, a wrong number of items, the right number in wrong places, or
  every place right and some item misnamed; for the items in their right places, which class
  was said for which.

>>> import torch
>>> attention = torch.tensor([[[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]]])  # (B, T, S)
>>> attention_hits(attention, torch.tensor([[0, 2]]))   # peak 3 ≠ cell 2: one hit of two
(1, 2)
>>> ref = ["a bag", "in", "the", "top", "left", ";", "a coat", "on", "its", "right"]
>>> error_kind([*ref[:6], "a shirt", *ref[7:]], ref, "en")   # an item word is one token
'item class'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

import sacrebleu
from torch import Tensor

from dlclassics.caption.grammar import Lang, Layout, item_words, parse
from dlclassics.errors import ConfigError

ErrorKind = Literal["correct", "not a description", "item count", "places", "item class"]


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


def _layout(tokens: Sequence[str], lang: Lang) -> Layout | None:
    try:
        return parse(tokens, lang)
    except ConfigError:
        return None


def error_kind(hypothesis: Sequence[str], reference: Sequence[str], lang: Lang) -> ErrorKind:
    """What is wrong with a caption, the first that applies: it does not parse, names a wrong
    number of items, puts them in wrong cells, or misnames some item in its right cell."""
    if list(hypothesis) == list(reference):
        return "correct"
    said, truth = _layout(hypothesis, lang), parse(reference, lang)
    if said is None:
        return "not a description"
    if len(said.items) != len(truth.items):
        return "item count"
    if [cell for cell, _ in said.items] != [cell for cell, _ in truth.items]:
        return "places"
    return "item class"


def item_confusions(
    hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]], lang: Lang
) -> Counter[tuple[str, str]]:
    """``(true item, item said)`` counts over the reference items whose cell the caption fills
    (correct ones included: ``(w, w)``); captions that do not parse are skipped."""
    words = list(item_words(lang))
    counts: Counter[tuple[str, str]] = Counter()
    for hyp, ref in zip(hypotheses, references, strict=True):
        said = _layout(hyp, lang)
        if said is None:
            continue
        for cell, c in parse(ref, lang).items:
            named = said.cells[cell]
            if named is not None:
                counts[words[c], words[named]] += 1
    return counts
