"""``dlc ocr render | train | eval | read``: CRNN + CTC text recognition on rendered real text.

dlc ocr render --lang en --split test --count 8 --out-dir lines/   # PNGs + labels.tsv
dlc ocr train --lang en --run-dir runs/ocr-en                     # CRNN + CTC, val CER
dlc ocr train --resume runs/ocr-en                                # continue, bit-exact
dlc ocr eval --run-dir runs/ocr-en --decoder beam+lm              # test CER / WER
dlc ocr read lines/line-0000.png --run-dir runs/ocr-en --plot a.png
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import torch
import tyro

from dlclassics.commands import Command
from dlclassics.config import replace
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import write_json, write_text
from dlclassics.ocr.charset import ENGLISH, Charset, chinese_charset
from dlclassics.ocr.decode import greedy_decode, prefix_beam_search
from dlclassics.ocr.lm import CharLM, train_char_lm
from dlclassics.ocr.metrics import cer, wer
from dlclassics.ocr.model import CRNN, STRIDE, CRNNConfig
from dlclassics.ocr.render import HEIGHT, Condition, Lang, Split, draw, split_lines
from dlclassics.ocr.task import LineImages, OCRTask, collate, ink
from dlclassics.registry import Registry
from dlclassics.train import TrainerConfig, load_weights
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)

Decoder = Literal["greedy", "beam", "beam+lm"]
MAX_CHARS = {"en": 32, "zh": 12}  # longest line: ≈ 260 pixels wide in either language
TEST_LINES = 1000  # lines in every test set (the eval and benchmark sets)
LM_ORDER = {"en": 6, "zh": 3}  # character n-gram order for shallow fusion
LM_CHARS = 4_000_000  # training-text characters the fusion model counts (enough for 6-grams)


@dataclass(frozen=True, kw_only=True)
class OCRTrainConfig:
    lang: Lang = "en"  # en: Brown + State of the Union, DejaVu fonts; zh: People's Daily
    run_dir: Path = Path("runs/ocr")  # weights, config.json, charset.json, metrics.jsonl
    train_lines: int = 40_000  # distinct training lines (each drawn afresh on demand)
    val_lines: int = 400  # validation lines (disjoint text), drawn like training lines
    augment: float = 0.5  # probability a training or validation line is augmented
    charset_size: int = 3500  # zh: most frequent training characters kept (+ digits, punct.)
    model: CRNNConfig = field(default_factory=CRNNConfig)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=1600,  # batches of 32: 51,200 lines, ≈ 1.3 epochs of train_lines
            batch_size=32,
            optimizer="adam",
            lr=1.5e-3,
            schedule="cosine",
            warmup_steps=100,
            grad_clip=5.0,  # CTC gradients spike on the first lines
            eval_every=200,
            checkpoint_every=200,
            log_every=25,
            metric="val_cer",
            metric_mode="min",
        )
    )

    def __post_init__(self) -> None:
        if self.lang not in MAX_CHARS:
            raise ConfigError(f"lang={self.lang!r} must be 'en' or 'zh'")
        if self.train_lines < 1 or self.val_lines < 1:
            raise ConfigError("train_lines and val_lines must be ≥ 1")
        if not 0.0 <= self.augment <= 1.0:
            raise ConfigError(f"augment={self.augment} must be a probability in [0, 1]")


PRESETS: dict[str, OCRTrainConfig] = {
    "quick": OCRTrainConfig(
        run_dir=Path("runs/ocr-quick"),
        train_lines=2000,
        val_lines=64,
        trainer=replace(OCRTrainConfig().trainer, max_steps=60, eval_every=30),
    ),
    # Chinese: 3,000+ classes read from glyphs ≈ 5 frames wide. The last conv width and the
    # LSTM (128 → 192) are widened so that the per-column features feeding the 3,028-way
    # softmax are not narrower than English's (≈ 1.1 CPU-s a step of 32 lines on one
    # thread in a probe, 0.9 s at the English width). The 4,000-step run took 3,911 CPU-s
    # on one thread (≈ 65 CPU-minutes); CTC sits on the all-blank plateau (val CER 1.0)
    # until step ≈ 300, best val CER 1.40 % at step 3,200 (a 2,000-step schedule stopped at
    # 6.05 %). Every training line People's Daily yields (27,234 at most) is used, since a
    # line's image is the same in every epoch. Augment 0.3: the clean condition is the
    # target, augmented lines keep it robust. Results (met / not met): benchmarks/ocr.py.
    "zh": OCRTrainConfig(
        lang="zh",
        run_dir=Path("runs/ocr-zh"),
        train_lines=27_000,
        val_lines=200,
        augment=0.3,
        charset_size=3000,
        model=CRNNConfig(channels=(32, 64, 96, 128, 192), hidden=192),
        trainer=replace(OCRTrainConfig().trainer, max_steps=4000),
    ),
}


def lines_of(run: OCRTrainConfig) -> dict[str, tuple[str, ...]]:
    """The run's train / val / test line texts (test: :data:`TEST_LINES`)."""
    sizes = (run.train_lines, run.val_lines, TEST_LINES)
    return split_lines(run.lang, MAX_CHARS[run.lang], sizes)


def training_text(lang: Lang) -> list[str]:
    """Sentences of the train split (the charset's and the fusion model's source)."""
    from dlclassics.ocr.render import _units

    texts, total = [], 0
    for unit in _units(lang, "train"):
        texts.append(unit)
        total += len(unit)
        if total >= LM_CHARS:
            break
    return texts


def charset_for(run: OCRTrainConfig) -> Charset:
    return ENGLISH if run.lang == "en" else chinese_charset(training_text("zh"), run.charset_size)


def _covered(texts: Sequence[str], charset: Charset, what: str) -> list[str]:
    """The lines ``charset`` can spell; the others are counted and reported, not hidden."""
    kept = [t for t in texts if charset.covers(t)]
    if len(kept) < len(texts):
        unknown = {c for t in texts for c in charset.unknown(t)}
        log.warning(
            "%d of %d %s lines hold %d distinct characters outside the %d-character set; "
            "they are left out of training",
            len(texts) - len(kept),
            len(texts),
            what,
            len(unknown),
            len(charset.chars),
        )
    return kept


def build(run: OCRTrainConfig, charset: Charset) -> OCRTask:
    torch.manual_seed(run.trainer.seed)  # initial weights follow the run's seed
    return OCRTask(CRNN(run.model, charset.size), charset)


def prepare(config: OCRTrainConfig, resume: bool) -> Prepared[OCRTrainConfig]:
    lines = lines_of(config)
    charset = Charset.load(config.run_dir / "charset.json") if resume else charset_for(config)
    seed = config.trainer.seed
    train = _covered(lines["train"], charset, "training")
    val = _covered(lines["val"], charset, "validation")
    task = build(config, charset)
    params = sum(p.numel() for p in task.parameters())
    return Prepared(
        config=config,
        task=task,
        train_data=LineImages(train, config.lang, charset, "train", seed, config.augment),
        val_data=LineImages(val, config.lang, charset, "val", seed, config.augment),
        collate_fn=collate,
        own_files=lambda run_dir: charset.save(run_dir / "charset.json"),
        summary=(
            f"{len(train)} training and {len(val)} validation lines ({config.lang}); "
            f"{len(charset.chars)} characters + blank; CRNN with {params:,} parameters"
        ),
    )


TRAIN: TrainCommand[OCRTrainConfig] = TrainCommand(
    command="ocr train",
    config=OCRTrainConfig,
    prepare=prepare,
    evaluate_with="dlc ocr eval",
    best=lambda m: f"validation CER {100 * m:.2f} %",
)


def train(config: OCRTrainConfig) -> RunResult[OCRTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


# ---------------------------------------------------------------------------- a trained run


@dataclass
class Recogniser:
    """A trained run's CRNN, character set and decoder settings: images in, text out."""

    run: OCRTrainConfig
    task: OCRTask
    run_dir: Path
    lm: CharLM | None = None
    lm_weight: float = 0.0
    insertion_bonus: float = 0.0
    beam: int = 10

    @classmethod
    def load(cls, run_dir: Path, which: Literal["best", "last"] = "best") -> Recogniser:
        run = TRAIN.saved_config(run_dir)
        charset = Charset.load(run_dir / "charset.json")
        task = build(run, charset)
        load_weights(task, run_dir, which=which)
        task.eval()
        return cls(run, task, run_dir)

    @property
    def charset(self) -> Charset:
        return self.task.charset

    def log_probs(self, images: Sequence[np.ndarray], batch: int = 32) -> list[np.ndarray]:
        """(T_n, C) log-probabilities of each (32, W_n) uint8 image."""
        out: list[np.ndarray] = []
        with torch.inference_mode():
            for i in range(0, len(images), batch):
                chunk = images[i : i + batch]
                b = collate([(ink(im), torch.zeros(0, dtype=torch.long)) for im in chunk])
                lp = self.task.model(b.x, b.widths)  # (T, B, C)
                frames = self.task.model.frames(b.widths)
                out.extend(lp[: int(frames[n]), n].numpy() for n in range(len(chunk)))
        return out

    def decode(self, log_probs: np.ndarray, decoder: Decoder) -> str:
        if decoder == "greedy":
            return self.charset.decode(greedy_decode(log_probs))
        fused = decoder == "beam+lm"
        if fused and self.lm is None:
            raise ConfigError("decoder beam+lm needs a character n-gram model")
        best = prefix_beam_search(
            log_probs,
            beam=self.beam,
            lm=self.lm if fused else None,
            lm_weight=self.lm_weight if fused else 0.0,
            insertion_bonus=self.insertion_bonus if fused else 0.0,
        )
        return self.charset.decode(best[0].labels) if best else ""

    def use_lm(self, order: int | None = None) -> CharLM:
        """The run's character n-gram model, trained on its training text once and cached."""
        order = order or LM_ORDER[self.run.lang]
        path = self.run_dir / f"char-{order}gram.arpa"
        if path.is_file():
            self.lm = CharLM.load(path, self.charset)
        else:
            self.lm = CharLM(train_char_lm(training_text(self.run.lang), order), self.charset)
            self.lm.save(path)
        return self.lm

    def tune_fusion(self, log_probs: Sequence[np.ndarray], refs: Sequence[str]) -> dict[str, Any]:
        """λ and β on validation lines: the grid point of lowest CER (ties: smaller λ)."""
        results = []
        for weight in (0.0, 0.3, 0.5, 0.8):
            for bonus in (0.0, 1.0, 2.0, 3.0) if weight else (0.0,):
                self.lm_weight, self.insertion_bonus = weight, bonus
                hyps = [self.decode(lp, "beam+lm" if weight else "beam") for lp in log_probs]
                results.append((cer(refs, hyps), weight, bonus))
                log.info("fusion λ=%.2f β=%.1f: val CER %.4f", weight, bonus, results[-1][0])
        best = min(results)
        self.lm_weight, self.insertion_bonus = best[1], best[2]
        return {"lm_weight": best[1], "insertion_bonus": best[2], "val_cer": best[0]}


def test_images(
    run: OCRTrainConfig, split: Split, condition: Condition, count: int
) -> tuple[list[str], list[np.ndarray]]:
    """The first ``count`` lines of ``split`` and their images in ``condition``."""
    texts = list(lines_of(run)[split][:count])
    seed = run.trainer.seed
    return texts, [draw(t, run.lang, condition, seed, split, i) for i, t in enumerate(texts)]


# --------------------------------------------------------------------------------- eval


@dataclass(frozen=True, kw_only=True)
class OCREvalConfig:
    run_dir: Path = Path("runs/ocr")  # a directory written by `dlc ocr train`
    split: Split = "test"
    condition: Condition = "clean"  # clean: black on white; augmented: noise, blur, skew …
    decoder: Decoder = "greedy"  # greedy = best path; beam = prefix beam; beam+lm = fused
    lines: int = TEST_LINES  # the first N lines of the split
    beam: int = 10  # prefix beam width
    lm_order: int | None = None  # character n-gram order (None: 6 for en, 3 for zh)
    lm_weight: float | None = None  # λ of shallow fusion; None = tune λ, β on val lines
    insertion_bonus: float = 0.0  # β per character (used when lm_weight is given)
    tune_lines: int = 200  # validation lines for tuning λ and β
    which: Literal["best", "last"] = "best"


def evaluate(config: OCREvalConfig) -> dict[str, Any]:
    """CER / WER and lines per second of a trained run; writes eval-<condition>-<decoder>.json."""
    rec = Recogniser.load(config.run_dir, config.which)
    rec.beam = config.beam
    tuned: dict[str, Any] = {}
    if config.decoder == "beam+lm":
        rec.use_lm(config.lm_order)
        if config.lm_weight is None:
            refs, images = test_images(rec.run, "val", config.condition, config.tune_lines)
            tuned = rec.tune_fusion(rec.log_probs(images), refs)
        else:
            rec.lm_weight, rec.insertion_bonus = config.lm_weight, config.insertion_bonus
    refs, images = test_images(rec.run, config.split, config.condition, config.lines)
    start = time.perf_counter()
    hyps = [rec.decode(lp, config.decoder) for lp in rec.log_probs(images)]
    seconds = time.perf_counter() - start
    unknown = sorted({c for r in refs for c in rec.charset.unknown(r)})
    result = {
        "lang": rec.run.lang,
        "split": config.split,
        "condition": config.condition,
        "decoder": config.decoder,
        "lines": len(refs),
        "cer": cer(refs, hyps),
        "wer": wer(refs, hyps),
        "lines_per_sec": len(refs) / seconds,
        "threads": torch.get_num_threads(),
        "unknown_chars": len(unknown),  # distinct reference characters outside the set
        "lines_with_unknown": sum(not rec.charset.covers(r) for r in refs),
        **({"fusion": tuned} if tuned else {}),
        **(
            {"lm_weight": rec.lm_weight, "insertion_bonus": rec.insertion_bonus}
            if config.decoder == "beam+lm"
            else {}
        ),
        "examples": [{"ref": r, "hyp": h} for r, h in list(zip(refs, hyps, strict=True))[:10]],
    }
    write_json(config.run_dir / f"eval-{config.condition}-{config.decoder}.json", result)
    return result


def eval_command(config: OCREvalConfig) -> int:
    r = evaluate(config)
    print(
        f"{r['lang']} {r['split']} {r['condition']} {r['decoder']}: CER {100 * r['cer']:.2f} %, "
        f"WER {100 * r['wer']:.2f} % on {r['lines']} lines ({r['lines_per_sec']:.0f} lines/s)"
        + (
            f"; {r['lines_with_unknown']} lines hold {r['unknown_chars']} characters outside "
            "the set"
            if r["unknown_chars"]
            else ""
        )
    )
    return 0


# --------------------------------------------------------------------------------- read


def load_line(path: Path) -> np.ndarray:
    """(32, W) uint8 grey image of a text line from any image file Pillow reads."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            grey = image.convert("L")
    except FileNotFoundError:
        raise DataError(f"{path}: no such image file") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DataError(f"{path} is not a readable image ({error})") from None
    w, h = grey.size
    if w < h * 1.5 or w < STRIDE * 2:
        raise DataError(
            f"{path} is {w}×{h} pixels: not a text line (expect one line of text, "
            "at least 1.5 times as wide as it is tall)"
        )
    if h != HEIGHT:
        grey = grey.resize((max(round(w * HEIGHT / h), STRIDE), HEIGHT), Image.Resampling.BILINEAR)
    return np.asarray(grey, dtype=np.uint8)


def alignment(log_probs: np.ndarray, charset: Charset) -> list[tuple[int, int, str]]:
    """(first frame, last frame, character) of each character the best path emits."""
    path = log_probs.argmax(-1)
    spans: list[tuple[int, int, str]] = []
    for t, k in enumerate(path.tolist()):
        if k == 0:
            continue
        if spans and t > 0 and path[t - 1] == k and spans[-1][1] == t - 1:
            spans[-1] = (spans[-1][0], t, spans[-1][2])
        else:
            spans.append((t, t, charset.decode([k])))
    return spans


def plot_alignment(image: np.ndarray, log_probs: np.ndarray, charset: Charset, out: Path) -> Path:
    """The line, and under it which columns emit which character (blank frames grey)."""
    from dlclassics.train.curves import pyplot, save_figure

    plt = pyplot()
    plt.rcParams["font.sans-serif"] = ["DejaVu Sans", "WenQuanYi Micro Hei"]
    T = log_probs.shape[0]
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(max(4.0, image.shape[1] / 40), 2.6), height_ratios=(1, 1.2), sharex=True
    )
    top.imshow(
        image, cmap="gray", vmin=0, vmax=255, aspect="auto", extent=(0, T * STRIDE, HEIGHT, 0)
    )
    top.set_yticks([])
    blank = np.exp(log_probs[:, 0])
    bottom.bar(
        np.arange(T) * STRIDE + STRIDE / 2, blank, width=STRIDE, color="0.85", label="p(blank)"
    )
    for i, (a, b, c) in enumerate(alignment(log_probs, charset)):
        x0, x1 = a * STRIDE, (b + 1) * STRIDE
        color = f"C{i % 10}"
        for ax in (top, bottom):
            ax.axvspan(x0, x1, color=color, alpha=0.25)
        label = "␣" if c == " " else c
        bottom.text(
            (x0 + x1) / 2, 0.5, label, ha="center", va="center", fontsize=9, family=_family(c)
        )
    bottom.set_ylim(0, 1)
    bottom.set_xlabel(f"image column (one frame = {STRIDE} columns)")
    bottom.set_yticks([0, 1])
    return save_figure(fig, out)


def _family(c: str) -> str:
    return "WenQuanYi Micro Hei" if "\u4e00" <= c <= "\u9fff" else "DejaVu Sans"


@dataclass(frozen=True, kw_only=True)
class OCRReadConfig:
    images: Annotated[tuple[Path, ...], tyro.conf.Positional]  # line images (PNG, JPEG, …)
    run_dir: Path = Path("runs/ocr")  # a directory written by `dlc ocr train`
    decoder: Literal["greedy", "beam"] = "greedy"
    plot: Path | None = None  # write the per-column alignment here (IMAGE-k.png for several)


def read_command(config: OCRReadConfig) -> int:
    if not config.images:
        raise ConfigError("give at least one image file: dlc ocr read LINE.png --run-dir RUN")
    lines = [load_line(p) for p in config.images]  # every file checked before the model loads
    rec = Recogniser.load(config.run_dir)
    for k, (path, image, lp) in enumerate(
        zip(config.images, lines, rec.log_probs(lines), strict=True)
    ):
        print(f"{path}\t{rec.decode(lp, config.decoder)}")
        if config.plot is not None:
            out = (
                config.plot if len(lines) == 1 else config.plot.with_stem(f"{config.plot.stem}-{k}")
            )
            plot_alignment(image, lp, rec.charset, out)
    return 0


# ------------------------------------------------------------------------------- render


@dataclass(frozen=True, kw_only=True)
class OCRRenderConfig:
    lang: Lang = "en"
    split: Split = "test"
    condition: Condition = "clean"
    count: int = 8  # lines to draw (the first of the split)
    out_dir: Path = Path("ocr-lines")  # line-0000.png … and labels.tsv (file, text)
    train_lines: int = OCRTrainConfig().train_lines  # the split's lines depend on these
    val_lines: int = OCRTrainConfig().val_lines
    seed: int = 0


def render_command(config: OCRRenderConfig) -> int:
    from PIL import Image

    run = OCRTrainConfig(
        lang=config.lang,
        train_lines=config.train_lines,
        val_lines=config.val_lines,
        trainer=replace(OCRTrainConfig().trainer, seed=config.seed),
    )
    texts, images = test_images(run, config.split, config.condition, config.count)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (text, image) in enumerate(zip(texts, images, strict=True)):
        name = f"line-{i:04d}.png"
        Image.fromarray(image).save(config.out_dir / name)
        rows.append(f"{name}\t{text}\n")
    write_text(config.out_dir / "labels.tsv", "".join(rows))
    print(
        f"{len(rows)} {config.lang} {config.split} lines ({config.condition}) in {config.out_dir}"
    )
    return 0


COMMANDS: Registry[Command] = Registry("ocr command")
COMMANDS.add("render", Command(config=OCRRenderConfig, run=render_command))
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add("eval", Command(config=OCREvalConfig, run=eval_command))
COMMANDS.add("read", Command(config=OCRReadConfig, run=read_command))
