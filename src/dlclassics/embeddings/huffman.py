"""The Huffman tree of hierarchical softmax (Morin & Bengio 2005; Mikolov et al. 2013a/b).

Note 004 §3 (分级softmax): instead of a softmax over V words, each word is a leaf of a binary
tree and ``P(w | h)`` is the product of the binary decisions on the path from the root to
``w``. Inner node ``n`` has an output vector ``u_n``; at depth ``j`` the path goes to the
child with code ``d_j ∈ {0, 1}`` with probability ::

    P(d_j | h) = σ((1 − 2 d_j) · u_{n_j} · h)          # code 0: σ(u·h), code 1: σ(−u·h)
    P(w | h)   = Π_j P(d_j | h)

so a word costs ``len(code)`` dot products, and the probabilities of all V leaves sum to 1
because the two children of a node split its mass as σ(x) + σ(−x) = 1. A Huffman tree over
word counts gives frequent words short codes, minimising the expected cost
``Σ_w count(w) · len(code(w))`` (Huffman 1952).

Built as in ``word2vec.c`` (``CreateBinaryTree``): words sorted by count descending, two
pointers walk the leaves and the new inner nodes (both in increasing-count order), so the
construction is O(V) with no heap. Inner node ``k`` (``k = 0 … V−2``) is row ``k`` of the
output matrix; the root is ``V − 2``. Ties may be broken differently from another Huffman
builder, so codes can differ; the weighted path length (what "optimal" means) cannot.

The codes and inner-node paths of all words are stored flat (CSR): word ``w`` owns
``codes[offsets[w]:offsets[w+1]]`` and ``points[...]`` (root first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HuffmanTree", "build_huffman"]


@dataclass(frozen=True)
class HuffmanTree:
    offsets: np.ndarray  # (V + 1,) int64: word w's path is [offsets[w], offsets[w+1])
    codes: np.ndarray  # (Σ lengths,) uint8: 0 = left/"σ(+x)", 1 = right/"σ(−x)"
    points: np.ndarray  # (Σ lengths,) int32: inner node of each decision, root first

    def code(self, word: int) -> list[int]:
        return self.codes[self.offsets[word] : self.offsets[word + 1]].tolist()

    def path(self, word: int) -> list[int]:
        return self.points[self.offsets[word] : self.offsets[word + 1]].tolist()

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)


def build_huffman(counts: np.ndarray) -> HuffmanTree:
    """The Huffman tree over ``counts`` (sorted descending, as a vocabulary is)."""
    counts = np.asarray(counts, dtype=np.int64)
    V = len(counts)
    assert V >= 1 and np.all(counts[:-1] >= counts[1:]), "counts must be sorted descending"
    if V == 1:  # a lone word needs no decision; give it one so P(w) is defined (σ(x) ≤ 1)
        return HuffmanTree(np.array([0, 1]), np.zeros(1, np.uint8), np.zeros(1, np.int32))
    # nodes 0..V-1 are leaves (reversed below: leaf pos1 walks from the rarest word),
    # nodes V..2V-2 are inner nodes in creation order (non-decreasing counts)
    weight = np.empty(2 * V - 1, dtype=np.int64)
    weight[:V] = counts
    parent = np.zeros(2 * V - 1, dtype=np.int64)
    binary = np.zeros(2 * V - 1, dtype=np.uint8)
    leaf, inner = V - 1, V  # next unused leaf (rarest first) and inner node
    for new in range(V, 2 * V - 1):
        pair = []
        for _ in range(2):  # the two lightest available nodes
            if leaf >= 0 and (inner >= new or weight[leaf] < weight[inner]):
                pair.append(leaf)
                leaf -= 1
            else:
                pair.append(inner)
                inner += 1
        weight[new] = weight[pair[0]] + weight[pair[1]]
        parent[pair[0]] = parent[pair[1]] = new
        binary[pair[1]] = 1
    root = 2 * V - 2
    lengths = np.zeros(V, dtype=np.int64)
    for w in range(V):
        node, depth = w, 0
        while node != root:
            node, depth = parent[node], depth + 1
        lengths[w] = depth
    offsets = np.zeros(V + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    codes = np.empty(offsets[-1], dtype=np.uint8)
    points = np.empty(offsets[-1], dtype=np.int32)
    for w in range(V):
        j = offsets[w + 1] - 1  # fill leaf-to-root, so the root lands first
        node = w
        while node != root:
            codes[j] = binary[node]
            points[j] = parent[node] - V  # inner node -> row of the output matrix
            node = parent[node]
            j -= 1
    return HuffmanTree(offsets, codes, points)
