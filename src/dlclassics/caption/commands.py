"""``dlc caption train | eval | describe``: caption 2×2 Fashion-MNIST scenes, with attention.

    dlc caption train --run-dir runs/cap --model rnn --lang en   # CNN cells + GRU/Bahdanau
    dlc caption eval --run-dir runs/cap                          # unseen combinations: BLEU,
                                                                 # exact match, attention hit
    dlc caption describe runs/cap/examples/test-0.png --run-dir runs/cap

``eval`` writes ``eval_SPLIT.json``, attention maps of a few scenes and the scenes themselves as
56×56 PNGs (``examples/``), which ``describe`` reads back.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import tyro

from dlclassics.caption.grammar import Lang, describe, item_words, text, vocabulary
from dlclassics.caption.heatmap import plot_scene_attention
from dlclassics.caption.metrics import (
    attention_hits,
    bleu,
    error_kind,
    exact_matches,
    item_confusions,
)
from dlclassics.caption.models import MAX_LEN, CaptionModelConfig, build_model, greedy
from dlclassics.caption.scenes import SIDE, SOURCES, SceneSet, SceneSplit, collate
from dlclassics.caption.task import Captioning
from dlclassics.commands import Command
from dlclassics.config import replace
from dlclassics.data.images import load_images
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import write_bytes, write_json
from dlclassics.registry import Registry
from dlclassics.train import TrainerConfig, load_weights
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)
DATA = "fashion-mnist"  # the grammar names Fashion-MNIST's classes


@dataclass(frozen=True, kw_only=True)
class CaptionTrainConfig:
    lang: Lang = "en"  # caption language: en or zh
    run_dir: Path = Path("runs/caption")  # where weights, config.json and metrics.jsonl go
    model: CaptionModelConfig = field(default_factory=CaptionModelConfig)
    train_scenes: int = 50_000  # scenes of one epoch, from the 55,000 train images
    val_scenes: int = 500  # validation scenes (seen combinations, val images)
    images: int | None = None  # use only the first N images of each split (tests, quick runs)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=3000,  # ≈ 4 epochs of 50,000 scenes at batch 64
            batch_size=64,
            lr=2e-3,
            schedule="cosine",
            warmup_steps=100,
            grad_clip=1.0,
            eval_every=500,
            checkpoint_every=500,
            metric="val_exact_match",
            metric_mode="max",
        )
    )

    def __post_init__(self) -> None:
        for name in ("train_scenes", "val_scenes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        if self.images is not None and self.images < 10:
            raise ConfigError(f"images={self.images} must be >= 10 (every class needs one)")


PRESETS: dict[str, CaptionTrainConfig] = {
    "quick": CaptionTrainConfig(  # the tour's seconds-long run: grammar yes, items not yet
        run_dir=Path("runs/caption-quick"),
        train_scenes=8000,
        val_scenes=100,
        trainer=replace(
            CaptionTrainConfig().trainer,
            max_steps=150,
            batch_size=32,
            warmup_steps=20,
            eval_every=150,
            checkpoint_every=150,
        ),
    ),
}


def caption_vocab(lang: Lang) -> Vocab:
    """The grammar's closed vocabulary (the four specials first): a function of the language."""
    return Vocab(vocabulary(lang))


def scene_set(
    split: SceneSplit, size: int, lang: Lang, *, images: int | None = None, seed: int = 0
) -> SceneSet:
    """``size`` scenes of ``split``, built from Fashion-MNIST's images of that split."""
    x, y = load_images(DATA, SOURCES[split][0])
    if images is not None:
        x, y = x[:images], y[:images]
        if len(np.unique(y)) < len(item_words(lang)):
            raise ConfigError(f"images={images}: the first {images} images miss some class")
    return SceneSet(x, y, split=split, size=size, lang=lang, vocab=caption_vocab(lang), seed=seed)


def build(config: CaptionTrainConfig) -> Captioning:
    torch.manual_seed(config.trainer.seed)  # initial weights follow the run's seed
    vocab = caption_vocab(config.lang)
    items = torch.tensor([vocab[item] for item in item_words(config.lang)])  # class order
    return Captioning(build_model(config.model, len(vocab), items), vocab)


def prepare(config: CaptionTrainConfig, resume: bool) -> Prepared[CaptionTrainConfig]:
    task = build(config)
    train = scene_set("train", config.train_scenes, config.lang, images=config.images)
    val = scene_set("val", config.val_scenes, config.lang, images=config.images)
    params = sum(p.numel() for p in task.parameters())
    return Prepared(
        config=config,
        task=task,
        train_data=train,
        val_data=val,
        collate_fn=partial(collate, pad_id=task.vocab.pad_id),
        summary=f"{config.model.model} captioner, {params:,} parameters, {len(task.vocab)} words",
    )


TRAIN: TrainCommand[CaptionTrainConfig] = TrainCommand(
    command="caption train",
    config=CaptionTrainConfig,
    prepare=prepare,
    evaluate_with="dlc caption eval",
)


def train(config: CaptionTrainConfig) -> RunResult[CaptionTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


def load(
    run_dir: Path, which: Literal["best", "last"] = "best"
) -> tuple[CaptionTrainConfig, Captioning]:
    """A trained run's config and task, weights loaded, in eval mode."""
    run = TRAIN.saved_config(run_dir)
    task = build(run)
    load_weights(task, run_dir, which=which)
    return run, task.eval()


@dataclass(frozen=True, kw_only=True)
class CaptionEvalConfig:
    run_dir: Path = Path("runs/caption")  # a directory written by `dlc caption train`
    split: SceneSplit = "test"  # test: unseen combinations; test-seen: training distribution
    scenes: int = 1000  # scenes to caption
    which: Literal["best", "last"] = "best"  # weights with the best validation metric, or latest
    examples: int = 4  # scenes drawn with their attention maps (and saved as PNG for describe)
    batch_size: int = 250  # scenes per forward pass
    max_len: int = MAX_LEN  # longest caption generated, in tokens with <bos> and <eos>

    def __post_init__(self) -> None:
        for name in ("scenes", "batch_size"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        if not 2 <= self.max_len <= MAX_LEN:
            raise ConfigError(f"max_len={self.max_len} must be between 2 and {MAX_LEN}")


def evaluate(config: CaptionEvalConfig) -> dict[str, Any]:
    """BLEU, exact match and attention hit on ``config.scenes`` scenes; writes eval_SPLIT.json."""
    run, task = load(config.run_dir, config.which)
    data = scene_set(config.split, config.scenes, run.lang, images=run.images)
    vocab = task.vocab
    hyps: list[list[str]] = []
    refs: list[list[str]] = []
    hits = items = 0
    rows: list[torch.Tensor] = []
    for start in range(0, len(data), config.batch_size):
        batch = collate(
            [data[i] for i in range(start, min(start + config.batch_size, len(data)))], vocab.pad_id
        )
        h, n = attention_hits(task.teacher_forced_attention(batch), batch[2])
        hits, items = hits + h, items + n
        ids, attention = greedy(
            task.model, batch[0], bos=vocab.bos_id, eos=vocab.eos_id, max_len=config.max_len
        )
        hyps += [vocab.decode(seq) for seq in ids]
        rows += attention
        refs += [describe(data.scene(i).layout, run.lang) for i in range(start, start + len(ids))]
    confusions = item_confusions(hyps, refs, run.lang)
    placed = sum(confusions.values())
    result = {
        "model": run.model.model,
        "lang": run.lang,
        "split": config.split,
        "which": config.which,
        "scenes": len(data),
        "bleu": bleu(hyps, refs),
        "exact_match": exact_matches(hyps, refs) / len(data),
        "attention_hit": hits / max(items, 1),
        "item_words": items,
        # of the reference items whose cell the caption fills, the share named right
        "item_accuracy": sum(n for (a, b), n in confusions.items() if a == b) / max(placed, 1),
        "errors": dict(
            Counter(error_kind(h, r, run.lang) for h, r in zip(hyps, refs, strict=True))
        ),
        "confusions": {  # (true item → item said) mistakes, most frequent first
            f"{a} → {b}": n for (a, b), n in confusions.most_common() if a != b
        },
    }
    examples = config.run_dir / "examples"
    for i in range(min(config.examples, len(data))):
        scene = data.scene(i)
        words = [*hyps[i], "<eos>"][: len(rows[i])]
        plot_scene_attention(
            scene.image,
            words,
            rows[i],
            examples / f"{config.split}-{i}-attention.png",
            title=text(hyps[i], run.lang),
        )
        write_bytes(examples / f"{config.split}-{i}.png", png_bytes(scene.image))
    write_json(config.run_dir / f"eval_{config.split}.json", result)
    return result


def eval_command(config: CaptionEvalConfig) -> int:
    r = evaluate(config)
    print(
        f"{r['model']} ({r['lang']}) on {r['scenes']} {r['split']} scenes: "
        f"BLEU {r['bleu']:.1f}, exact match {r['exact_match']:.3f}, "
        f"attention hit {r['attention_hit']:.3f}, item accuracy {r['item_accuracy']:.3f}; "
        f"details in {config.run_dir / f'eval_{config.split}.json'}"
    )
    return 0


# -- describe one image ---------------------------------------------------------------------


def png_bytes(image: np.ndarray) -> bytes:
    """A uint8 grayscale image as PNG bytes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def read_scene(path: Path) -> np.ndarray:
    """A 56×56 scene image (PNG, JPEG … or .npy) as uint8 (56, 56); one-line errors otherwise."""
    if not path.is_file():
        raise DataError(f"{path} does not exist; pass a 56×56 scene image (PNG)")
    if path.suffix == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise DataError(f"{path} is not a readable .npy array ({error})") from None
    else:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as image:
                array = np.asarray(image.convert("L"))
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise DataError(f"{path} is not a readable image ({error}); pass a PNG") from None
    if array.shape != (SIDE, SIDE):
        shape = "×".join(map(str, array.shape))
        raise ConfigError(
            f"{path} is {shape}; a scene is {SIDE}×{SIDE} grayscale (a 2×2 grid of 28×28 images)"
        )
    if array.dtype != np.uint8:
        array = np.clip(array * (255 if array.max() <= 1 else 1), 0, 255).astype(np.uint8)
    return array


@dataclass(frozen=True, kw_only=True)
class CaptionDescribeConfig:
    image: tyro.conf.Positional[Path]  # a 56×56 grayscale scene (PNG, or .npy)
    run_dir: Path = Path("runs/caption")  # a directory written by `dlc caption train`
    which: Literal["best", "last"] = "best"
    out: Path | None = None  # attention maps PNG (default: IMAGE with -attention.png)
    max_len: int = MAX_LEN  # longest caption generated, in tokens with <bos> and <eos>


def describe_image(config: CaptionDescribeConfig) -> tuple[str, Path]:
    """The caption of one scene image and the path of its attention maps."""
    image = read_scene(config.image)
    run, task = load(config.run_dir, config.which)
    x = torch.from_numpy(image.astype(np.float32) / 255.0)[None, None]  # (1, 1, 56, 56)
    ids, rows = greedy(
        task.model, x, bos=task.vocab.bos_id, eos=task.vocab.eos_id, max_len=config.max_len
    )
    words = task.vocab.decode(ids[0])
    caption = text(words, run.lang)
    out = config.out or config.image.with_name(config.image.stem + "-attention.png")
    plot_scene_attention(image, [*words, "<eos>"][: len(rows[0])], rows[0], out, title=caption)
    return caption, out


def describe_command(config: CaptionDescribeConfig) -> int:
    caption, out = describe_image(config)
    print(caption)
    log.info("attention maps in %s", out)
    return 0


COMMANDS: Registry[Command] = Registry("caption command")
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add("eval", Command(config=CaptionEvalConfig, run=eval_command))
COMMANDS.add("describe", Command(config=CaptionDescribeConfig, run=describe_command))
