"""Captioners: a CNN encoder of the grid's cells and two attentive decoders (notes 001 §7, 002).

**Encoder.** One CNN — three blocks of 3×3 conv, batch norm and ReLU, each closed by a 2×2
max-pool (note 004 §三.6; :func:`dlclassics.nn.conv.conv_bn_relu`) — reads each 28×28 cell
x_s of the scene as its own image; a linear map of its flattened (C, 3, 3) map gives the
cell's *content* vector, and adding a learned embedding of the cell's place gives its
*memory* vector::

    u_s = W_m flatten(CNN(x_s))        m_s = u_s + P_s          s = 1 … 4

Flattening keeps where in the cell a shape sits (a sleeve's length, a collar), which an
average over the map would pool away; batch norm lets the wider convs train at Adam's lr.

The conv weights are shared by all cells, so what an item looks like is encoded the same way
wherever it sits, and *where* it sits is P_s alone; u_s depends on cell s's pixels only (a
conv over the whole scene would mix 8 pixels of each neighbour into a cell's border; in training
batch norm's statistics span the batch, at evaluation they are fixed).

**RNN decoder with Bahdanau attention** (note 002 "Attention注意力机制"; Xu et al. 2015, "Show,
Attend and Tell", with Bahdanau et al.'s additive score). At step t, from the previous state::

    e_{t,s} = v_aᵀ tanh(W_a s_{t−1} + U_a k_s)     α_t = softmax_s(e_t)     c_t = Σ_s α_{t,s} m_s
    s_t = GRU([E y_{t−1}; c_t], s_{t−1})           h_t = [s_t; c_t; E y_{t−1}]

with s_0 = tanh(W_init mean_s m_s), and k_s = m_s as in the papers (or the place keys below).
α_t is the attention drawn for the word y_t.

**Transformer decoder with cross-attention** (note 001 §7, 交叉注意力): token embeddings plus
learned positions go through pre-norm decoder layers — causal self-attention over the words so
far, cross-attention with queries from the words and keys/values m_s, a feed-forward net —
and a final LayerNorm: h_t. Its attention α_t over the cells is one more single-head
attention, softmax_s(W_q h_t · W_k k_s / √d), which the item head below reads through (the
cross-attention inside the layers keeps m_s as its keys: it makes h_t, not α_t).

**Keys from the place, values from the content** (``place_keys``, off by default: it did not
help). Scored against m_s, the attention could learn where a bag usually sits instead of which
cell comes next. With ``place_keys`` the score sees only a learned key per (cell, occupied?)
pair, read off the pixels without a gradient::

    k_s = K[s, o_s]          o_s = [cell s has a non-black pixel]

while the context c_t, the glimpse and the item head still read the content through m_s and
u_s; swapping the pictures of two occupied cells leaves k_s unchanged (tested). Measured with
the GRU (2,500 steps, seed 0, 1,000 scenes; unseen ``test`` vs ``test-seen``): exact match
0.705 vs 0.796, attention hit 0.942 vs 0.992, against 0.702 vs 0.779 and 0.953 vs 0.994 with
k_s = m_s. The gap stayed and moved: of the 1,352 item words whose own (item, cell) pair is
held out, the plain keys put the peak on a wrong cell for 114 (56 empty, 58 holding another
item), the place keys for 134, every one an empty cell. Starting the GRU from the keys as
well, s_0 = tanh(W_init mean_s k_s), so that the query holds no cell's content until it
has attended that cell, did worse: 0.675 / 0.930 unseen (169 misses, all empty cells).
So the misses do not come from content in the keys; what is left to carry them is the query:
the words said and the cells read so far.

**Output: grammar words from the state, items from the glimpse.** The words of the grammar
come from h_t as usual, softmax(W_o h_t). An item word (one token per class, "a bag") must
not depend on *where* the model looks, only on *what* it sees there, or it learns the
training set's accident that bags never sit bottom-right and cannot say so when one does. So
the item logits read the *glimpse* g_t = u_{ŝ_t}, the content of the cell the model attends
most, ŝ_t = argmax_s α_{t,s} — without its place — and h_t adds only one offset shared by
every item (is it time to name an item?)::

    z_t[w] = (W_o h_t)_w                      w a grammar word
    z_t[k] = (W_g g_t)_k + b_k + w_gᵀ h_t      k an item
    p(y_t | y_<t, x) = softmax(z_t)

The argmax has no gradient; the straight-through estimator (Bengio, Léonard & Courville 2013)
passes the gradient of the soft glimpse Σ_s α_{t,s} u_s instead, so the item loss still
trains the attention. Measured with the GRU on unseen vs seen combinations (exact match):
a plain softmax(W_o h_t) over all words, 0.07 vs 0.51 (1,500 steps, 500 scenes); the soft
glimpse Σ_s α_{t,s} u_s, 0.27 vs 0.67 (3,000 steps, 1,000 scenes) — the model smuggled the
place in through how much weight it left on the other, often empty, cells; this hard glimpse,
0.53 vs 0.54 (2,500 steps, with a first encoder of 16/32/64 channels, no batch norm, its 7×7
map average-pooled): no gap left, and every wrong caption (checked at step 1,000) had its
places right and an item misnamed, item accuracy 0.70. The encoder above takes the same 2,500
steps to 0.70 vs 0.78 (item accuracy 0.86 vs 0.90; ``benchmarks/results/caption.json``), and
a gap is back, in the attention this time: its peak sits on the named item's cell for 95 % of
unseen item words against 99 % of seen ones.

With ``glimpse=False`` every word comes from W_o h_t (the ablation above).

Both decoders satisfy one contract, ``encode(images) -> Cells`` and ``decode(cells, tokens)
-> (logits, attention)``; training, greedy decoding and the metrics use nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

import torch
from torch import Tensor, nn

from dlclassics.caption.grammar import CELLS, GRID
from dlclassics.errors import ConfigError
from dlclassics.nn.alignment import AdditiveScore, attend
from dlclassics.nn.attention import scaled_dot_product_attention
from dlclassics.nn.conv import conv_bn_relu
from dlclassics.nn.positional import LearnedPositionalEmbedding
from dlclassics.nn.rnn import GRUCell
from dlclassics.nn.transformer import TransformerDecoderLayer
from dlclassics.registry import Registry

ModelName = Literal["rnn", "transformer"]
MAX_LEN = 40  # longest caption in tokens, <bos> and <eos> included (3 items: 27 in Chinese)


@dataclass(frozen=True, kw_only=True)
class CaptionModelConfig:
    model: ModelName = "rnn"  # GRU + Bahdanau attention, or a Transformer decoder
    channels: tuple[int, int, int] = (32, 64, 128)  # widths of the three conv blocks
    batch_norm: bool = True  # BN after every conv of the cell encoder
    d_model: int = 128  # decoder width (cell vectors are projected to it)
    embed: int = 64  # word embedding size (rnn)
    attn_dim: int = 64  # size of the additive score's tanh layer (rnn)
    layers: int = 2  # decoder layers (transformer)
    heads: int = 4  # attention heads (transformer)
    d_ff: int = 256  # feed-forward width (transformer)
    dropout: float = 0.1  # on embeddings and decoder outputs
    glimpse: bool = True  # item words from the attended cell's content only (module docstring)
    place_keys: bool = False  # scores see cells' place and occupancy only (did not help: docstring)

    def __post_init__(self) -> None:
        if self.model not in ("rnn", "transformer"):
            raise ConfigError(f"model={self.model!r} is not one of rnn, transformer")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")
        if self.d_model % self.heads:
            raise ConfigError(f"d_model={self.d_model} must be divisible by heads={self.heads}")


class Cells(NamedTuple):
    content: Tensor  # (B, 4, d): u_s, what each cell shows
    memory: Tensor  # (B, 4, d): m_s = u_s + P_s, what and where: the attention's values
    keys: Tensor  # (B, 4, d): what the attention scores: K[s, o_s], or m_s (place_keys=False)


class CellEncoder(nn.Module):
    """Scene (B, 1, 56, 56) → :class:`Cells` (content u_s, memory m_s, keys k_s, (B, 4, d) each).

    With ``place_keys`` the key of cell s is a learned vector per (cell, occupied?) pair,
    k_s = K[s, o_s] with o_s = [cell s has a non-black pixel]; without, k_s = m_s.
    """

    def __init__(
        self,
        channels: tuple[int, int, int],
        d_model: int,
        *,
        batch_norm: bool = True,
        place_keys: bool = False,
    ) -> None:
        super().__init__()
        c1, c2, c3 = channels
        self.cnn = nn.Sequential(
            conv_bn_relu(1, c1, 3, batch_norm=batch_norm),
            nn.MaxPool2d(2),  # (c1, 14, 14)
            conv_bn_relu(c1, c2, 3, batch_norm=batch_norm),
            nn.MaxPool2d(2),  # (c2, 7, 7)
            conv_bn_relu(c2, c3, 3, batch_norm=batch_norm),
            nn.MaxPool2d(2),  # (c3, 3, 3)
        )
        self.project = nn.Linear(c3 * 3 * 3, d_model)  # W_m
        self.place = nn.Parameter(torch.randn(CELLS, d_model) * 0.02)  # P_s
        # K: row 2s + o_s is the key of cell s, empty (o_s = 0) or occupied (o_s = 1)
        self.keys = nn.Embedding(2 * CELLS, d_model) if place_keys else None

    def forward(self, images: Tensor) -> Cells:
        B, _, H, W = images.shape
        h, w = H // GRID, W // GRID
        cells = images.view(B, 1, GRID, h, GRID, w).permute(0, 2, 4, 1, 3, 5)  # (B, 2, 2, 1, h, w)
        cells = cells.reshape(B * CELLS, 1, h, w)  # (B·4, 1, 28, 28), reading order
        features = self.cnn(cells).flatten(1)  # (B·4, C·3·3)
        content = self.project(features.view(B, CELLS, -1))  # (B, 4, d): u_s
        memory = content + self.place  # (B, 4, d): m_s = u_s + P_s
        if self.keys is None:
            return Cells(content, memory, memory)
        occupied = cells.view(B, CELLS, -1).amax(dim=-1) > 0  # (B, 4): o_s, no gradient
        slot = 2 * torch.arange(CELLS, device=images.device) + occupied.long()  # (B, 4): 2s + o_s
        return Cells(content, memory, self.keys(slot))  # (B, 4, d): k_s = K[s, o_s]


def encoder(config: CaptionModelConfig) -> CellEncoder:
    return CellEncoder(
        config.channels, config.d_model, batch_norm=config.batch_norm, place_keys=config.place_keys
    )


class Captioner(Protocol):
    def encode(self, images: Tensor) -> Cells:
        """images (B, 1, 56, 56) → the cells' content and memory, (B, S, d) each."""
        ...

    def decode(self, cells: Cells, tokens: Tensor) -> tuple[Tensor, Tensor]:
        """tokens (B, T) from <bos> → (logits (B, T, V), attention (B, T, S))."""
        ...


class OutputLayer(nn.Module):
    """z_t: grammar words from h_t, items from the glimpse g_t (module docstring, Output)."""

    def __init__(self, features: int, d_model: int, vocab_size: int, items: Tensor | None):
        super().__init__()
        self.words = nn.Linear(features, vocab_size)  # W_o
        self.items: Tensor | None
        if items is None:
            self.items = None
            return
        self.register_buffer("items", items.clone(), persistent=False)  # (K,) item token ids
        self.glimpse = nn.Linear(d_model, len(items))  # W_g, b_k
        self.offset = nn.Linear(features, 1, bias=False)  # w_g

    def forward(self, h: Tensor, alpha: Tensor, content: Tensor) -> Tensor:
        """h (B, T, F), alpha (B, T, S), content (B, S, d) → logits (B, T, V)."""
        logits = self.words(h)  # (B, T, V)
        if self.items is None:
            return logits
        soft = alpha @ content  # (B, T, d): Σ_s α_{t,s} u_s
        peak = alpha.argmax(dim=-1, keepdim=True).expand(-1, -1, content.shape[-1])  # (B, T, d)
        hard = content.gather(1, peak)  # (B, T, d): u at argmax_s α_{t,s}
        g = soft + (hard - soft).detach()  # forward: hard; gradient: through the soft α
        items = self.glimpse(g) + self.offset(h)  # (B, T, K)
        return logits.index_copy(-1, self.items, items)


class AttentiveGRU(nn.Module):
    """CNN cells + GRU decoder with Bahdanau attention (module docstring, first decoder)."""

    def __init__(self, config: CaptionModelConfig, vocab_size: int, items: Tensor | None) -> None:
        super().__init__()
        d = config.d_model
        self.encoder = encoder(config)
        self.embedding = nn.Embedding(vocab_size, config.embed)
        self.score = AdditiveScore(d, d, config.attn_dim)
        self.init = nn.Linear(d, d)  # W_init
        self.cell = GRUCell(config.embed + d, d)
        self.dropout = nn.Dropout(config.dropout)
        self.out = OutputLayer(2 * d + config.embed, d, vocab_size, items)

    def encode(self, images: Tensor) -> Cells:
        return self.encoder(images)

    def decode(self, cells: Cells, tokens: Tensor) -> tuple[Tensor, Tensor]:
        memory = cells.memory  # (B, S, d)
        T = tokens.shape[1]
        keys = self.score.prepare(cells.keys)  # (B, S, A): U_a k_s, once per scene
        no_pad = torch.zeros(memory.shape[:2], dtype=torch.bool, device=memory.device)
        s = torch.tanh(self.init(memory.mean(dim=1)))  # (B, d): s_0
        embedded = self.dropout(self.embedding(tokens))  # (B, T, E)
        outputs, weights = [], []
        for t in range(T):
            context, alpha = attend(self.score(s, keys), memory, no_pad)  # (B, d), (B, S)
            s = self.cell(torch.cat([embedded[:, t], context], dim=-1), s)  # (B, d)
            outputs.append(torch.cat([s, context, embedded[:, t]], dim=-1))
            weights.append(alpha)
        h = self.dropout(torch.stack(outputs, dim=1))  # (B, T, 2d + E): h_t
        attention = torch.stack(weights, dim=1)  # (B, T, S)
        return self.out(h, attention, cells.content), attention


class CrossAttentionTransformer(nn.Module):
    """CNN cells + pre-norm Transformer decoder with cross-attention (second decoder)."""

    def __init__(self, config: CaptionModelConfig, vocab_size: int, items: Tensor | None) -> None:
        super().__init__()
        d = config.d_model
        self.encoder = encoder(config)
        self.embedding = nn.Embedding(vocab_size, d)
        self.position = LearnedPositionalEmbedding(MAX_LEN, d)
        self.dropout = nn.Dropout(config.dropout)
        self.layers = nn.ModuleList(
            TransformerDecoderLayer(d, config.heads, config.d_ff, config.dropout)
            for _ in range(config.layers)
        )
        self.norm = nn.LayerNorm(d)  # pre-norm stacks need a final norm
        self.query = nn.Linear(d, d, bias=False)  # W_q of the pointing attention
        self.key = nn.Linear(d, d, bias=False)  # W_k
        self.out = OutputLayer(d, d, vocab_size, items)

    def encode(self, images: Tensor) -> Cells:
        return self.encoder(images)

    def decode(self, cells: Cells, tokens: Tensor) -> tuple[Tensor, Tensor]:
        x = self.dropout(self.position(self.embedding(tokens)))  # (B, T, d)
        for layer in self.layers:
            x = layer(x, cells.memory)
        h = self.norm(x)  # (B, T, d): h_t
        _, alpha = scaled_dot_product_attention(self.query(h), self.key(cells.keys), cells.memory)
        # alpha (B, T, S): softmax_s(W_q h_t · W_k k_s / √d), the attention drawn per word
        return self.out(self.dropout(h), alpha, cells.content), alpha


MODELS: Registry[type[AttentiveGRU] | type[CrossAttentionTransformer]] = Registry("caption model")
MODELS.add("rnn", AttentiveGRU)
MODELS.add("transformer", CrossAttentionTransformer)


def build_model(
    config: CaptionModelConfig, vocab_size: int, items: Tensor
) -> AttentiveGRU | CrossAttentionTransformer:
    """The untrained captioner; ``items`` (K,) are the item tokens' ids, in class order."""
    return MODELS[config.model](config, vocab_size, items if config.glimpse else None)


@torch.inference_mode()
def greedy(
    model: Captioner, images: Tensor, *, bos: int, eos: int, max_len: int = MAX_LEN
) -> tuple[list[list[int]], list[Tensor]]:
    """Greedy decoding: per scene, the token ids up to (not including) <eos>, and the
    attention rows (n_tokens + 1, S) of each emitted token, the <eos> step included.

    Re-decodes the whole prefix every step (captions are ≤ 40 tokens over 4 cells: cheaper to
    read than a cache, and one code path for both decoders).
    """
    B = images.shape[0]
    cells = model.encode(images)
    tokens = torch.full((B, 1), bos, dtype=torch.long, device=images.device)  # (B, 1)
    done = torch.zeros(B, dtype=torch.bool, device=images.device)
    attention = torch.empty(B, 0, cells.memory.shape[1], device=images.device)
    for _ in range(max_len - 1):
        logits, att = model.decode(cells, tokens)  # (B, t, V), (B, t, S)
        nxt = logits[:, -1].argmax(dim=-1)  # (B,)
        tokens = torch.cat([tokens, nxt[:, None]], dim=1)
        attention = att
        done |= nxt == eos
        if bool(done.all()):
            break
    ids, rows = [], []
    for b in range(B):
        seq = tokens[b, 1:].tolist()
        n = seq.index(eos) if eos in seq else len(seq)
        ids.append(seq[:n])
        rows.append(attention[b, : n + 1].cpu())
    return ids, rows
