"""Generators and discriminators: MLPs (Goodfellow et al. 2014), DCGAN and its conditional twin.

One contract for every pair, so the training loop never asks which model it runs::

    x = G(z, y)        # z (B, latent), y (B,) class ids or None  ->  (B, *shape)
    ℓ = D(x, y)        # (B, *shape), y                           ->  (B / pack,) logits

**DCGAN** (Radford et al. 2016) on 28×28 images: no pooling and no fully connected hidden
layers beyond the first projection; the generator upsamples with stride-2 transposed
convolutions, output size (n − 1)·s − 2p + f = (7 − 1)·2 − 2 + 4 = 14, then 28; batch norm in
both nets except at G's output and D's input; ReLU in G, LeakyReLU(0.2) in D; tanh output::

    G: z (B, Z) →linear→ (B, 2w, 7, 7) →convT 4×4 s2→ (B, w, 14, 14) →convT 4×4 s2→ (B, 1, 28, 28)
    D: x (B, 1, 28, 28) →conv 4×4 s2→ (B, w, 14, 14) →conv 4×4 s2→ (B, 2w, 7, 7) →linear→ (B,)

**cDCGAN** conditions both nets on the class y: G reads [z, embed(y)] (Mirza & Osindero 2014),
D adds the projection term embed(y)·φ(x) to its logit (Miyato & Koyama 2018).

**Packing** (PacGAN, Lin et al. 2018): D judges ``pack`` samples at once, concatenated; a
collapsed generator's packs look alike, which D detects — the remedy for mode collapse that
the 8-Gaussian ring shows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.registry import Registry


@dataclass(frozen=True, kw_only=True)
class ModelConfig:
    latent: int = 64  # Z, the size of the noise z ~ N(0, I)
    width: int = 32  # DCGAN: channels w of G's last and D's first conv; MLP: see hidden
    hidden: int = 256  # MLP GAN: units of each hidden layer
    depth: int = 2  # MLP GAN: hidden layers in G and in D
    pack: int = 1  # PacGAN: samples D judges together (1 = the plain discriminator)

    def __post_init__(self) -> None:
        for name in ("latent", "width", "hidden", "depth", "pack"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be ≥ 1")


class Generator(nn.Module):
    """G(z, y): the noise, with the class embedding appended when conditional."""

    def __init__(self, body: nn.Module, *, latent: int, n_classes: int, shape: tuple[int, ...]):
        super().__init__()
        self.latent, self.n_classes, self.shape = latent, n_classes, shape
        self.embed = nn.Embedding(n_classes, latent) if n_classes else None
        self.body = body

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.embed is not None:
            assert y is not None, "a conditional generator needs class ids"
            z = torch.cat([z, self.embed(y)], dim=1)  # (B, 2Z)
        return self.body(z).view(len(z), *self.shape)  # (B, *shape)


class Discriminator(nn.Module):
    """D(x, y) logit = ψ(φ(x)) [+ embed(y)·φ(x)], on ``pack`` samples concatenated."""

    def __init__(self, features: nn.Module, width: int, *, n_classes: int, pack: int) -> None:
        super().__init__()
        self.pack = pack
        self.features = features  # (B / pack, pack·C, …) -> (B / pack, width)
        self.head = nn.Linear(width, 1)
        self.embed = nn.Embedding(n_classes, width) if n_classes else None

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        B = len(x)
        assert B % self.pack == 0, f"batch {B} is not a multiple of pack {self.pack}"
        packed = x.reshape(B // self.pack, self.pack * x.shape[1], *x.shape[2:])
        phi = self.features(packed)  # (B / pack, width)
        logit = self.head(phi).squeeze(1)  # (B / pack,)
        if self.embed is not None:
            assert y is not None and self.pack == 1, "projection needs class ids, no packing"
            logit = logit + (self.embed(y) * phi).sum(dim=1)  # projection term
        return logit


def _mlp(sizes: list[int], activation: Callable[[], nn.Module], norm: bool) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out), *([nn.BatchNorm1d(n_out)] if norm else []), activation()]
    return layers


Pair = tuple[Generator, Discriminator]


def mlp_gan(config: ModelConfig, shape: tuple[int, ...], n_classes: int) -> Pair:
    """MLPs for points (shape (2,)) or flattened images (shape (1, 28, 28), tanh output)."""
    n, h = math.prod(shape), config.hidden
    images = len(shape) == 3
    z_in = config.latent * (2 if n_classes else 1)
    g_body = nn.Sequential(
        *_mlp([z_in] + [h] * config.depth, nn.ReLU, norm=images),
        nn.Linear(h, n),
        *([nn.Tanh()] if images else []),
    )
    d_features = nn.Sequential(
        nn.Flatten(),  # (B / pack, pack, …) -> (B / pack, pack·n)
        *_mlp([config.pack * n] + [h] * config.depth, lambda: nn.LeakyReLU(0.2), norm=False),
    )
    g = Generator(g_body, latent=config.latent, n_classes=n_classes, shape=shape)
    return g, Discriminator(d_features, h, n_classes=n_classes, pack=config.pack)


def dcgan(config: ModelConfig, shape: tuple[int, ...], n_classes: int) -> Pair:
    """DCGAN for 1×28×28 images (the shapes in the module docstring)."""
    if shape != (1, 28, 28):
        raise ConfigError(f"dcgan draws 1×28×28 images, not points of shape {shape}; use mlp-gan")
    w, z_in = config.width, config.latent * (2 if n_classes else 1)
    g_body = nn.Sequential(
        nn.Linear(z_in, 2 * w * 7 * 7, bias=False),
        nn.Unflatten(1, (2 * w, 7, 7)),  # (B, 2w, 7, 7)
        nn.BatchNorm2d(2 * w),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * w, w, 4, stride=2, padding=1, bias=False),  # (B, w, 14, 14)
        nn.BatchNorm2d(w),
        nn.ReLU(),
        nn.ConvTranspose2d(w, 1, 4, stride=2, padding=1),  # (B, 1, 28, 28)
        nn.Tanh(),
    )
    d_features = nn.Sequential(
        nn.Conv2d(config.pack, w, 4, stride=2, padding=1),  # (B', w, 14, 14), no BN at input
        nn.LeakyReLU(0.2),
        nn.Conv2d(w, 2 * w, 4, stride=2, padding=1, bias=False),  # (B', 2w, 7, 7)
        nn.BatchNorm2d(2 * w),
        nn.LeakyReLU(0.2),
        nn.Flatten(),  # (B', 2w·49)
        nn.Linear(2 * w * 7 * 7, 4 * w),
        nn.LeakyReLU(0.2),
    )
    g = Generator(g_body, latent=config.latent, n_classes=n_classes, shape=shape)
    return g, Discriminator(d_features, 4 * w, n_classes=n_classes, pack=config.pack)


@dataclass(frozen=True)
class ModelSpec:
    build: Callable[[ModelConfig, tuple[int, ...], int], Pair]
    conditional: bool  # G and D see the class


MODELS: Registry[ModelSpec] = Registry("gan model")
MODELS.add("mlp-gan", ModelSpec(mlp_gan, conditional=False))
MODELS.add("dcgan", ModelSpec(dcgan, conditional=False))
MODELS.add("cdcgan", ModelSpec(dcgan, conditional=True))
