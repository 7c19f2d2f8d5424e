"""Classic classifiers and their building blocks, in NumPy (course note 004 and its neighbours).

- :mod:`~dlclassics.classic.knn` — k-nearest neighbours (K近邻算法), k chosen by cross-validation.
- :mod:`~dlclassics.classic.linear` — the score function f = Wx + b, the multiclass SVM (hinge) and
  softmax losses with L2 regularization, and a linear classifier trained by minibatch SGD.
- :mod:`~dlclassics.classic.preprocess` — mean subtraction, normalization, PCA and whitening.
- :mod:`~dlclassics.classic.templates` — a linear classifier's rows of W shown as images.
- :mod:`~dlclassics.classic.activations`, :mod:`~dlclassics.classic.init`,
  :mod:`~dlclassics.classic.optim` — activations and their saturation, weight initialization,
  SGD / momentum / Nesterov / RMSProp / Adam.
- :mod:`~dlclassics.classic.mlp_engine` — an MLP on the NumPy tensor engine, and the same
  network in torch.
- :mod:`~dlclassics.classic.commands` — ``dlc classic knn|svm|softmax|mlp`` on real images;
  :mod:`~dlclassics.classic.tour` — their step in ``dlc tour``.
"""
