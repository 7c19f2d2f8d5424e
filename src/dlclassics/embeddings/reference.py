"""The word2vec and GloVe losses in a few lines of torch: for reading, and as the test oracle.

Same notation as :mod:`dlclassics.embeddings.word2vec` (notes 001 §0.1, 002 词向量如何计算,
004 §3): ``syn0`` holds the input vectors ``v`` (the word vectors we keep), ``syn1neg`` the
output vectors ``u`` of negative sampling, ``syn1`` the inner-node vectors of hierarchical
softmax. The compiled kernels (:mod:`~dlclassics.embeddings.kernels`) take one SGD step
``θ ← θ − α ∂L/∂θ`` on exactly these losses; tests/embeddings/test_w2v_gradients.py checks
it against ``torch.autograd`` in float64.

>>> syn0, syn1neg = torch.zeros(4, 3), torch.zeros(4, 3)
>>> round(float(skipgram_ns_loss(syn0, syn1neg, context=1, word=2, noise=[0, 3])), 6)  # 3 log 2
2.079442
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from dlclassics.embeddings.huffman import HuffmanTree

__all__ = [
    "cbow_hs_loss",
    "cbow_ns_loss",
    "glove_loss",
    "hs_loss",
    "hs_probabilities",
    "ns_loss",
    "skipgram_hs_loss",
    "skipgram_ns_loss",
]


def ns_loss(h: Tensor, syn1neg: Tensor, word: int, noise: Sequence[int]) -> Tensor:
    """Negative sampling: ``−log σ(u_word·h) − Σ_k log σ(−u_{noise_k}·h)``."""
    positive = syn1neg[word] @ h  # ()
    negatives = syn1neg[list(noise)] @ h  # (k,)
    return -F.logsigmoid(positive) - F.logsigmoid(-negatives).sum()


def hs_loss(h: Tensor, syn1: Tensor, tree: HuffmanTree, word: int) -> Tensor:
    """Hierarchical softmax: ``−Σ_j log σ((1 − 2 d_j) u_{n_j}·h)`` along word's path."""
    nodes = syn1[tree.path(word)]  # (L, D)
    signs = 1.0 - 2.0 * torch.tensor(tree.code(word), dtype=h.dtype)  # code 0 → +1, 1 → −1
    return -F.logsigmoid(signs * (nodes @ h)).sum()


def hs_probabilities(h: Tensor, syn1: Tensor, tree: HuffmanTree) -> Tensor:
    """``P(w | h)`` for every word of the tree, shape (V,): sums to 1."""
    V = len(tree.offsets) - 1
    return torch.stack([torch.exp(-hs_loss(h, syn1, tree, w)) for w in range(V)])


def skipgram_ns_loss(
    syn0: Tensor, syn1neg: Tensor, *, context: int, word: int, noise: Sequence[int]
) -> Tensor:
    """Skip-gram pair (input = the context word's vector, predict the centre word)."""
    return ns_loss(syn0[context], syn1neg, word, noise)


def skipgram_hs_loss(
    syn0: Tensor, syn1: Tensor, tree: HuffmanTree, *, context: int, word: int
) -> Tensor:
    return hs_loss(syn0[context], syn1, tree, word)


def cbow_ns_loss(
    syn0: Tensor, syn1neg: Tensor, *, context: Sequence[int], word: int, noise: Sequence[int]
) -> Tensor:
    """CBOW: input = the mean of the context words' vectors."""
    h = syn0[list(context)].mean(dim=0)  # (D,)
    return ns_loss(h, syn1neg, word, noise)


def cbow_hs_loss(
    syn0: Tensor, syn1: Tensor, tree: HuffmanTree, *, context: Sequence[int], word: int
) -> Tensor:
    h = syn0[list(context)].mean(dim=0)  # (D,)
    return hs_loss(h, syn1, tree, word)


def glove_loss(
    W: Tensor,
    Wc: Tensor,
    b: Tensor,
    bc: Tensor,
    i: int,
    j: int,
    x: float,
    *,
    x_max: float = 100.0,
    power: float = 0.75,
) -> Tensor:
    """GloVe (Pennington et al. 2014, eq. 8) for one entry of X::

        J = ½ f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)²

    ``f(x) = (x / x_max)^α`` below ``x_max``, 1 above (the ½ is the C tool's).
    """
    weight = min(1.0, (x / x_max) ** power)
    diff = W[i] @ Wc[j] + b[i] + bc[j] - torch.log(torch.tensor(x, dtype=W.dtype))
    return 0.5 * weight * diff**2
