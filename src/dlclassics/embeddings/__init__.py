"""Word vectors: word2vec (skip-gram, CBOW × negative sampling, hierarchical softmax) and GloVe.

Course notes 001 and 002 (词向量) and 004 (word embeddings). The trainable models are separate
from the frozen vectors users query and ship (:class:`~dlclassics.embeddings.keyed.KeyedVectors`).
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "embeddings",
    groups=(
        Group(
            "word2vec",
            {
                "train": "train word2vec (skip-gram/CBOW × negative sampling/hierarchical softmax)",
            },
        ),
        Group(
            "glove",
            {
                "train": "train GloVe vectors (co-occurrence counts + AdaGrad)",
            },
        ),
        Group(
            "vectors",
            {
                "similar": "nearest words by cosine similarity",
                "analogy": "A − B + C ≈ ? (king − man + woman ≈ queen)",
                "eval": "analogy accuracy, WS-353/SimLex (en) or Cilin (zh)",
                "plot": "PCA or t-SNE picture of chosen word groups",
                "export": "TensorBoard projector files (tensors.tsv, metadata.tsv)",
                "convert": "word2vec .bin ↔ .txt ↔ native .safetensors",
            },
        ),
    ),
    tour=True,
)
