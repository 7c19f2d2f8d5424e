"""CRNN (Shi, Bai & Yao 2015): convolutional features → bidirectional LSTM → per-column softmax.

Note 001 (CRNN 文字识别). A line image x of height 32 and width W goes through

1. a convolutional stack (3 × 3 convolutions, batch norm, ReLU, max pooling) that halves
   the height five times to 1 and the width twice, so that column t of the feature map
   sees a vertical strip of about 4 image columns (and, through its receptive field, its
   neighbours): features f_1 … f_T, T = ⌊W / 4⌋;
2. a bidirectional LSTM over the columns, h_t = [→h_t ; ←h_t], packed so that padding
   never reaches the backward direction of a shorter line;
3. a per-column softmax over the C = K + 1 labels (K characters and CTC's blank),
   y_t = softmax(W_o h_t + b_o), trained with CTC (:mod:`dlclassics.ocr.ctc`).
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from dlclassics.errors import ConfigError

__all__ = ["CRNN", "STRIDE", "CRNNConfig"]

STRIDE = 4  # image columns per output frame (two 2 × 2 poolings)


@dataclass(frozen=True, kw_only=True)
class CRNNConfig:
    channels: tuple[int, int, int, int, int] = (32, 48, 64, 96, 128)  # conv widths, 32→1 rows
    hidden: int = 128  # LSTM units per direction
    layers: int = 1  # stacked bidirectional LSTM layers
    dropout: float = 0.1  # on the LSTM's input and output features

    def __post_init__(self) -> None:
        if len(self.channels) != 5 or min(self.channels) < 1:
            raise ConfigError(f"channels={self.channels} must be five positive widths")
        if self.hidden < 1 or self.layers < 1:
            raise ConfigError("hidden and layers must be ≥ 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")


def _block(c_in: int, c_out: int, pool: tuple[int, int]) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(pool, pool),
    )


class CRNN(nn.Module):
    """(B, 1, 32, W) ink images → (T, B, C) log-probabilities, T = W // 4 frames."""

    def __init__(self, config: CRNNConfig, n_classes: int) -> None:
        super().__init__()
        c = config.channels
        pools = ((2, 2), (2, 2), (2, 1), (2, 1), (2, 1))  # rows 32 → 1, columns W → W/4
        ins = (1, *c[:-1])
        self.conv = nn.Sequential(*(_block(i, o, p) for i, o, p in zip(ins, c, pools, strict=True)))
        self.drop = nn.Dropout(config.dropout)
        self.rnn = nn.LSTM(
            c[-1],
            config.hidden,
            num_layers=config.layers,
            bidirectional=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.out = nn.Linear(2 * config.hidden, n_classes)

    @staticmethod
    def frames(widths: Tensor) -> Tensor:
        """(B,) output frames of images ``widths`` columns wide."""
        return widths // STRIDE

    def forward(self, x: Tensor, widths: Tensor) -> Tensor:
        assert x.shape[2] == 32, f"line images are 32 pixels high, got {x.shape[2]}"
        f = self.conv(x)  # (B, F, 1, W/4)
        f = self.drop(f.squeeze(2).permute(2, 0, 1))  # (T, B, F)
        lengths = self.frames(widths).clamp(min=1, max=f.shape[0]).cpu()
        packed = pack_padded_sequence(f, lengths, enforce_sorted=False)
        h, _ = pad_packed_sequence(self.rnn(packed)[0], total_length=f.shape[0])  # (T, B, 2H)
        logits: Tensor = self.out(self.drop(h))  # (T, B, C)
        return logits.log_softmax(-1)
