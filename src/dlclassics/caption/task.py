"""The captioning task: teacher-forced cross-entropy to train, captions and attention to score.

Training minimises the negative log-likelihood of the reference caption given the scene,
teacher-forced (the decoder reads the reference prefix y_<t)::

    L = − Σ_t log p(y_t | y_<t, x)          (mean over the batch's non-pad tokens)

Evaluation adds what the user cares about: greedy captions (exact match) and where the model
looked for each item word (attention hit; see :mod:`~dlclassics.caption.metrics`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.caption.metrics import attention_hits
from dlclassics.caption.models import AttentiveGRU, CrossAttentionTransformer, greedy
from dlclassics.data.vocab import Vocab
from dlclassics.train import EvalOutput, StepOutput

Batch = tuple[Tensor, Tensor, Tensor]  # images (B, 1, 56, 56), tokens (B, L), item_cells (B, L-1)


class Captioning(nn.Module):
    """Wraps a captioner with its loss and metrics (the trainer's Task contract)."""

    def __init__(self, model: AttentiveGRU | CrossAttentionTransformer, vocab: Vocab) -> None:
        super().__init__()
        self.model = model
        self.vocab = vocab

    def forward(self, images: Tensor, tokens_in: Tensor) -> tuple[Tensor, Tensor]:
        """Teacher-forced logits (B, T, V) and attention (B, T, S)."""
        return self.model.decode(self.model.encode(images), tokens_in)

    def _loss(self, batch: Batch) -> tuple[Tensor, Tensor, Tensor]:
        images, tokens, _ = batch
        logits, attention = self(images, tokens[:, :-1])  # (B, T, V), (B, T, S)
        target = tokens[:, 1:]  # (B, T)
        loss = F.cross_entropy(
            logits.flatten(0, 1), target.flatten(), ignore_index=self.vocab.pad_id
        )
        return loss, logits, attention

    def training_step(self, batch: Batch) -> StepOutput:
        loss, logits, _ = self._loss(batch)
        target = batch[1][:, 1:]
        real = target != self.vocab.pad_id
        acc = ((logits.argmax(-1) == target) & real).sum() / real.sum()
        return StepOutput(loss, {"token_acc": float(acc)})

    def evaluation_step(self, batch: Batch) -> EvalOutput:
        images, tokens, item_cells = batch
        loss, _, attention = self._loss(batch)
        hits, items = attention_hits(attention, item_cells)
        ids, _ = greedy(self.model, images, bos=self.vocab.bos_id, eos=self.vocab.eos_id)
        exact = 0
        for b, hyp in enumerate(ids):
            ref = tokens[b, 1:].tolist()
            exact += hyp == ref[: ref.index(self.vocab.eos_id)]
        B = images.shape[0]
        return EvalOutput(
            {
                "loss": float(loss),
                "exact_match": exact / B,
                "attention_hit": hits / max(items, 1),
            },
            B,
        )

    @torch.inference_mode()
    def teacher_forced_attention(self, batch: Batch) -> Tensor:
        """Attention (B, T, S) on the reference captions (for the attention-hit metric)."""
        images, tokens, _ = batch
        return self(images, tokens[:, :-1])[1]
