"""Shapes of every generator and discriminator, packed and conditional."""

from __future__ import annotations

import pytest
import torch

from dlclassics.errors import ConfigError
from dlclassics.gan.models import MODELS, ModelConfig


@pytest.mark.parametrize("name", ["dcgan", "mlp-gan", "cdcgan"])
def test_generator_draws_images_in_tanh_range_and_discriminator_gives_one_logit_each(
    name: str,
) -> None:
    spec = MODELS[name]
    classes = 10 if spec.conditional else 0
    g, d = spec.build(ModelConfig(latent=16, width=8, hidden=32), (1, 28, 28), classes)
    y = torch.arange(6) % 10 if spec.conditional else None
    x = g(torch.randn(6, 16), y)
    assert x.shape == (6, 1, 28, 28)
    assert x.abs().max() <= 1
    assert d(x, y).shape == (6,)
    assert g.n_classes == classes


@pytest.mark.parametrize("pack", [1, 4])
def test_packed_discriminator_judges_pack_samples_at_once(pack: int) -> None:
    for name, shape in (("mlp-gan", (2,)), ("dcgan", (1, 28, 28))):
        g, d = MODELS[name].build(ModelConfig(latent=8, width=8, hidden=16, pack=pack), shape, 0)
        x = g(torch.randn(8, 8))
        assert x.shape == (8, *shape)
        assert d(x).shape == (8 // pack,)


def test_points_generator_is_unbounded_and_dcgan_refuses_points() -> None:
    g, _ = MODELS["mlp-gan"].build(ModelConfig(latent=4, hidden=8), (2,), 0)
    assert g(torch.randn(3, 4)).shape == (3, 2)
    with pytest.raises(ConfigError, match="mlp-gan"):
        MODELS["dcgan"].build(ModelConfig(), (2,), 0)


def test_conditional_generator_changes_its_output_with_the_class() -> None:
    torch.manual_seed(0)
    g, _ = MODELS["cdcgan"].build(ModelConfig(latent=8, width=8), (1, 28, 28), 10)
    g.eval()
    z = torch.randn(1, 8).repeat(2, 1)
    x = g(z, torch.tensor([0, 1]))
    assert not torch.equal(x[0], x[1])
