"""``dlc word2vec train``: word vectors from a corpus, written as a word2vec binary file.

    dlc word2vec train --corpus en-mix --lowercase --model sg --loss ns --out runs/w2v
    dlc word2vec train --corpus peoples-daily --model cbow --loss hs --out runs/w2v-zh
    dlc word2vec train --corpus raw_zh.txt --segment jieba --out runs/w2v-jieba
    dlc word2vec train --corpus more.txt --continue-from runs/w2v --out runs/w2v2

``--corpus`` is a registered corpus (sotu, brown, bible-en, moby-dick, en-mix,
peoples-daily) or a text file with one sentence per line (see
:mod:`dlclassics.embeddings.corpus`). ``DIR`` receives ``vectors.bin`` (word2vec C binary
format, loads in gensim's ``KeyedVectors.load_word2vec_format(..., binary=True)``),
``config.json`` (options, corpus statistics, loss and words/s per epoch) and the trainer
state (``trainer.safetensors`` + ``trainer.json``) that ``--continue-from DIR`` resumes:
the new corpus's words join the vocabulary (``Word2Vec.update_vocab``) and training
continues from the saved vectors with a fresh learning-rate schedule.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dlclassics.commands import Command
from dlclassics.embeddings.corpus import Segment, word_sentences
from dlclassics.embeddings.formats import save_word2vec_format
from dlclassics.embeddings.word2vec import Word2Vec, Word2VecConfig
from dlclassics.io import write_json
from dlclassics.registry import Registry

log = logging.getLogger(__name__)

VECTORS = "vectors.bin"
CONFIG = "config.json"


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    corpus: str  # a registered corpus (en-mix, sotu, peoples-daily, ...) or a text file
    out: Path  # output directory: vectors.bin, config.json, trainer state
    train: Word2VecConfig = field(default_factory=lambda: Word2VecConfig(progress=True))
    lowercase: bool = False  # fold case (recommended for English)
    segment: Segment = "none"  # jieba: segment raw Chinese lines of a file into words
    encoding: str = "utf-8"  # of a file corpus
    continue_from: Path | None = None  # a previous --out DIR: add this corpus, keep training


def train(config: TrainConfig) -> int:
    corpus = word_sentences(
        config.corpus, lowercase=config.lowercase, segment=config.segment,
        encoding=config.encoding,
    )  # fmt: skip
    cfg = config.train
    if config.continue_from is not None:
        model = Word2Vec.load(
            config.continue_from, epochs=cfg.epochs, workers=cfg.workers, progress=cfg.progress
        )
        added = model.update_vocab(corpus)
        log.info("continuing %s: %d new words", config.continue_from, added)
    else:
        model = Word2Vec.build(corpus, cfg)
    stats = model.train(corpus)
    kv = model.wv
    config.out.mkdir(parents=True, exist_ok=True)
    save_word2vec_format(kv, config.out / VECTORS, binary=True)
    model.save(config.out)
    write_json(
        config.out / CONFIG,
        {
            "command": "word2vec train",
            "config": asdict(model.config),
            "corpus": {
                "spec": config.corpus,
                "lowercase": config.lowercase,
                "segment": config.segment,
                "encoding": config.encoding,
                **model.vocab.stats(),
            },
            "continue_from": config.continue_from,
            "training": stats.to_dict(),
        },
    )
    losses = ", ".join(f"{e.loss:.4f}" for e in stats.epochs)
    print(
        f"word2vec {model.config.model}-{model.config.loss} on {config.corpus}: {len(kv):,} "
        f"words × {kv.dim}; loss per epoch {losses}; {stats.words_per_sec:,.0f} words/s; "
        f"wrote {config.out / VECTORS}"
    )
    return 0


COMMANDS: Registry[Command] = Registry("word2vec command")
COMMANDS.add(
    "train",
    Command(
        config=TrainConfig,
        run=train,
    ),
)
