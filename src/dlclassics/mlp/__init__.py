"""The multilayer perceptron (notes 004 §二: MLP, activations, init, dropout, momentum).

- :mod:`.model` — the MLP; :mod:`.commands` — ``dlc mlp train|eval`` on real images;
- :mod:`.boundary` with :mod:`.toy2d` — ``dlc mlp boundary``: width (and L2) against the
  decision boundary on 2-D spirals, moons and circles (§二.5.3);
- :mod:`.activations` — ``dlc mlp activations``: sigmoid/tanh/ReLU × init (and BN) in a deep
  MLP, per-layer activation and gradient statistics over training (§二.2, §二.9.2).
"""

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
