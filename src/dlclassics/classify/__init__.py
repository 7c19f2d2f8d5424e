"""Sequence classification: sentiment, spam, genre (note 002: the many-to-one RNN task).

Note 002 (one label for a whole sequence) and note 003 (transferring word vectors, and a
pretrained language model, to a small task). :mod:`.commands` has the CLI, :mod:`.models`
the classifiers, :mod:`.pretrained` the transfer, :mod:`.gradients` the gradients through
time; the labelled sets are :mod:`dlclassics.data.labelled`.
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "classify",
    groups=(
        Group(
            "classify",
            {
                "train": "train a text classifier (bag of embeddings, RNN/LSTM/GRU, pooling)",
                "eval": "accuracy and confusion matrix of a trained classifier on a split",
                "predict": "label and probability of each line of a file or stdin",
                "gradients": "gradient norm through time for RNN/LSTM/GRU; clipping",
            },
        ),
    ),
    tour=True,
)
