"""The multilayer perceptron on real images (notes 004: MLP, ReLU, He init, dropout, momentum)."""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "mlp",
    groups=(
        Group(
            "mlp",
            {
                "train": "train the ReLU MLP on an image data set (Fashion-MNIST by default)",
                "eval": "test accuracy and confusion matrix of a trained MLP",
                "boundary": "MLPs of width 1…50 on 2-D spirals/moons/circles: decision boundaries",
                "activations": "sigmoid/tanh/ReLU × small/Xavier/He init (and BN) in a deep MLP",
            },
        ),
    ),
    tour=True,
)
