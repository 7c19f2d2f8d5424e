"""``dlc classify train | eval | predict | gradients``: many-to-one text classification.

    dlc classify train --data zh-reviews --model lstm --pooling max --run-dir runs/zh
    dlc classify train --data spam --model bag --pooling mean --run-dir runs/spam
    dlc classify train --data my.tsv --run-dir runs/mine          # label<TAB>text lines
    dlc classify train --resume runs/zh --max-steps 3000          # continue, exact
    dlc classify eval --run-dir runs/zh [--split val] [--data other.tsv]
    echo "质量很好，物流也快" | dlc classify predict --run-dir runs/zh
    dlc classify gradients --data zh-reviews --out runs/gradients

``--data`` is a labelled set (``zh-reviews``, ``spam``, ``genre-brown``) or your own
``label<TAB>text`` file (:mod:`dlclassics.data.labelled`: sets, splits, e-mail decoding).
The run directory holds what the trainer writes plus ``vocab.json``; ``config.json`` records
the label set, which ``eval`` and ``predict`` use (data with other labels is one error line).

Transfer (note 003): ``--vectors DIR|FILE`` initialises the embedding rows of the words the
vectors know (a ``dlc word2vec train`` run, or a word2vec / native vectors file; the width
must be ``--embed``), ``--freeze`` keeps the embedding fixed; ``--init-lm DIR`` builds the
encoder as the recurrent language model of a ``dlc lm train`` run — same cell, sizes and
vocabulary — and starts from its weights. ``--train-fraction`` trains on a stratified, seeded
subset of the train split (the 1 % / 10 % / 100 % rows of the transfer table).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from dlclassics.classify.gradients import GradientsConfig
from dlclassics.classify.gradients import run as run_gradients
from dlclassics.classify.models import ArchConfig, Classifier, ModelName
from dlclassics.classify.pretrained import LMEncoder, init_embedding, read_lm_encoder
from dlclassics.classify.task import ClassifyTask
from dlclassics.classify.text import Encoded, Encoder, TokenizerName, collate, tokenizer
from dlclassics.commands import Command
from dlclassics.config import replace
from dlclassics.data.labelled import LABELLED, Example, labels_of, read_examples
from dlclassics.data.splits import stratified_split
from dlclassics.data.vocab import Vocab
from dlclassics.errors import CheckpointError, ConfigError, DataError
from dlclassics.io import write_json
from dlclassics.registry import Registry
from dlclassics.report.plots import confusion_matrix, plot_confusion
from dlclassics.train import TrainerConfig, load_weights, read_run_config
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)

VOCAB_FILE = "vocab.json"
SUBSET_SEED = 0  # the --train-fraction subset: fixed, so 1 % ⊂ … holds the same examples per run
EVAL_BATCH = 256  # examples per batch in eval and predict


@dataclass(frozen=True, kw_only=True)
class ClassifyTrainConfig:
    data: str = "zh-reviews"  # zh-reviews, spam, genre-brown, or a label<TAB>text file
    model: ModelName = "lstm"  # bag of embeddings, or the encoder's cell: rnn, lstm, gru
    tokenizer: TokenizerName = "auto"  # auto: zh-chars for Chinese, en-words for English
    lowercase: bool = True  # fold case of English tokens
    min_count: int = 2  # vocabulary: least train count of a token (others are <unk>)
    max_vocab: int = 30_000  # vocabulary: most entries, the 4 specials included
    max_len: int = 400  # tokens read per text (the first ones)
    ngrams: int = 1  # n > 1: add each text's 2- … n-grams as tokens (fastText's bag of n-grams)
    train_fraction: float = 1.0  # train on this stratified share of the train split
    vectors: Path | None = None  # pretrained word vectors: a word2vec run dir or file
    freeze: bool = False  # keep the (pretrained) embedding fixed during training
    init_lm: Path | None = None  # a `dlc lm train` run dir: its embedding + RNN start the encoder
    run_dir: Path = Path("runs/classify")  # where weights, config.json and vocab.json go
    arch: ArchConfig = field(default_factory=ArchConfig)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=1500,
            batch_size=64,  # texts per step
            optimizer="adam",
            lr=2e-3,  # Adam; the small encoders here converge within ~5 epochs at this rate
            schedule="cosine",
            grad_clip=1.0,  # RNN gradients explode without it (Pascanu et al. 2013)
            eval_every=250,
            checkpoint_every=250,
            metric="val_acc",
            metric_mode="max",
        )
    )

    def __post_init__(self) -> None:
        if not 0.0 < self.train_fraction <= 1.0:
            raise ConfigError(f"train_fraction={self.train_fraction} must be in (0, 1]")
        if self.max_len < 1 or self.min_count < 1 or self.ngrams < 1:
            raise ConfigError("max_len, min_count and ngrams must be ≥ 1")
        if self.vectors is not None and self.init_lm is not None:
            raise ConfigError(
                "--vectors and --init-lm both initialise the embedding; pass one of them"
            )
        if self.freeze and self.vectors is None and self.init_lm is None:
            raise ConfigError("--freeze keeps pretrained vectors fixed; pass --vectors too")


PRESETS: dict[str, ClassifyTrainConfig] = {
    "quick": ClassifyTrainConfig(
        model="bag",
        arch=ArchConfig(pooling="mean"),
        run_dir=Path("runs/classify-quick"),
        train_fraction=0.2,
        trainer=replace(
            ClassifyTrainConfig().trainer,
            max_steps=150,
            lr=1e-2,  # a bag of embeddings takes a larger step than the recurrent encoders
            eval_every=50,
            checkpoint_every=50,
        ),
    ),
}


# -- data -------------------------------------------------------------------------------------


def language(data: str) -> str:
    return LABELLED[data].language if data in LABELLED else "en"


def train_subset(examples: Sequence[Example], labels: Sequence[str], fraction: float) -> list[int]:
    """Indices of a stratified ``fraction`` of ``examples`` (seed :data:`SUBSET_SEED`)."""
    if fraction >= 1.0:
        return list(range(len(examples)))
    y = np.array([labels.index(e.label) for e in examples])
    parts = stratified_split(y, {"kept": fraction}, rest="rest", seed=SUBSET_SEED, shuffle=False)
    return [int(i) for i in parts["kept"]]


@dataclass(frozen=True, kw_only=True)
class Loaded:
    """A run's text encoder and task, with the config it was built from."""

    config: ClassifyTrainConfig
    encoder: Encoder
    task: ClassifyTask


def build_task(config: ClassifyTrainConfig, vocab_size: int, n_classes: int) -> ClassifyTask:
    """The untrained task (initial weights follow the run's seed)."""
    torch.manual_seed(config.trainer.seed)
    return ClassifyTask(Classifier(config.model, config.arch, vocab_size, n_classes))


def with_lm_shape(config: ClassifyTrainConfig, lm: LMEncoder) -> ClassifyTrainConfig:
    """``config`` with the model and sizes of the language model it starts from."""
    arch = replace(
        config.arch, embed=lm.embed, hidden=lm.hidden, layers=lm.layers, bidirectional=False
    )
    return replace(config, model=lm.cell, arch=arch)


def prepare(config: ClassifyTrainConfig, resume: bool) -> Prepared[ClassifyTrainConfig]:
    """Examples, vocabulary (the run's own file), task and encoded splits of a run."""
    labels = labels_of(config.data)
    examples = read_examples(config.data, "train")
    kept = [examples[i] for i in train_subset(examples, labels, config.train_fraction)]
    tokenize = tokenizer(config.tokenizer, language(config.data), lowercase=config.lowercase)
    lm = read_lm_encoder(config.init_lm) if config.init_lm is not None else None
    if lm is not None:
        config = with_lm_shape(config, lm)
    reader = Encoder(tokenize, Vocab([]), labels, config.max_len, config.ngrams)
    if resume:
        vocab = Vocab.load(config.run_dir / VOCAB_FILE)
    elif lm is not None:
        vocab = lm.vocab
    else:
        vocab = Vocab.build(
            (reader.tokens(e.text) for e in kept),
            min_count=config.min_count,
            max_size=config.max_vocab,
        )
    encoder = replace(reader, vocab=vocab)
    train_data = encoder.encode(kept, f"{config.data}:train")
    val_data = encoder.encode(read_examples(config.data, "val"), f"{config.data}:val")
    task = build_task(config, len(vocab), len(labels))
    notes = ""
    if not resume and config.vectors is not None:
        coverage = init_embedding(task.model.embedding, vocab, config.vectors)
        notes = f"; {coverage:.1%} of the vocabulary found in {config.vectors}"
    if not resume and lm is not None:
        lm.load_into(task.model)
        notes = f"; embedding and {lm.cell} encoder from {config.init_lm}"
    if config.freeze:
        task.model.embedding.weight.requires_grad_(False)
    unk = _unknown_rate(train_data, vocab)
    return Prepared(
        config=config,
        task=task,
        train_data=train_data,
        val_data=val_data,
        collate_fn=collate,
        run_config={"labels": list(labels)},
        own_files=lambda run_dir: vocab.save(run_dir / VOCAB_FILE),
        summary=f"{config.model} on {config.data}: {len(train_data)} train / {len(val_data)} "
        f"val texts, {len(labels)} labels, |V| = {len(vocab)} ({unk:.1%} of train tokens "
        f"<unk>), {sum(p.numel() for p in task.parameters())} parameters{notes}",
    )


def _unknown_rate(data: Encoded, vocab: Vocab) -> float:
    total = sum(len(ids) for ids in data.ids)
    return sum(int((ids == vocab.unk_id).sum()) for ids in data.ids) / max(total, 1)


TRAIN: TrainCommand[ClassifyTrainConfig] = TrainCommand(
    command="classify train",
    config=ClassifyTrainConfig,
    prepare=prepare,
    evaluate_with="dlc classify eval",
    best=lambda acc: f"val accuracy {acc:.4f}",
)


def train(config: ClassifyTrainConfig) -> RunResult[ClassifyTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


def load_trained(run_dir: Path, which: Literal["best", "last"] = "best") -> Loaded:
    """A trained run's config, text encoder and task (weights loaded)."""
    config = TRAIN.saved_config(run_dir)
    labels = read_run_config(run_dir).get("labels")
    if not isinstance(labels, list) or not all(isinstance(lb, str) for lb in labels):
        raise CheckpointError(f"{run_dir / 'config.json'} lacks the run's labels; retrain it")
    path = run_dir / VOCAB_FILE
    if not path.is_file():
        raise CheckpointError(f"{path} is missing; was {run_dir} written by `dlc classify train`?")
    vocab = Vocab.load(path)
    tokenize = tokenizer(config.tokenizer, language(config.data), lowercase=config.lowercase)
    task = build_task(config, len(vocab), len(labels))
    load_weights(task, run_dir, which=which)
    task.eval()
    return Loaded(
        config=config,
        encoder=Encoder(tokenize, vocab, tuple(labels), config.max_len, config.ngrams),
        task=task,
    )


def probabilities(loaded: Loaded, data: Encoded) -> torch.Tensor:
    """p(y | x) of every example, (N, classes)."""
    out = []
    for start in range(0, len(data), EVAL_BATCH):
        items = [data[i] for i in range(start, min(start + EVAL_BATCH, len(data)))]
        out.append(loaded.task.probabilities(collate(items)))
    return torch.cat(out) if out else torch.zeros(0, len(loaded.encoder.labels))


# -- eval -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClassifyEvalConfig:
    run_dir: Path = Path("runs/classify")  # a directory written by `dlc classify train`
    split: Literal["test", "val", "train"] = "test"
    data: str | None = None  # another labelled set or file with the run's labels (default: its own)
    which: Literal["best", "last"] = "best"  # weights with the best val accuracy, or the latest


def check_label_set(data: str, run_labels: Sequence[str]) -> None:
    """A registered set must have exactly the run's labels (a file: checked per example)."""
    if data in LABELLED and tuple(LABELLED[data].labels) != tuple(run_labels):
        raise DataError(
            f"the run was trained on labels {', '.join(run_labels)} but {data} has labels "
            f"{', '.join(LABELLED[data].labels)}; evaluate it on data with the run's labels"
        )


def evaluate(config: ClassifyEvalConfig) -> dict[str, Any]:
    """Accuracy and confusion matrix on a split; writes eval.json and confusion.png."""
    loaded = load_trained(config.run_dir, config.which)
    data = config.data or loaded.config.data
    labels = loaded.encoder.labels
    check_label_set(data, labels)
    encoded = loaded.encoder.encode(read_examples(data, config.split), f"{data}:{config.split}")
    predicted = probabilities(loaded, encoded).argmax(-1).numpy()
    cm = confusion_matrix(np.array(encoded.y), predicted, len(labels))
    accuracy = float(np.trace(cm) / max(cm.sum(), 1))
    title = f"{loaded.config.model} on {data}:{config.split}: accuracy {accuracy:.4f}"
    plot_confusion(cm, labels, config.run_dir / "confusion.png", title=title)
    result = {
        "data": data,
        "split": config.split,
        "model": loaded.config.model,
        "which": config.which,
        "accuracy": accuracy,
        "examples": int(cm.sum()),
        "labels": list(labels),
        "confusion": cm.tolist(),
    }
    write_json(config.run_dir / "eval.json", result)
    return result


def eval_command(config: ClassifyEvalConfig) -> int:
    r = evaluate(config)
    print(
        f"{r['data']}:{r['split']} accuracy {r['accuracy']:.4f} ({r['examples']} texts); "
        f"confusion matrix: {config.run_dir / 'confusion.png'}"
    )
    return 0


# -- predict ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClassifyPredictConfig:
    run_dir: Path = Path("runs/classify")  # a directory written by `dlc classify train`
    input: Path | None = None  # a UTF-8 file with one text per line; None or "-": stdin
    which: Literal["best", "last"] = "best"


def read_texts(lines: Iterator[str], where: str) -> list[str]:
    """One text per line; an empty line is one DataError naming it."""
    texts = []
    for line_no, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if not text.strip():
            raise DataError(
                f"{where}, line {line_no} is empty: nothing to classify; give one text per line"
            )
        texts.append(text)
    if not texts:
        raise DataError(f"{where} holds no text; give one text per line")
    return texts


def predict(loaded: Loaded, texts: Sequence[str]) -> list[tuple[str, float]]:
    """The most probable label of each text and its probability."""
    encoded = Encoded([loaded.encoder.ids(t) for t in texts], [0] * len(texts))
    best, index = probabilities(loaded, encoded).max(dim=-1)
    return [(loaded.encoder.labels[int(i)], float(b)) for b, i in zip(best, index, strict=True)]


def predict_command(config: ClassifyPredictConfig) -> int:
    loaded = load_trained(config.run_dir, config.which)  # a bad run dir fails before reading
    if config.input is None or str(config.input) == "-":
        texts = read_texts(iter(sys.stdin), "stdin")
    else:
        if not config.input.is_file():
            raise DataError(f"--input {config.input} does not exist; give a file or - for stdin")
        try:
            with config.input.open(encoding="utf-8") as f:
                texts = read_texts(iter(f), str(config.input))
        except UnicodeDecodeError as err:
            raise DataError(f"{config.input} is not UTF-8 ({err.reason}); re-encode it") from None
    for label, p in predict(loaded, texts):
        print(f"{label}\t{p:.4f}")
    return 0


def gradients_command(config: GradientsConfig) -> int:
    result = run_gradients(config)
    far = result["vanishing"]["ratio_farthest_to_last"]
    shown = "; ".join(
        f"{when}: " + ", ".join(f"{cell} {ratio:.1e}" for cell, ratio in by_cell.items())
        for when, by_cell in far.items()
    )
    clip = "; ".join(
        f"{name}: final loss {run['loss'][-1]:.3f}, max ‖g‖ {max(run['grad_norm']):.1f}"
        + (f", diverged at step {run['diverged_at']}" if run["diverged_at"] else "")
        for name, run in result["clipping"].items()
    )
    print(
        f"‖∂L/∂h_t‖ at distance {config.length - 1} / at the last token — {shown}. "
        f"tanh RNN, SGD lr {config.lr:g}: {clip}. Plots: {', '.join(result['images'])}"
    )
    return 0


COMMANDS: Registry[Command] = Registry("classify command")
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add("eval", Command(config=ClassifyEvalConfig, run=eval_command))
COMMANDS.add("predict", Command(config=ClassifyPredictConfig, run=predict_command))
COMMANDS.add("gradients", Command(config=GradientsConfig, run=gradients_command))
