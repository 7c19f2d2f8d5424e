"""Data augmentation for the 28×28 image sets: random crops with padding, horizontal flips.

Note 004 §二.9 预防过拟合 lists ways to keep a network from memorising its training set; more
data is the surest, and for images new examples come nearly free: shift the image by a few
pixels (pad with p zeros on each side, cut a random H×W window: every shift in [−p, p]² is
equally likely) or mirror it left–right. The label does not change — *if* the transformation
keeps the class, which is a property of the data set:

===============  =====  ================================================================
data set         flip   why
===============  =====  ================================================================
fashion-mnist    yes    a mirrored shirt, shoe or bag is still a shirt, shoe or bag
mnist, mnist-5k  no     digits are not mirror-symmetric: a flipped 2, 3, 7 is no digit
===============  =====  ================================================================

Augmentation changes training batches only, never evaluation: :class:`Augment` is the
``augment`` hook of :class:`dlclassics.tasks.Classification`, applied in ``training_step``.
Randomness is explicit and resumable: call t of :class:`Augment` draws from a
``torch.Generator`` seeded by ``(seed, t)`` alone, and t is a buffer saved with the weights, so
a run stopped and resumed from a checkpoint crops and flips exactly as an uninterrupted run
(as the trainer's batches depend on (seed, step) only). Under DDP every rank draws the same
offsets for its own examples.

>>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
>>> g = torch.Generator().manual_seed(0)
>>> random_crop(x, 1, g).shape, hflip(x)[0, 0, 0].tolist()
(torch.Size([1, 1, 4, 4]), [3.0, 2.0, 1.0, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlclassics.errors import ConfigError

# data set -> is a horizontally flipped image still of the same class? (see the table above)
FLIP_KEEPS_CLASS: dict[str, bool] = {"fashion-mnist": True, "mnist": False, "mnist-5k": False}


@dataclass(frozen=True, kw_only=True)
class AugmentConfig:
    # random crops (and flips where they keep the class) on training batches. Off by default:
    # in 15-epoch runs LeNet underfits and crops + flips cost 0.7 points of test accuracy
    # (Fashion-MNIST, seed 0, AdamW with weight decay 5e-4: 0.900 with, 0.907 without)
    augment: bool = False
    crop_padding: int = 2  # p: zero pixels added on each side before a random H×W crop; 0 = off
    flip: Literal["auto", "on", "off"] = "auto"  # left–right mirror with p = ½; auto: per data set

    def __post_init__(self) -> None:
        if self.crop_padding < 0:
            raise ConfigError(f"crop_padding={self.crop_padding} must be ≥ 0 (0 turns it off)")
        if self.flip not in ("auto", "on", "off"):
            raise ConfigError(f"flip={self.flip!r} must be auto, on or off")

    def flips(self, data: str) -> bool:
        """Whether ``data`` is flipped: ``flip``, or for "auto" the data set's entry."""
        if self.flip != "auto":
            return self.flip == "on"
        if data not in FLIP_KEEPS_CLASS:
            known = ", ".join(FLIP_KEEPS_CLASS)
            raise ConfigError(f"no flip rule for data set {data!r} ({known}); pass --flip on|off")
        return FLIP_KEEPS_CLASS[data]


def random_crop(x: torch.Tensor, padding: int, generator: torch.Generator) -> torch.Tensor:
    """Pad (B, C, H, W) by ``padding`` zeros, then cut one random H×W window per image."""
    B, C, H, W = x.shape
    if padding == 0:
        return x
    padded = F.pad(x, (padding,) * 4)  # (B, C, H + 2p, W + 2p)
    # top-left corners, drawn on the CPU (where the generator lives), used on x's device
    dy = torch.randint(0, 2 * padding + 1, (B,), generator=generator).to(x.device)
    dx = torch.randint(0, 2 * padding + 1, (B,), generator=generator).to(x.device)
    rows = (dy[:, None] + torch.arange(H, device=x.device))[:, None, :, None]  # (B, 1, H, 1)
    cols = (dx[:, None] + torch.arange(W, device=x.device))[:, None, None, :]  # (B, 1, 1, W)
    b = torch.arange(B, device=x.device)[:, None, None, None]
    c = torch.arange(C, device=x.device)[None, :, None, None]
    return padded[b, c, rows, cols]  # (B, C, H, W)


def hflip(x: torch.Tensor) -> torch.Tensor:
    """Mirror (…, H, W) left–right: column j becomes W − 1 − j."""
    return x.flip(-1)


def random_hflip(x: torch.Tensor, generator: torch.Generator, p: float = 0.5) -> torch.Tensor:
    """Mirror each image of (B, C, H, W) with probability ``p``."""
    flip = (torch.rand(x.shape[0], generator=generator) < p).to(x.device)  # (B,)
    return torch.where(flip[:, None, None, None], hflip(x), x)


def call_generator(seed: int, call: int) -> torch.Generator:
    """The generator of augmentation call ``call``: a pure function of (seed, call)."""
    entropy = int(np.random.SeedSequence([seed, call]).generate_state(1, np.uint64)[0])
    return torch.Generator().manual_seed(entropy)


class Augment(nn.Module):
    """Random crop with padding, then (optionally) a random horizontal flip, on (B, C, H, W)."""

    calls: torch.Tensor  # batches augmented so far (a buffer: saved with the weights)

    def __init__(self, *, crop_padding: int, flip: bool, seed: int) -> None:
        super().__init__()
        self.crop_padding, self.flip, self.seed = crop_padding, flip, seed
        self.register_buffer("calls", torch.zeros((), dtype=torch.int64))

    @classmethod
    def for_data(cls, config: AugmentConfig, data: str, *, seed: int) -> Augment | None:
        """The augmentation ``config`` asks for on ``data``; None when it does nothing."""
        flip = config.flips(data)
        if not config.augment or (config.crop_padding == 0 and not flip):
            return None
        return cls(crop_padding=config.crop_padding, flip=flip, seed=seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        generator = call_generator(self.seed, int(self.calls))
        self.calls += 1
        x = random_crop(x, self.crop_padding, generator)
        if self.flip:
            x = random_hflip(x, generator)
        return x

    def extra_repr(self) -> str:
        return f"crop_padding={self.crop_padding}, flip={self.flip}, seed={self.seed}"
