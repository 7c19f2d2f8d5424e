"""Augmentation: crops are shifted windows of the zero-padded image, flips mirror, all seeded."""

from __future__ import annotations

import doctest

import pytest
import torch
import torch.nn.functional as F

from dlclassics.errors import ConfigError
from dlclassics.tasks import Classification
from dlclassics.vision import augment
from dlclassics.vision.augment import (
    Augment,
    AugmentConfig,
    call_generator,
    hflip,
    random_crop,
    random_hflip,
)


def test_a_random_crop_is_the_window_at_the_drawn_offset_of_the_padded_image() -> None:
    x = torch.rand(50, 2, 6, 5)
    p = 2
    out = random_crop(x, p, torch.Generator().manual_seed(3))
    g = torch.Generator().manual_seed(3)  # the same draws, replayed
    dy = torch.randint(0, 2 * p + 1, (50,), generator=g)
    dx = torch.randint(0, 2 * p + 1, (50,), generator=g)
    padded = F.pad(x, (p, p, p, p))
    for i in range(50):
        torch.testing.assert_close(out[i], padded[i, :, dy[i] : dy[i] + 6, dx[i] : dx[i] + 5])
    assert set(dy.tolist()) == set(range(5))  # every shift in [−p, p] occurs in 50 draws


def test_crop_padding_zero_is_the_identity_and_flip_twice_is_too() -> None:
    x = torch.rand(4, 1, 28, 28)
    assert random_crop(x, 0, torch.Generator()) is x
    torch.testing.assert_close(hflip(hflip(x)), x)
    assert torch.equal(hflip(x)[..., 0], x[..., -1])


def test_random_flip_mirrors_about_half_the_images() -> None:
    x = torch.rand(1000, 1, 3, 3)
    y = random_hflip(x, torch.Generator().manual_seed(0))
    flipped = (y != x).flatten(1).any(dim=1)
    assert torch.equal(y[flipped], hflip(x[flipped])) and torch.equal(y[~flipped], x[~flipped])
    # Binomial(1000, ½): 500 ± 16 (σ); the bound is 3σ
    assert 450 <= int(flipped.sum()) <= 550


def test_augment_draws_depend_on_seed_and_call_count_only() -> None:
    x = torch.rand(8, 1, 28, 28)
    a, b = Augment(crop_padding=2, flip=True, seed=1), Augment(crop_padding=2, flip=True, seed=1)
    first = a(x)
    assert torch.equal(first, b(x)) and int(a.calls) == 1
    second = a(x)
    assert not torch.equal(first, second)  # call 1 draws new offsets
    b.calls.fill_(5)
    c = Augment(crop_padding=2, flip=True, seed=1)
    for _ in range(5):
        c(x)
    assert torch.equal(b(x), c(x))  # restoring the counter restores the stream
    g = call_generator(1, 0)
    assert torch.equal(first, random_hflip(random_crop(x, 2, g), g))


def test_flips_are_decided_per_data_set() -> None:
    auto = AugmentConfig(augment=True)
    assert auto.flips("fashion-mnist") and not auto.flips("mnist") and not auto.flips("mnist-5k")
    assert AugmentConfig(flip="on").flips("mnist")
    assert Augment.for_data(AugmentConfig(), "fashion-mnist", seed=0) is None  # off by default
    assert Augment.for_data(AugmentConfig(augment=True, crop_padding=0), "mnist", seed=0) is None
    fashion = Augment.for_data(AugmentConfig(augment=True, crop_padding=0), "fashion-mnist", seed=0)
    assert fashion is not None and fashion.flip and fashion.crop_padding == 0
    with pytest.raises(ConfigError, match="no flip rule for data set 'cifar'"):
        auto.flips("cifar")
    with pytest.raises(ConfigError, match="crop_padding=-1"):
        AugmentConfig(crop_padding=-1)


def test_classification_augments_training_batches_only() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(28 * 28, 10))
    plain = Classification(model)
    augmented = Classification(model, augment=Augment(crop_padding=3, flip=True, seed=0))
    x, y = torch.rand(16, 1, 28, 28), torch.randint(0, 10, (16,))
    assert plain.evaluation_step((x, y)) == augmented.evaluation_step((x, y))
    assert torch.equal(plain.predict(x), augmented.predict(x))
    assert int(augmented.augment.calls) == 0  # type: ignore[union-attr]
    loss_plain = plain.training_step((x, y)).loss
    loss_augmented = augmented.training_step((x, y)).loss
    assert loss_plain != loss_augmented and int(augmented.augment.calls) == 1  # type: ignore[union-attr]
    assert "augment.calls" in augmented.state_dict()  # saved with the weights: exact resume


def test_the_module_docstring_example_runs() -> None:
    assert doctest.testmod(augment).failed == 0
