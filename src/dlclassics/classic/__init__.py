"""Classic classifiers and their building blocks, in NumPy (course note 004 and its neighbours).

- :mod:`~dlclassics.classic.knn` — k-nearest neighbours (K近邻算法), k chosen by cross-validation.
- :mod:`~dlclassics.classic.linear` — the score function f = Wx + b, the multiclass SVM (hinge) and
  softmax losses with L2 regularization, and a linear classifier trained by minibatch SGD.
- :mod:`~dlclassics.classic.preprocess` — mean subtraction, normalization, PCA and whitening.
- :mod:`~dlclassics.classic.templates` — a linear classifier's rows of W shown as images.
- :mod:`~dlclassics.classic.activations`, :mod:`~dlclassics.classic.init`,
  :mod:`~dlclassics.classic.optim` — activations and their saturation, weight initialization,
  SGD / momentum / Nesterov / RMSProp / Adam.
- :mod:`~dlclassics.classic.learning_rate` — the step size η too small, right and too large.
- :mod:`~dlclassics.classic.mlp_engine` — an MLP on the NumPy tensor engine, and the same
  network in torch; :mod:`~dlclassics.classic.reference` — its torch twin trained step for
  step, and the epoch-time ratio of the two.
- :mod:`~dlclassics.classic.protocol` — splits, train-fitted preprocessing, the settings chosen
  on val, scores and targets: how the four classifiers are run on real images.
- :mod:`~dlclassics.classic.features` — hand-made features (intensity histograms, HOG) against
  pixels and a CNN's learned features, under the same three classifiers.
- :mod:`~dlclassics.classic.commands` — ``dlc classic knn|svm|softmax|mlp|features`` on real
  images;
  :mod:`~dlclassics.classic.tour` — their step in ``dlc tour``.
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "classic",
    groups=(
        Group(
            "classic",
            {
                "knn": "k-nearest neighbours on image pixels; k by cross-validation with --cv",
                "svm": "linear SVM (multiclass hinge) by minibatch SGD; loss and templates",
                "softmax": "softmax classifier (cross-entropy) by minibatch SGD; templates",
                "mlp": "MLP on our NumPy tensor engine; epoch time as a ratio to torch",
                "features": "pixels, histograms, HOG and CNN features under SVM/softmax/k-NN",
            },
        ),
    ),
    tour=True,
)
