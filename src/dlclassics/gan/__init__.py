"""Generative adversarial networks: the generator–discriminator minimax game (note 004 §五).

The game on a line (the optimal discriminator, saturating vs non-saturating generator loss,
:mod:`.game`, :mod:`.line`), on a plane (mode collapse on a ring of 8 Gaussians,
:mod:`.mixture`) and on real images (DCGAN, an MLP GAN and a class-conditional DCGAN on MNIST
and Fashion-MNIST, :mod:`.models`), measured by our own classifier (:mod:`.measures`).
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "gan",
    groups=(
        Group(
            "gan",
            {
                "train": "train a GAN (DCGAN, MLP GAN, cDCGAN) on images or on 8 Gaussians",
                "sample": "draw samples of a trained GAN into a PNG grid (--class for cdcgan)",
                "eval": "own-classifier Fréchet distance, score, class shares; ring modes",
            },
        ),
    ),
    tour=True,
)
