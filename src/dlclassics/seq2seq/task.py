"""Training a translator: teacher forcing, scheduled sampling, label smoothing.

Notes 002 "注意 / detach": the decoder is trained as a conditional language model. With
**teacher forcing** the input at step t is the gold word y_{t−1}, so every position is
computed in one teacher-forced ``forward`` and the loss is the mean over real target tokens
of ``−log p(y_t | y_<t, x)`` (``<pad>`` ignored; ``<eos>`` counted: the model must learn to
stop). Without it the model feeds its own prediction, ``topi.detach()`` in the notes: the
argmax is a constant, no gradient flows through the choice.

**Scheduled sampling** (Bengio et al. 2015): at training step k each decoder input is the
gold token with probability ``r_k`` and the model's own argmax otherwise, with ``r_k``
falling linearly from ``teacher_forcing`` at step 0 to ``teacher_forcing_end`` at the last
step. A ratio below 1 runs the decoder step by step through the model's ``step`` (slower);
at 1 (the default) training is plain teacher forcing. The coin flips use the global torch
generator, which the trainer checkpoints, so resuming is exact.

**Label smoothing** (Szegedy et al. 2016; ε = 0.1 in Vaswani et al. 2017): the target
distribution puts 1 − ε on the gold word and ε spread uniformly over the vocabulary,
``loss = (1 − ε)·NLL + ε·mean_v(−log p_v)``, which keeps the model from becoming
over-confident. Validation reports the plain NLL per token (``val_loss``; perplexity is its
exp) and the teacher-forced token accuracy (``val_acc``).
"""

from __future__ import annotations

from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn

from dlclassics.data.vocab import Vocab
from dlclassics.seq2seq.data import Batch
from dlclassics.seq2seq.interface import Seq2SeqModel
from dlclassics.train.task import EvalOutput, StepOutput


class Seq2SeqTask(nn.Module):
    """Wraps a model for the trainer; ``updates`` counts steps for the sampling schedule."""

    updates: torch.Tensor

    def __init__(
        self,
        model: nn.Module,
        *,
        label_smoothing: float = 0.0,
        teacher_forcing: float = 1.0,
        teacher_forcing_end: float = 1.0,
        schedule_steps: int = 1,
    ) -> None:
        super().__init__()
        for name, value in (
            ("label_smoothing", label_smoothing),
            ("teacher_forcing", teacher_forcing),
            ("teacher_forcing_end", teacher_forcing_end),
        ):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}={value} must be in [0, 1]")
        self.model = model
        self.label_smoothing = label_smoothing
        self.teacher_forcing = teacher_forcing
        self.teacher_forcing_end = teacher_forcing_end
        self.schedule_steps = max(1, schedule_steps)
        # saved with the weights, so a resumed run continues the schedule where it was
        self.register_buffer("updates", torch.zeros((), dtype=torch.long))

    def teacher_forcing_ratio(self, step: int | None = None) -> float:
        """r_k: linear from ``teacher_forcing`` (k = 0) to ``teacher_forcing_end``."""
        k = int(self.updates) if step is None else step
        frac = min(1.0, k / self.schedule_steps)
        return self.teacher_forcing + (self.teacher_forcing_end - self.teacher_forcing) * frac

    def _scheduled(self, batch: Batch, ratio: float) -> torch.Tensor:
        """Log-probs (B, T, V), each decoder input gold with probability ``ratio``."""
        model = cast(Seq2SeqModel, self.model)
        state = model.encode(batch.src, batch.src_lengths)
        tokens = batch.tgt_in[:, 0]  # <bos>
        out = []
        for t in range(batch.tgt_in.shape[1]):
            log_probs, state, _ = model.step(tokens, state)
            out.append(log_probs)
            if t + 1 < batch.tgt_in.shape[1]:
                gold = torch.rand(tokens.shape, device=tokens.device) < ratio
                tokens = torch.where(gold, batch.tgt_in[:, t + 1], log_probs.argmax(-1).detach())
        return torch.stack(out, dim=1)

    def training_step(self, batch: Batch) -> StepOutput:
        ratio = self.teacher_forcing_ratio()
        if ratio >= 1.0:
            scores = self.model(batch.src, batch.src_lengths, batch.tgt_in)  # (B, T, V) logits
        else:
            scores = self._scheduled(batch, ratio)  # log-probs: log_softmax is idempotent
        loss = F.cross_entropy(
            scores.flatten(0, 1),
            batch.tgt_out.flatten(),
            ignore_index=Vocab.pad_id,
            label_smoothing=self.label_smoothing,
        )
        self.updates += 1
        return StepOutput(loss, {"teacher_forcing": ratio})

    def evaluation_step(self, batch: Batch) -> EvalOutput:
        logits = self.model(batch.src, batch.src_lengths, batch.tgt_in)  # (B, T, V)
        real = batch.tgt_out != Vocab.pad_id  # (B, T)
        n = int(real.sum())
        nll = F.cross_entropy(
            logits.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=Vocab.pad_id
        )
        correct = (logits.argmax(-1) == batch.tgt_out) & real
        return EvalOutput({"loss": float(nll), "acc": float(correct.sum()) / n}, n)

    def forward(self, *args: Any) -> torch.Tensor:
        return cast(torch.Tensor, self.model(*args))
