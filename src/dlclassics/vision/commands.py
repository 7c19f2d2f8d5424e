"""``dlc vision``: train, evaluate and look inside the CNNs of notes 003/004, on real images.

dlc vision train --model lenet --run-dir runs/lenet    # Fashion-MNIST: 0.910 test, 199 s (1 thread)
dlc vision train --preset resnet                       # ResNet-20, 11 epochs: 0.937
dlc vision train --model vgg --preset full             # 30 epochs, random crops and flips
dlc vision train --resume runs/lenet --max-steps 8600  # continue, bit-exact
dlc vision eval --run-dir runs/lenet                   # test accuracy + confusion PNG
dlc vision filters --run-dir runs/lenet                # first-layer filters + feature maps PNGs
dlc vision filters                                     # hand-made edge filters on real images
dlc vision receptive-field --model resnet              # receptive field of every layer
dlc vision receptive-field                             # 3×3 stacks vs one big kernel, weights
dlc vision transfer --source fashion-mnist --target mnist --labels 100 1000

Models come from :data:`dlclassics.vision.models.MODELS`; training goes through the one
:class:`~dlclassics.train.Trainer` with the :class:`~dlclassics.tasks.Classification` task
(pixels normalised by the training split's μ and σ), and with ``--augment`` through
:mod:`.augment` on training batches. Every model shares one default recipe (AdamW, cosine
schedule, 15 epochs); ``--preset resnet`` is He et al.'s SGD recipe for ResNet-20. On one CPU
thread a LeNet epoch takes about 15 s, a ResNet-20 epoch about 140 s.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from torch.utils.data import TensorDataset

from dlclassics.commands import Command
from dlclassics.config import from_dict, replace, to_dict
from dlclassics.data import load_images
from dlclassics.data.images import ImageData
from dlclassics.data.tensors import CLASS_NAMES, image_dataset
from dlclassics.errors import CheckpointError, ConfigError, DataError
from dlclassics.registry import Registry
from dlclassics.report.plots import plot_curves
from dlclassics.tasks import Classification, eval_summary, evaluate_classifier
from dlclassics.train import Trainer, TrainerConfig, distributed, load_weights, read_run_config
from dlclassics.vision.augment import Augment, AugmentConfig
from dlclassics.vision.filters import edge_picture
from dlclassics.vision.models import MODELS, ModelName, Net, build_model, count_parameters
from dlclassics.vision.receptive_field import LayerSpec, receptive_fields, small_kernels_table
from dlclassics.vision.transfer import TransferConfig, run_transfer
from dlclassics.vision.viz import feature_maps, plot_feature_maps, plot_filters

log = logging.getLogger(__name__)

# steps per epoch of Fashion-MNIST's 55,000 training images at batch 128 (the step counts below
# are fixed: on the 8,002-image `mnist` split they are 6.9× as many epochs)
EPOCH = 430


@dataclass(frozen=True, kw_only=True)
class VisionTrainConfig:
    model: ModelName = "lenet"  # architecture: lenet, vgg, inception or resnet
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/vision")  # where weights, config.json and metrics.jsonl go
    resume: Path | None = None  # continue the run saved in this directory
    augmentation: AugmentConfig = field(default_factory=AugmentConfig)  # --augment to turn on
    label_smoothing: float = 0.0  # ε of the training targets (1 − ε)·one_hot + ε/K; 0 = off
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=15 * EPOCH,  # 15 epochs
            batch_size=128,
            optimizer="adamw",
            lr=2e-3,  # AdamW peak lr, after warmup
            weight_decay=0.01,  # λ, decoupled: w ← w − η·λ·w each step (torch's AdamW default)
            schedule="cosine",
            warmup_steps=EPOCH // 2,  # half an epoch: BN statistics settle before the peak lr
            eval_every=EPOCH,  # once per epoch
            checkpoint_every=EPOCH,
            metric="val_acc",
            metric_mode="max",
        )
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ConfigError(
                f"label_smoothing={self.label_smoothing} must be in [0, 1); 0.1 is usual"
            )


PRESETS: dict[str, VisionTrainConfig] = {
    "quick": VisionTrainConfig(  # the tour's LeNet step: about a minute on 2 cores
        run_dir=Path("runs/vision-quick"),
        trainer=replace(
            VisionTrainConfig().trainer,
            max_steps=3 * EPOCH,  # 0.880 test accuracy (seed 0)
            warmup_steps=0,
        ),
    ),
    # He et al.'s CIFAR recipe (SGD + Nesterov momentum 0.9, lr 0.1, weight decay 5e-4), cosine,
    # label smoothing 0.1, cut to a 30-minute budget: 11 epochs of ResNet-20 at
    # ~140 s each on one CPU thread
    "resnet": VisionTrainConfig(
        model="resnet",
        run_dir=Path("runs/resnet"),
        label_smoothing=0.1,
        trainer=replace(
            VisionTrainConfig().trainer,
            max_steps=11 * EPOCH,
            optimizer="sgd",
            lr=0.1,
            momentum=0.9,
            nesterov=True,
            weight_decay=5e-4,  # coupled L2, as in the paper
        ),
    ),
    "full": VisionTrainConfig(  # twice as long, with crops and flips
        run_dir=Path("runs/vision-full"),
        augmentation=AugmentConfig(augment=True),
        trainer=replace(VisionTrainConfig().trainer, max_steps=30 * EPOCH),  # 30 epochs
    ),
}


def build(
    config: VisionTrainConfig, arch: Any = None, train: TensorDataset | None = None
) -> Classification:
    """The task (CNN + input normalisation + augmentation) for ``config``.

    ``arch`` is the model's config (default: the registered defaults). With ``train`` given,
    μ and σ come from its images; without it they are placeholders that :func:`load_weights`
    overwrites (they are buffers saved with the weights).
    """
    torch.manual_seed(config.trainer.seed)  # initial weights follow the run's seed
    model = build_model(config.model, arch, n_classes=len(CLASS_NAMES[config.data]))
    # NHWC weights make the CPU (oneDNN) convolutions ~1.3× faster on these small channel
    # counts (measured on ResNet-20, one thread); the values computed are the same
    model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    augment = Augment.for_data(config.augmentation, config.data, seed=config.trainer.seed)
    if train is None:
        return Classification(model, augment=augment, label_smoothing=config.label_smoothing)
    x = train.tensors[0]
    return Classification(
        model,
        mean=x.mean().item(),
        std=x.std().item(),
        augment=augment,
        label_smoothing=config.label_smoothing,
    )


def saved_run(run_dir: Path) -> tuple[VisionTrainConfig, Any]:
    """The config and model config a run directory was trained with."""
    data = read_run_config(run_dir)
    try:
        config = from_dict(VisionTrainConfig, data["run"])
        arch = from_dict(MODELS[config.model].config, data["arch"])
    except (KeyError, TypeError) as error:
        raise CheckpointError(
            f"{run_dir / 'config.json'} is not a vision run config ({error}); "
            "pass the directory given to `dlc vision train --run-dir`"
        ) from None
    return config, arch


def resume_config(run_dir: Path) -> VisionTrainConfig:
    """The saved config, continuing in ``run_dir`` to its max_steps (a pause is one-off)."""
    saved, _ = saved_run(run_dir)
    trainer = replace(saved.trainer, stop_after=None)
    return replace(saved, run_dir=run_dir, resume=run_dir, trainer=trainer)


def train(config: VisionTrainConfig) -> int:
    run_dir = config.resume or config.run_dir
    arch = saved_run(run_dir)[1] if config.resume is not None else MODELS[config.model].config()
    log.info("config: %s", json.dumps(to_dict(config), default=str))
    train_data = image_dataset(config.data, "train", channel_axis=True)
    task = build(config, arch, train_data)
    log.info(
        "%s: %d parameters; augmentation: %s", config.model, count_parameters(task), task.augment
    )
    trainer = Trainer(
        task,
        config.trainer,
        run_dir,
        train_data=train_data,
        val_data=image_dataset(config.data, "val", channel_axis=True),
        run_config={"command": "vision train", "run": to_dict(config), "arch": to_dict(arch)},
    )
    result = trainer.fit(resume=config.resume is not None)
    distributed.shutdown()  # no-op outside torchrun
    if trainer.is_main:
        plot_curves(run_dir / "metrics.jsonl", run_dir / "curves.png")
        print(
            f"best {config.trainer.metric} {result.best_metric:.4f} at step {result.best_step}; "
            f"weights in {run_dir}; next: dlc vision eval --run-dir {run_dir}"
        )
    return 0


def load_run(
    run_dir: Path, which: Literal["best", "last"] = "best"
) -> tuple[Classification, VisionTrainConfig]:
    """A trained run's task with its weights loaded, and its config."""
    config, arch = saved_run(run_dir)
    task = build(config, arch)
    load_weights(task, run_dir, which=which)
    task.eval()
    return task, config


@dataclass(frozen=True, kw_only=True)
class VisionEvalConfig:
    run_dir: Path = Path("runs/vision")  # a directory written by `dlc vision train`
    split: Literal["test", "val"] = "test"
    which: Literal["best", "last"] = "best"  # weights with the best validation metric, or latest


def evaluate(config: VisionEvalConfig) -> dict[str, Any]:
    """Accuracy of a trained run on a split; writes eval.json and confusion.png."""
    task, run = load_run(config.run_dir, config.which)
    x, y = image_dataset(run.data, config.split, channel_axis=True).tensors
    return evaluate_classifier(
        task,
        x,
        y,
        CLASS_NAMES[run.data],
        config.run_dir,
        split=config.split,
        title=f"{run.model} on {run.data} {config.split}",
        extra={"model": run.model, "parameters": count_parameters(task.model)},
    )


def eval_command(config: VisionEvalConfig) -> int:
    print(eval_summary(evaluate(config), config.run_dir))
    return 0


# -- filters -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VisionFiltersConfig:
    # a `dlc vision train` run: draw its first-layer filters and one image's feature maps;
    # without one: the hand-made edge filters (note 003) on real images of --data
    run_dir: Path | None = None
    data: ImageData | None = None  # images (default: the run's data set, else fashion-mnist)
    index: int = 0  # which test image to draw feature maps / edges for (the first of 6)
    image: Path | None = None  # your own grey image instead (.npy (H, W) or .png)
    out: Path | None = None  # where the PNGs go (default: the run dir, else runs/vision-filters)
    which: Literal["best", "last"] = "best"  # which weights of the run


def read_image(path: Path) -> torch.Tensor:
    """A grey image from .npy ((H, W) or (C, H, W); uint8 or [0, 1]) or .png, as (C, H, W)."""
    if not path.is_file():
        raise DataError(f"image file {path} does not exist")
    if path.suffix == ".npy":
        array = np.load(path, allow_pickle=False)
    elif path.suffix == ".png":
        import matplotlib.image

        array = np.asarray(matplotlib.image.imread(path))  # (H, W) or (H, W, C), [0, 1]
        array = array if array.ndim == 2 else np.moveaxis(array, -1, 0)  # → (C, H, W)
    else:
        raise ConfigError(f"{path}: unknown image format {path.suffix!r}; use .npy or .png")
    if array.ndim not in (2, 3):
        raise ConfigError(f"{path} holds an array of shape {array.shape}; need (H, W) or (C, H, W)")
    scale = 255.0 if np.issubdtype(array.dtype, np.integer) else 1.0
    x = torch.from_numpy(np.asarray(array, dtype=np.float32) / scale)
    return x if x.ndim == 3 else x[None]  # (C, H, W)


def filters(config: VisionFiltersConfig) -> list[Path]:
    """Write the PNGs (see :class:`VisionFiltersConfig`); return their paths."""
    if config.run_dir is None:
        out = config.out or Path("runs/vision-filters")
        data = config.data or "fashion-mnist"
        images = load_images(data, "test")[0][config.index : config.index + 6]
        if config.image is not None:
            images = (read_image(config.image).mean(dim=0).numpy() * 255).astype(np.uint8)[None]
        return [edge_picture(images, out / "edges.png")]
    task, run = load_run(config.run_dir, config.which)
    net = task.model
    assert isinstance(net, Net)
    out = config.out or config.run_dir
    if config.image is not None:
        image = read_image(config.image)
        net.check_input(image[None])  # one clear error for a wrong size or channel count
    else:
        x = image_dataset(config.data or run.data, "test", channel_axis=True).tensors[0]
        if not 0 <= config.index < len(x):
            raise ConfigError(f"index={config.index} is outside the {len(x)} test images")
        image = x[config.index]  # (1, H, W)
    conv = net.first_conv()
    maps = feature_maps(task, image, conv)  # (C_out, H', W')
    return [
        plot_filters(conv.weight, out / "filters.png", title=f"{run.model}: first-layer filters"),
        plot_feature_maps(
            image, maps, out / "feature_maps.png", title=f"{run.model}: first conv layer's maps"
        ),
    ]


def filters_command(config: VisionFiltersConfig) -> int:
    for path in filters(config):
        print(path)
    return 0


# -- receptive fields ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReceptiveFieldConfig:
    model: ModelName | None = None  # a model's layers; default: the stacked-kernel demo
    input_size: int = 28  # image side in pixels: gives each layer's output size
    kernel: int = 3  # demo: kernel size of the stacked convs
    depth: int = 3  # demo: stacks of 1 … depth convs
    channels: int = 64  # demo: channels in and out of each conv, for the weight counts

    def __post_init__(self) -> None:
        for name in ("input_size", "kernel", "depth", "channels"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be ≥ 1")


def receptive_field_table(config: ReceptiveFieldConfig) -> list[dict[str, Any]]:
    """One row per layer: k, s, p, the receptive field r, jump j, start and output size."""
    if config.model is None:
        layers = [(f"conv{i + 1}", LayerSpec(kernel=config.kernel)) for i in range(config.depth)]
    else:
        layers = build_model(config.model, image_size=config.input_size).receptive_path()
    fields = receptive_fields([spec for _, spec in layers], input_size=config.input_size)
    return [
        {"layer": name, "kernel": spec.kernel, "stride": spec.stride, "padding": spec.padding,
         "receptive_field": f.size, "jump": f.jump, "start": f.start, "out_size": f.out_size}
        for (name, spec), f in zip(layers, fields, strict=True)
    ]  # fmt: skip


def format_table(rows: list[dict[str, Any]]) -> str:
    """Rows of equal keys as aligned text columns (numbers right-aligned, text left-aligned)."""
    keys = list(rows[0])
    body = [[_cell(row[k]) for k in keys] for row in rows]
    cells = [list(keys), *body]
    widths = [max(len(r[i]) for r in cells) for i in range(len(keys))]
    numeric = [all(_is_number(r[i]) for r in body) for i in range(len(keys))]
    return "\n".join(
        "  ".join(
            c.rjust(w) if right else c.ljust(w)
            for c, w, right in zip(r, widths, numeric, strict=True)
        ).rstrip()
        for r in cells
    )


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()


def _cell(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def receptive_field_command(config: ReceptiveFieldConfig) -> int:
    rows = receptive_field_table(config)
    last = rows[-1]
    if config.model is None:
        k, n = config.kernel, config.input_size
        print(f"{config.depth} stacked {k}×{k} convs, stride 1, no padding, on a {n}×{n} image:")
        print(format_table(rows))
        print(f"\nweights of a stack vs one conv with the same receptive field "
              f"({config.channels} channels in and out, no biases):")  # fmt: skip
        table = small_kernels_table(
            channels=config.channels, kernel=config.kernel, depths=range(1, config.depth + 1)
        )
        print(format_table(table))
    else:
        net = build_model(config.model, image_size=config.input_size)
        print(f"{config.model} ({count_parameters(net):,} parameters) on a "
              f"{config.input_size}×{config.input_size} image, along its widest path:")  # fmt: skip
        print(format_table(rows))
        r, n, centre = last["receptive_field"], config.input_size, last["out_size"] // 2
        first = last["start"] + centre * last["jump"]
        size = "larger than" if r > n else "inside" if r < n else "as large as"
        print(
            f"\neach unit of the last layer sees a {r}×{r} window, {size} the {n}×{n} image; the "
            f"centre unit ({centre}, {centre}) spans pixels {first}…{first + r - 1} of 0…{n - 1}"
        )
    return 0


# -- transfer ------------------------------------------------------------------------------


def transfer_command(config: TransferConfig) -> int:
    result = run_transfer(config)
    print(
        f"{result['model']} pretrained on {result['source']} (test accuracy "
        f"{result['source_test_accuracy']:.4f}), then trained on a few labelled {result['target']} "
        f"images; accuracy on its {result['target_test_images']:,} test images:"
    )
    table = [
        {
            "labels": row["labels"],
            "setting": row["setting"],
            "frozen": ", ".join(row["frozen_blocks"]) or "-",
            "trainable parameters": f"{row['trainable_parameters']:,}",
            "test accuracy": f"{row['test_accuracy']:.4f}",
            "seconds": f"{row['train_seconds']:.0f}",
        }
        for row in result["rows"]
    ]
    print(format_table(table))
    print(f"table: {config.out / 'transfer.json'}")
    return 0


COMMANDS: Registry[Command] = Registry("vision command")
COMMANDS.add(
    "train",
    Command(
        help="train a CNN (lenet, vgg, inception, resnet) on an image data set",
        config=VisionTrainConfig,
        run=train,
        presets=PRESETS,
        resume_from=resume_config,
    ),
)
COMMANDS.add(
    "eval",
    Command(
        help="test accuracy and confusion matrix of a trained CNN",
        config=VisionEvalConfig,
        run=eval_command,
    ),
)
COMMANDS.add(
    "filters",
    Command(
        help="first-layer filters and feature maps of a trained CNN (or edge filters) as PNGs",
        config=VisionFiltersConfig,
        run=filters_command,
    ),
)
COMMANDS.add(
    "receptive-field",
    Command(
        help="receptive field of each layer of a CNN, or of stacked 3×3 convs vs one big kernel",
        config=ReceptiveFieldConfig,
        run=receptive_field_command,
    ),
)
COMMANDS.add(
    "transfer",
    Command(
        help="pretrain, freeze the trunk, fine-tune on few labels: frozen/fine-tuned/scratch table",
        config=TransferConfig,
        run=transfer_command,
    ),
)
