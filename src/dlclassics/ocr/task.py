"""Line images as a data set, their batches, and the CRNN + CTC training task.

A batch pads images to its widest line with paper (ink 0 after :func:`ink`), records each
line's width — the CRNN turns widths into frame counts T_n = ⌊W_n / 4⌋ — and concatenates
the label sequences, the layout :func:`~dlclassics.ocr.ctc.ctc_loss` takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn
from torch.utils.data import Dataset

from dlclassics.ocr.charset import Charset
from dlclassics.ocr.ctc import ctc_loss
from dlclassics.ocr.decode import greedy_decode
from dlclassics.ocr.metrics import edit_distance
from dlclassics.ocr.model import CRNN
from dlclassics.ocr.render import Condition, Lang, Split, draw
from dlclassics.train.task import EvalOutput, StepOutput

__all__ = ["Batch", "LineImages", "OCRTask", "collate", "ink"]


def ink(image: np.ndarray) -> Tensor:
    """(32, W) uint8 paper-white image → (1, 32, W) float ink in [0, 1] (paper 0)."""
    return torch.from_numpy(255.0 - image.astype(np.float32)).div_(255.0)[None]


@dataclass(frozen=True)
class LineImages(Dataset[tuple[Tensor, Tensor]]):
    """Rendered lines: item i is (ink image (1, 32, W), label ids (S,)), drawn on demand.

    ``augment``: the probability that a line is drawn in the augmented condition (the
    choice, like the image, is a pure function of (seed, split, index)).
    """

    texts: Sequence[str]
    lang: Lang
    charset: Charset
    split: Split
    seed: int = 0
    augment: float = 0.0

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        coin = np.random.default_rng([self.seed, 7, i]).random()
        condition: Condition = "augmented" if coin < self.augment else "clean"
        image = draw(self.texts[i], self.lang, condition, self.seed, self.split, i)
        return ink(image), torch.tensor(self.charset.encode(self.texts[i]), dtype=torch.long)


@dataclass(frozen=True)
class Batch:
    x: Tensor  # (B, 1, 32, W_max) ink
    widths: Tensor  # (B,) image columns before padding
    targets: Tensor  # (ΣS_n,) label ids, concatenated
    target_lengths: Tensor  # (B,)


def collate(items: list[tuple[Tensor, Tensor]]) -> Batch:
    widths = torch.tensor([x.shape[-1] for x, _ in items])
    x = torch.zeros(len(items), 1, 32, int(widths.max()))
    for n, (image, _) in enumerate(items):
        x[n, :, :, : image.shape[-1]] = image
    labels = [y for _, y in items]
    return Batch(x, widths, torch.cat(labels), torch.tensor([len(y) for y in labels]))


class OCRTask(nn.Module):
    """CRNN trained with our CTC loss; validation reports the greedy character error rate."""

    def __init__(self, model: CRNN, charset: Charset) -> None:
        super().__init__()
        self.model = model
        self.charset = charset

    def loss(self, batch: Batch) -> tuple[Tensor, Tensor]:
        log_probs = self.model(batch.x, batch.widths)  # (T, B, C)
        frames = self.model.frames(batch.widths)
        loss = ctc_loss(
            log_probs, batch.targets, frames, batch.target_lengths, zero_infinity=True
        )  # mean over lines of −ln p / |l|
        return loss, log_probs

    def training_step(self, batch: Batch) -> StepOutput:
        loss, _ = self.loss(batch)
        return StepOutput(loss, {})

    def evaluation_step(self, batch: Batch) -> EvalOutput:
        loss, log_probs = self.loss(batch)
        frames = self.model.frames(batch.widths)
        refs = torch.split(batch.targets, batch.target_lengths.tolist())
        edits = chars = 0
        for n, ref in enumerate(refs):
            hyp = greedy_decode(log_probs[: int(frames[n]), n].detach().cpu().numpy())
            edits += edit_distance(ref.tolist(), hyp)
            chars += len(ref)
        return EvalOutput({"loss": loss.item(), "cer": edits / max(chars, 1)}, len(refs))
