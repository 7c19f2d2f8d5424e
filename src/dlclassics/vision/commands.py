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
dlc vision export-features --run-dir runs/lenet        # penultimate features for dlc classic
dlc vision layers --run-dir runs/lenet                 # every layer's maps; top images per channel

Training and evaluation live in :mod:`dlclassics.vision.run`, transfer in
:mod:`dlclassics.vision.transfer`; this module parses, calls and prints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from dlclassics.commands import Command
from dlclassics.data import load_images
from dlclassics.data.images import ImageData
from dlclassics.data.tensors import image_dataset
from dlclassics.errors import ConfigError, DataError
from dlclassics.registry import Registry
from dlclassics.tasks import eval_summary
from dlclassics.vision.depth import LayersConfig, draw_layers
from dlclassics.vision.export import ExportFeaturesConfig, export_features
from dlclassics.vision.filters import edge_picture
from dlclassics.vision.models import ModelName, Net, build_model, count_parameters
from dlclassics.vision.receptive_field import LayerSpec, receptive_fields, small_kernels_table
from dlclassics.vision.run import (
    PRESETS,
    TRAIN,
    VisionEvalConfig,
    evaluate,
    load_run,
)
from dlclassics.vision.transfer import TransferConfig, run_transfer
from dlclassics.vision.viz import feature_maps, plot_feature_maps, plot_filters

log = logging.getLogger(__name__)


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
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add(
    "eval",
    Command(
        config=VisionEvalConfig,
        run=eval_command,
    ),
)
COMMANDS.add(
    "filters",
    Command(
        config=VisionFiltersConfig,
        run=filters_command,
    ),
)
COMMANDS.add(
    "receptive-field",
    Command(
        config=ReceptiveFieldConfig,
        run=receptive_field_command,
    ),
)
COMMANDS.add(
    "transfer",
    Command(
        config=TransferConfig,
        run=transfer_command,
    ),
)


def export_features_command(config: ExportFeaturesConfig) -> int:
    path = export_features(config)
    print(f"{path} (+ {path.with_suffix('.json').name}); classify with: "
          f"dlc classic features --cnn-features {path}")  # fmt: skip
    return 0


COMMANDS.add("export-features", Command(config=ExportFeaturesConfig, run=export_features_command))


def layers_command(config: LayersConfig) -> int:
    for path in draw_layers(config):
        print(path)
    return 0


COMMANDS.add("layers", Command(config=LayersConfig, run=layers_command))
