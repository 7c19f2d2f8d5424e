"""``dlc lm train | eval | sample``: the neural language models, through the one trainer.

    dlc lm train --model lstm --data brown --run-dir runs/lstm            # word level
    dlc lm train --model transformer --data tang-poems --level char --run-dir runs/tang
    dlc lm train --model lstm --data brown --run-dir runs/lstm --cpu-budget 480
    dlc lm train --resume runs/lstm --max-steps 8000                      # continue, exact
    dlc lm eval --run-dir runs/lstm [--split test]                        # perplexity
    dlc lm sample --run-dir runs/lstm --prompt "The jury said" --top-p 0.9 --seed 1

``--data`` is ``brown``, ``sotu``, ``peoples-daily``, ``tang-poems`` or a UTF-8 text file with
one sentence per line (see :mod:`dlclassics.lm.data` for splits, vocabulary and the
perplexity convention, which is the n-gram models'). The run directory holds what the
trainer writes plus ``vocab.json``.

``--cpu-budget SECONDS`` fixes the training cost instead of the step count: before training,
a copy of the model takes a few timed steps and ``--max-steps`` becomes
``budget / (process CPU seconds per step)`` (evaluations are not counted); the schedule then
decays over exactly that many steps. The derived step count is saved, so ``--resume`` continues
the same run.

Prompts. Word level: the prompt is split on whitespace; character level: each character is a
token. A token outside the vocabulary is an error naming it, unless ``--allow-unk`` maps it
to ``<unk>``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

from dlclassics.commands import Command
from dlclassics.config import replace
from dlclassics.data.vocab import Vocab
from dlclassics.errors import CheckpointError, ConfigError, DataError
from dlclassics.io import write_json
from dlclassics.lm.data import Level, LMCorpus, Split, StreamWindows, load_corpus
from dlclassics.lm.evaluate import StreamScore, token_log_probs
from dlclassics.lm.models import LanguageModel, LMModelConfig, build_model
from dlclassics.lm.sample import generate
from dlclassics.lm.task import LMTask, seconds_per_step
from dlclassics.registry import Registry
from dlclassics.train import TrainerConfig, load_weights
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)

ModelName = Literal["maxent", "nnlm", "rnn", "lstm", "gru", "rnnme", "transformer"]
VOCAB_FILE = "vocab.json"
CALIBRATION_BATCHES = 4  # timed steps per pass of the --cpu-budget calibration


@dataclass(frozen=True, kw_only=True)
class LMTrainConfig:
    model: ModelName = "lstm"  # the rung of the ladder
    data: str = "brown"  # brown, sotu, peoples-daily, tang-poems, or a text file
    level: Level = "word"  # tokens: words or characters
    min_count: int | None = None  # vocabulary: least train count (None: 4 words, 1 chars)
    run_dir: Path = Path("runs/lm")  # where weights, config.json, vocab.json go
    cpu_budget: float | None = None  # process CPU seconds of training; sets max_steps
    arch: LMModelConfig = field(default_factory=LMModelConfig)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=2000,
            batch_size=32,  # windows per step (32 × bptt 32 = 1024 tokens)
            optimizer="adam",
            lr=2e-3,  # Adam; 1e-3 is slower to converge within a short budget
            schedule="cosine",
            warmup_steps=50,
            grad_clip=1.0,  # RNN gradients explode without it (Pascanu et al. 2013)
            eval_every=500,
            checkpoint_every=500,
            metric="val_loss",  # nats per token; perplexity = exp(val_loss)
        )
    )


@dataclass(frozen=True, kw_only=True)
class LMEvalConfig:
    run_dir: Path = Path("runs/lm")  # a directory written by `dlc lm train`
    split: Literal["test", "val", "train"] = "test"
    which: Literal["best", "last"] = "best"  # weights with the best val loss, or the latest


@dataclass(frozen=True, kw_only=True)
class LMSampleConfig:
    run_dir: Path = Path("runs/lm")  # a directory written by `dlc lm train`
    prompt: str = ""  # text to continue (words or characters); "" = a new sentence
    max_new_tokens: int = 50  # most tokens generated (stops early at </s> when --stop)
    temperature: float = 1.0  # 0 = greedy (argmax)
    top_k: int | None = None  # keep the k most probable tokens
    top_p: float | None = None  # keep the smallest set of tokens with this much mass
    seed: int = 0  # the sampling generator's seed: same seed, same text
    stop: bool = True  # stop at the end of the sentence (</s>)
    allow_unk: bool = False  # map prompt tokens outside the vocabulary to <unk>
    which: Literal["best", "last"] = "best"


# -- building ---------------------------------------------------------------------------------


def warmup_of(config: LMTrainConfig, model: LanguageModel) -> int:
    return model.default_warmup if config.arch.warmup is None else config.arch.warmup


def build_task(config: LMTrainConfig, vocab_size: int) -> LMTask:
    """The untrained task for ``config`` (initial weights follow the run's seed)."""
    torch.manual_seed(config.trainer.seed)
    model = build_model(config.model, config.arch, vocab_size)
    return LMTask(model, warmup_of(config, model))


def eval_window(model: LanguageModel) -> int:
    """Tokens per evaluation window: 128, or half a Transformer's context."""
    context = getattr(model, "context", None)
    return 128 if context is None else max(1, context // 2)


def eval_warmup(task: LMTask) -> int:
    context = getattr(task.model, "context", None)
    return task.warmup if context is None else max(task.warmup, context // 2)


def saved_vocab(run_dir: Path) -> Vocab:
    path = run_dir / VOCAB_FILE
    if not path.is_file():
        raise CheckpointError(f"{path} is missing; was {run_dir} written by `dlc lm train`?")
    return Vocab.load(path)


def load_trained(
    run_dir: Path, which: Literal["best", "last"] = "best"
) -> tuple[LMTrainConfig, Vocab, LMTask]:
    """A trained run's config, vocabulary and task (weights loaded)."""
    config = TRAIN.saved_config(run_dir)
    vocab = saved_vocab(run_dir)
    task = build_task(config, len(vocab))
    load_weights(task, run_dir, which=which)
    return config, vocab, task


# -- train ------------------------------------------------------------------------------------


def calibrated(config: LMTrainConfig, task: LMTask, train: StreamWindows) -> LMTrainConfig:
    """``config`` with max_steps = cpu_budget / measured CPU seconds per step."""
    assert config.cpu_budget is not None
    if config.cpu_budget <= 0:
        raise ConfigError(f"cpu_budget={config.cpu_budget} must be > 0 seconds")
    B = config.trainer.batch_size
    batches = []
    for b in range(CALIBRATION_BATCHES):
        items = [train[(b * B + i) % len(train)] for i in range(B)]
        batches.append((torch.stack([x for x, _ in items]), torch.stack([y for _, y in items])))
    per_step = seconds_per_step(task, batches, lr=config.trainer.lr)
    steps = max(1, int(config.cpu_budget / per_step))
    log.info(
        "cpu budget %.0f s / %.3f s per step -> max_steps %d", config.cpu_budget, per_step, steps
    )
    trainer = replace(
        config.trainer,
        max_steps=steps,
        eval_every=min(config.trainer.eval_every, steps),
        checkpoint_every=min(config.trainer.checkpoint_every, steps),
        warmup_steps=min(config.trainer.warmup_steps, steps // 10),
    )
    return replace(config, trainer=trainer)


def prepare(config: LMTrainConfig, resume: bool) -> Prepared[LMTrainConfig]:
    """Corpus, vocabulary (the run's own file), task and BPTT windows of a run."""
    splits: tuple[Split, ...] = ("train", "val")
    if resume:
        vocab = saved_vocab(config.run_dir)
        corpus = load_corpus(config.data, config.level, vocab=vocab, splits=splits)
    else:
        corpus = load_corpus(config.data, config.level, min_count=config.min_count, splits=splits)
    task = build_task(config, len(corpus.vocab))
    T, W = config.arch.bptt, task.warmup
    train_data = StreamWindows(corpus.streams["train"], T, W, pad_id=corpus.vocab.eos_id)
    val_data = StreamWindows(corpus.streams["val"], T, W, pad_id=corpus.vocab.eos_id)
    if config.cpu_budget is not None and not resume:
        config = calibrated(config, task, train_data)
    return Prepared(
        config=config,
        task=task,
        train_data=train_data,
        val_data=val_data,
        own_files=lambda run_dir: corpus.vocab.save(run_dir / VOCAB_FILE),
        summary=f"{config.model} on {config.data} ({config.level} level): "
        f"|V| = {len(corpus.vocab)}, {corpus.scored_tokens('train')} train tokens, "
        f"{sum(p.numel() for p in task.parameters())} parameters",
    )


TRAIN: TrainCommand[LMTrainConfig] = TrainCommand(
    command="lm train",
    config=LMTrainConfig,
    prepare=prepare,
    evaluate_with="dlc lm eval",
    best=lambda val_loss: f"val perplexity {math.exp(val_loss):.2f} (windows)",
)


def train(config: LMTrainConfig) -> RunResult[LMTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


# -- eval -------------------------------------------------------------------------------------


def evaluate(config: LMEvalConfig) -> dict[str, Any]:
    """Perplexity (and bits per token) of a trained run on a whole split; writes eval.json."""
    run, vocab, task = load_trained(config.run_dir, config.which)
    corpus: LMCorpus = load_corpus(run.data, run.level, vocab=vocab, splits=(config.split,))
    stream = corpus.streams[config.split]
    if len(stream) < 2:
        raise DataError(f"{run.data}:{config.split} has no tokens to score")
    log_probs = token_log_probs(
        task.model,
        stream,
        window=eval_window(task.model),
        warmup=eval_warmup(task),
        pad_id=vocab.eos_id,
    )
    score = StreamScore.of(log_probs)
    result = {
        "model": run.model,
        "data": f"{run.data}:{config.split}",
        "level": run.level,
        "which": config.which,
        "tokens": score.tokens,
        "perplexity": score.perplexity,
        "bits_per_token": score.bits_per_token,
        "params": sum(p.numel() for p in task.parameters()),
    }
    write_json(config.run_dir / f"eval_{config.split}.json", result)
    return result


def eval_command(config: LMEvalConfig) -> int:
    r = evaluate(config)
    line = (
        f"{r['model']} on {r['data']}: perplexity {r['perplexity']:.2f} over {r['tokens']} tokens"
    )
    if r["level"] == "char":
        line += f", {r['bits_per_token']:.3f} bits per character"
    print(line)
    return 0


# -- sample -----------------------------------------------------------------------------------


def prompt_ids(prompt: str, vocab: Vocab, level: Level, *, allow_unk: bool) -> list[int]:
    """``</s>`` then the prompt's ids (module doc: unknown tokens are an error or ``<unk>``)."""
    tokens = prompt.split() if level == "word" else list(prompt)
    unknown = [t for t in tokens if t not in vocab.stoi]
    if unknown and not allow_unk:
        raise DataError(
            f"prompt token(s) {unknown[:5]} not in the model's vocabulary of {len(vocab)}; "
            "rephrase, or pass --allow-unk to read them as <unk>"
        )
    return [vocab.eos_id, *(vocab[t] for t in tokens)]


def render(ids: list[int], vocab: Vocab, level: Level) -> str:
    """Tokens as text: ``</s>`` becomes a line break."""
    parts = ["\n" if i == vocab.eos_id else vocab.itos[i] for i in ids]
    if level == "char":
        return "".join(parts)
    return " ".join(parts).replace(" \n ", "\n").replace(" \n", "\n").replace("\n ", "\n")


def sample(config: LMSampleConfig) -> str:
    run, vocab, task = load_trained(config.run_dir, config.which)
    ids = prompt_ids(config.prompt, vocab, run.level, allow_unk=config.allow_unk)
    generator = torch.Generator().manual_seed(config.seed)
    new = generate(
        task.model,
        ids,
        max_new_tokens=config.max_new_tokens,
        generator=generator,
        temperature=config.temperature,
        top_k=config.top_k,
        top_p=config.top_p,
        stop_id=vocab.eos_id if config.stop else None,
        banned=(vocab.pad_id, vocab.bos_id),
    )
    return render(ids[1:] + new, vocab, run.level).rstrip("\n")


def sample_command(config: LMSampleConfig) -> int:
    print(sample(config))
    return 0


COMMANDS: Registry[Command] = Registry("lm command")
COMMANDS.add("train", TRAIN.cli())
COMMANDS.add("eval", Command(config=LMEvalConfig, run=eval_command))
COMMANDS.add("sample", Command(config=LMSampleConfig, run=sample_command))
