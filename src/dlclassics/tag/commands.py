"""``dlc tag train | eval | predict``: sequence labelling through the one trainer.

    dlc tag train --data brown-universal --run-dir runs/pos        # BiLSTM-CRF, Brown POS
    dlc tag train --data peoples-daily-seg --model bilstm-crf --features --run-dir runs/seg
    dlc tag train --data my.conll --model memm --run-dir runs/mine  # your token<TAB>tag file
    dlc tag train --resume runs/pos                                # continue, bit-exact
    dlc tag eval --run-dir runs/pos                                # test accuracy / F1
    echo "The cat sat on the mat ." | dlc tag predict --run-dir runs/pos

``--data`` is a tagging data set (:mod:`.corpora`: ``brown``, ``brown-universal``,
``peoples-daily``, ``peoples-daily-seg``, ``wnut16``) or a ``token<TAB>tag`` file. ``eval``
scores a split with the data set's metric (:mod:`.metrics`): token accuracy for POS, strict
entity F1 for NER, SIGHAN word F1 for segmentation; it writes ``eval.json``.
``predict`` reads one sentence a line (tokens separated by spaces; for a segmentation run,
raw text, one character a token) and prints ``token/TAG`` (segmentation: the words).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

from dlclassics.commands import Command
from dlclassics.config import replace
from dlclassics.data.stream import iter_lines
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import write_json
from dlclassics.registry import Registry
from dlclassics.tag.corpora import SPLITS, TaggingData, load, scheme_metric
from dlclassics.tag.encode import Encoder, TaggedDataset, collate
from dlclassics.tag.metrics import score, span_reader
from dlclassics.tag.models import ModelConfig, Tagger, build_tagger
from dlclassics.tag.tagsets import words_from_bmes
from dlclassics.train import TrainerConfig, load_weights, read_run_config
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class TagTrainConfig:
    # brown | brown-universal | peoples-daily | peoples-daily-seg | wnut16, or a
    # token<TAB>tag file (blank line between sentences; split 80/10/10 by position)
    data: str = "brown-universal"
    run_dir: Path = Path("runs/tag")  # weights, vocabularies, config.json, metrics.jsonl
    tagger: ModelConfig = field(default_factory=ModelConfig)
    min_count: int = 2  # words seen fewer times in train are <unk> (so <unk> is learnt)
    feature_min_count: int = 2  # hand-made features seen fewer times are <unk>
    max_len: int = 100  # training sentences longer than this are cut into pieces (tokens)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=2000,  # ≈ 1.8 epochs of Brown's 35,523 train sentences at batch 32
            batch_size=32,
            optimizer="adam",
            lr=2e-3,
            schedule="cosine",
            grad_clip=5.0,  # LSTMs: clip the rare exploding step
            eval_every=500,
            checkpoint_every=500,
            metric="val_score",  # the data's metric: word/entity F1, or POS accuracy
            metric_mode="max",
        )
    )

    def __post_init__(self) -> None:
        if self.min_count < 1 or self.feature_min_count < 1:
            raise ConfigError("min_count and feature_min_count must be >= 1")
        if self.max_len < 1:
            raise ConfigError(f"max_len={self.max_len} must be >= 1")


PRESETS: dict[str, TagTrainConfig] = {
    "quick": TagTrainConfig(  # a minute on one core: a smaller BiLSTM, 300 steps
        run_dir=Path("runs/tag-quick"),
        tagger=ModelConfig(hidden=64, word_dim=48),
        trainer=replace(TagTrainConfig().trainer, max_steps=300, eval_every=100),
    ),
}


def build(config: TagTrainConfig, encoder: Encoder) -> Tagger:
    """The tagger of ``config`` over ``encoder``'s vocabularies (seeded initial weights)."""
    torch.manual_seed(config.trainer.seed)
    features = encoder.features
    return build_tagger(
        config.tagger,
        n_words=len(encoder.words),
        n_chars=len(encoder.chars),
        n_features=len(features) if features is not None else 0,
        n_tags=len(encoder.tags),
    )


def prepare(config: TagTrainConfig, resume: bool) -> Prepared[TagTrainConfig]:
    """The tagger, the encoded train/val splits and the vocabularies of a run."""
    data = load(config.data)
    if resume:
        encoder = Encoder.load(config.run_dir)
    else:
        encoder = Encoder.build(
            data.splits["train"],
            data.tags,
            min_count=config.min_count,
            with_features=config.tagger.reads_features,
            feature_min_count=config.feature_min_count,
        )
    encoder.check_tags(data.splits["train"], f"--data {config.data}")
    train = TaggedDataset(encoder, data.splits["train"], max_len=config.max_len)
    val = TaggedDataset(encoder, data.splits["val"])
    task = build(config, encoder)
    task.spans = span_reader(data.scheme, encoder.tags)
    n_params = sum(p.numel() for p in task.parameters())
    features = encoder.features
    return Prepared(
        config=config,
        task=task,
        train_data=train,
        val_data=val,
        collate_fn=collate,
        run_config={"scheme": data.scheme, "model_name": config.tagger.name},
        own_files=encoder.save,
        summary=(
            f"{config.tagger.name} on {config.data} ({data.scheme}): {len(train)} train pieces, "
            f"{len(val)} val sentences, {len(encoder.tags)} tags, {len(encoder.words)} words, "
            f"{len(features) if features is not None else 0} features, {n_params:,} parameters"
        ),
    )


TRAIN: TrainCommand[TagTrainConfig] = TrainCommand(
    command="tag train", config=TagTrainConfig, prepare=prepare, evaluate_with="dlc tag eval"
)


def train(config: TagTrainConfig) -> RunResult[TagTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


# -- a trained run ---------------------------------------------------------------------------


def load_run(
    run_dir: Path, which: Literal["best", "last"] = "best"
) -> tuple[TagTrainConfig, Encoder, Tagger]:
    """A trained run's config, vocabularies and tagger (in eval mode)."""
    config = TRAIN.saved_config(run_dir)
    encoder = Encoder.load(run_dir)
    tagger = build(config, encoder)
    load_weights(tagger, run_dir, which=which)
    tagger.eval()
    return config, encoder, tagger


@torch.inference_mode()
def tag(
    tagger: Tagger, encoder: Encoder, sentences: Sequence[Sequence[str]], batch_size: int = 64
) -> list[list[str]]:
    """The predicted tags of each token list (batches of similar length, original order)."""
    tagger.eval()
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    out: list[list[str]] = [[] for _ in sentences]
    for a in range(0, len(order), batch_size):
        chunk = order[a : a + batch_size]
        batch = collate([encoder.encode(sentences[i]) for i in chunk])
        predicted = tagger.predict(batch).tolist()
        for row, i in zip(predicted, chunk, strict=True):
            out[i] = [encoder.tags[k] for k in row[: len(sentences[i])]]
    return out


@dataclass(frozen=True, kw_only=True)
class TagEvalConfig:
    run_dir: Path = Path("runs/tag")  # a directory written by `dlc tag train`
    split: Literal["test", "val"] = "test"
    which: Literal["best", "last"] = "best"  # weights of the best val score, or the latest
    data: str | None = None  # another data set or file with the run's tag set (default: its own)


def evaluate(config: TagEvalConfig) -> dict[str, Any]:
    """The run's metric on a split; writes ``eval.json`` in the run directory."""
    run, encoder, tagger = load_run(config.run_dir, config.which)
    data: TaggingData = load(config.data or run.data)
    sentences = data.splits[config.split]
    every = [s for split in SPLITS for s in data.splits[split]]
    encoder.check_tags(every, f"--data {data.name}")
    gold = [tags for _, tags in sentences]
    predicted = tag(tagger, encoder, [tokens for tokens, _ in sentences])
    scores = score(data.scheme, gold, predicted)
    metric = scheme_metric(data.scheme)
    result = {
        "data": data.name,
        "split": config.split,
        "scheme": data.scheme,
        "model": run.tagger.name,
        "metric": metric,
        "value": scores[metric],
        **scores,
        "sentences": len(sentences),
        "tokens": sum(len(t) for t in gold),
    }
    write_json(config.run_dir / "eval.json", result)
    return result


def eval_command(config: TagEvalConfig) -> int:
    r = evaluate(config)
    extra = "" if r["metric"] == "accuracy" else f" (P {r['precision']:.4f}, R {r['recall']:.4f})"
    print(
        f"{r['model']} on {r['data']} {r['split']}: {r['metric']} {r['value']:.4f}{extra}, "
        f"{r['sentences']} sentences, {r['tokens']} tokens; wrote {config.run_dir / 'eval.json'}"
    )
    return 0


@dataclass(frozen=True, kw_only=True)
class TagPredictConfig:
    run_dir: Path = Path("runs/tag")  # a directory written by `dlc tag train`
    input: Path | None = None  # one sentence a line; default: standard input
    which: Literal["best", "last"] = "best"


def predict_lines(
    run_dir: Path, lines: Sequence[str], which: Literal["best", "last"] = "best"
) -> list[str]:
    """Each line tagged: ``token/TAG`` separated by spaces, or the words of a segmentation."""
    _, encoder, tagger = load_run(run_dir, which)
    segmenting = read_run_config(run_dir).get("scheme") == "bmes"
    sentences = [list(line.strip()) if segmenting else line.split() for line in lines]
    kept = [s for s in sentences if s]
    if not kept:
        raise DataError("no sentence to tag: the input holds only empty lines")
    tagged = iter(tag(tagger, encoder, kept))
    out = []
    for tokens in sentences:
        if not tokens:
            out.append("")
            continue
        tags = next(tagged)
        if segmenting:
            out.append(" ".join(words_from_bmes(tokens, tags)))
        else:
            out.append(" ".join(f"{w}/{t}" for w, t in zip(tokens, tags, strict=True)))
    return out


def predict_command(config: TagPredictConfig) -> int:
    if config.input is None:
        lines = sys.stdin.read().splitlines()
    else:
        lines = list(iter_lines(config.input))
    for line in predict_lines(config.run_dir, lines, config.which):
        print(line)
    return 0


COMMANDS: Registry[Command] = Registry("tag command")
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add("eval", Command(config=TagEvalConfig, run=eval_command))
COMMANDS.add("predict", Command(config=TagPredictConfig, run=predict_command))
