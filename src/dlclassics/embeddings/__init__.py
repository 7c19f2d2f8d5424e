"""Word vectors: word2vec (skip-gram, CBOW × negative sampling, hierarchical softmax) and GloVe.

Course notes 001 and 002 (词向量) and 004 (word embeddings). The trainable models are separate
from the frozen vectors users query and ship (:class:`~dlclassics.embeddings.keyed.KeyedVectors`).
"""
