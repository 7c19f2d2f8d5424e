"""Training runs and run directories of the translation models.

``dlc seq2seq train`` (see :mod:`dlclassics.seq2seq.commands`) writes a run directory::

    runs/seq2seq/
      config.json            the run config (pair, model, net sizes, trainer) — "command":
                             "seq2seq train"; the trainer's own fields under "trainer"
      src_vocab.json         source vocabulary (dlclassics.vocab/1), built from train
      tgt_vocab.json         target vocabulary
      src.bpe.model …        with --subwords N: the SentencePiece BPE models (src, tgt)
      best.safetensors …     weights (lowest val_loss) + JSON sidecars, resumable checkpoint
      metrics.jsonl, curves.png

and :func:`load_model` turns it back into ``(model, src_vocab, tgt_vocab, config)`` for
decoding (:mod:`dlclassics.seq2seq.evaluate`, ``dlc translate``); :func:`load_subwords`
gives a subword run's BPE models.

One trainer step is one length bucket of ``--bucket-size`` sentence pairs (the trainer's own
``--batch-size`` stays 1: it counts buckets; see :class:`~.data.LengthBuckets`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import torch
from torch import nn

from dlclassics.config import replace
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError
from dlclassics.seq2seq.data import (
    DataConfig,
    Example,
    LengthBuckets,
    PairName,
    build_vocabs,
    load_examples,
    merge_batches,
)
from dlclassics.seq2seq.models import ModelName, NetConfig, build_model
from dlclassics.seq2seq.subword import Subwords
from dlclassics.seq2seq.task import Seq2SeqTask
from dlclassics.train import TrainerConfig, load_weights
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)

COMMAND = "seq2seq train"  # the run config's "command": marks a translation run directory
SRC_VOCAB, TGT_VOCAB = "src_vocab.json", "tgt_vocab.json"
SRC_BPE, TGT_BPE = "src.bpe.model", "tgt.bpe.model"


@dataclass(frozen=True, kw_only=True)
class Seq2SeqTrainConfig:
    pair: PairName = "en-es"  # Bible en-es / es-en (main benchmark) or Tatoeba en-fr (fast)
    model: ModelName = "gru-bahdanau"  # see dlclassics.seq2seq.models
    run_dir: Path = Path("runs/seq2seq")  # weights, config.json, vocabularies, metrics
    max_len: int = 20  # drop training pairs with more tokens on either side
    min_count: int = 2  # words seen fewer times in train become <unk> (words only)
    # BPE pieces per side (SentencePiece, learned on train; dlclassics.seq2seq.subword);
    # None = whole words. Every piece is kept (min_count does not apply to pieces).
    subwords: int | None = None
    bucket_size: int = 64  # sentence pairs per length bucket (= per step at --batch-size 1)
    # label smoothing ε; None = 0.1 for the transformer (Vaswani et al.), 0 for RNNs
    label_smoothing: float | None = None
    teacher_forcing: float = 1.0  # probability of feeding the gold token at step 0
    teacher_forcing_end: float = 1.0  # ... at the last step (linear); < 1 = scheduled sampling
    net: NetConfig = field(default_factory=NetConfig)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=2000,  # ≈ 19 epochs of the 105 Bible buckets of 64 pairs
            batch_size=1,  # one length bucket per step (see the module docstring)
            optimizer="adam",
            lr=1e-3,
            schedule="cosine",
            warmup_steps=100,  # the Transformer needs a short warm-up; harmless for RNNs
            grad_clip=1.0,  # RNN gradients explode now and then (Pascanu et al. 2013)
            eval_every=200,
            checkpoint_every=200,
            metric="val_loss",
            metric_mode="min",
        )
    )

    def data(self) -> DataConfig:
        return DataConfig(
            pair=self.pair,
            max_len=self.max_len,
            min_count=self.min_count,
            batch_size=self.bucket_size,
        )

    def smoothing(self) -> float:
        if self.label_smoothing is not None:
            return self.label_smoothing
        return 0.1 if self.model == "transformer" else 0.0


PRESETS: dict[str, Seq2SeqTrainConfig] = {
    # Tatoeba en-fr, small attention GRU: the tour's run (≈ 15 CPU-seconds on one thread)
    "quick": Seq2SeqTrainConfig(
        pair="en-fr",
        model="gru-bahdanau",
        run_dir=Path("runs/seq2seq-quick"),
        max_len=12,
        net=NetConfig(emb=96, hidden=128, attn_dim=96, dropout=0.1),
        trainer=replace(
            Seq2SeqTrainConfig().trainer,
            max_steps=350,
            warmup_steps=20,
            lr=3e-3,
            eval_every=70,
            checkpoint_every=350,
        ),
    ),
}


def build_task(config: Seq2SeqTrainConfig, src_vocab: Vocab, tgt_vocab: Vocab) -> Seq2SeqTask:
    """The model of ``config`` inside its training task; weights follow the run's seed."""
    torch.manual_seed(config.trainer.seed)
    model = build_model(config.model, config.net, len(src_vocab), len(tgt_vocab))
    return Seq2SeqTask(
        model,
        label_smoothing=config.smoothing(),
        teacher_forcing=config.teacher_forcing,
        teacher_forcing_end=config.teacher_forcing_end,
        schedule_steps=config.trainer.max_steps,
    )


def saved_config(run_dir: Path) -> Seq2SeqTrainConfig:
    """The config a translation run directory was trained with; CheckpointError otherwise."""
    return TRAIN.saved_config(run_dir)


def load_vocabs(run_dir: Path) -> tuple[Vocab, Vocab]:
    return Vocab.load(run_dir / SRC_VOCAB), Vocab.load(run_dir / TGT_VOCAB)


def load_subwords(run_dir: Path, config: Seq2SeqTrainConfig) -> tuple[Subwords, Subwords] | None:
    """The run's (source, target) BPE models, or None for a run on whole words."""
    if config.subwords is None:
        return None
    return Subwords.load(run_dir / SRC_BPE), Subwords.load(run_dir / TGT_BPE)


def learn_subwords(train: list[Example], size: int) -> tuple[Subwords, Subwords]:
    """(source, target) BPE models of ``size`` pieces each, learned on the training pairs."""
    return (
        Subwords.train((e.src for e in train), vocab_size=size),
        Subwords.train((e.tgt for e in train), vocab_size=size),
    )


def segment(examples: list[Example], subwords: tuple[Subwords, Subwords]) -> list[Example]:
    """Pairs with their word tokens replaced by BPE pieces (the texts stay as they are)."""
    src, tgt = subwords
    return [e._replace(src=src.encode(e.src), tgt=tgt.encode(e.tgt)) for e in examples]


def load_model(
    run_dir: str | Path, which: Literal["best", "last"] = "best"
) -> tuple[nn.Module, Vocab, Vocab, Seq2SeqTrainConfig]:
    """A trained translator in eval mode, its vocabularies and its run config.

    >>> model, src_vocab, tgt_vocab, config = load_model("runs/seq2seq")  # doctest: +SKIP
    """
    run_dir = Path(run_dir)
    config = saved_config(run_dir)
    src_vocab, tgt_vocab = load_vocabs(run_dir)
    task = build_task(config, src_vocab, tgt_vocab)
    load_weights(task, run_dir, which=which)
    return task.model.eval(), src_vocab, tgt_vocab, config


def prepare(config: Seq2SeqTrainConfig, resume: bool) -> Prepared[Seq2SeqTrainConfig]:
    """Pairs, BPE models and vocabularies (the run's own files), task and length buckets."""
    run_dir = config.run_dir
    if config.trainer.batch_size != 1:
        log.info("each step merges %d length buckets", config.trainer.batch_size)
    data = config.data()
    train_examples = load_examples(data, "train")
    val_examples = load_examples(data, "val")
    subwords = None
    if config.subwords is not None:
        if resume:
            subwords = load_subwords(run_dir, config)
        else:
            subwords = learn_subwords(train_examples, config.subwords)
        assert subwords is not None
        train_examples = segment(train_examples, subwords)
        val_examples = segment(val_examples, subwords)
    if resume:
        src_vocab, tgt_vocab = load_vocabs(run_dir)
    else:
        min_count = 1 if subwords is not None else data.min_count
        src_vocab, tgt_vocab = build_vocabs(train_examples, min_count)
    train_data = LengthBuckets(
        train_examples, src_vocab, tgt_vocab, batch_size=data.batch_size, seed=config.trainer.seed
    )
    val_data = LengthBuckets(val_examples, src_vocab, tgt_vocab, batch_size=256)
    task = build_task(config, src_vocab, tgt_vocab)
    if len(train_data) < config.trainer.batch_size:
        raise ConfigError(
            f"{len(train_data)} training buckets < --batch-size "
            f"{config.trainer.batch_size}; lower it"
        )

    def own_files(run_dir: Path) -> None:
        src_vocab.save(run_dir / SRC_VOCAB)
        tgt_vocab.save(run_dir / TGT_VOCAB)
        if subwords is not None:
            subwords[0].save(run_dir / SRC_BPE)
            subwords[1].save(run_dir / TGT_BPE)

    return Prepared(
        config=config,
        task=task,
        train_data=train_data,
        val_data=val_data,
        collate_fn=merge_batches,
        own_files=own_files,
        summary=f"{config.pair} {config.model}: {len(train_examples)} train pairs in "
        f"{len(train_data)} buckets, vocab {len(src_vocab)} → {len(tgt_vocab)}, "
        f"{sum(p.numel() for p in task.parameters())} parameters",
    )


TRAIN: TrainCommand[Seq2SeqTrainConfig] = TrainCommand(
    command=COMMAND,
    config=Seq2SeqTrainConfig,
    prepare=prepare,
    evaluate_with="dlc seq2seq eval",
)


def fit(config: Seq2SeqTrainConfig) -> RunResult[Seq2SeqTrainConfig]:
    """Train a new run in ``config.run_dir``; returns where it is and what it cost."""
    return TRAIN.start(config)
